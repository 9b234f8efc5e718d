using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Operators.Nn;
using Cnnrt.Tensors;

namespace Cnnrt.Planning;

/// <summary>One row of `cnnrt inspect`: what a planned layer does and costs.</summary>
public sealed record LayerRow(
    string Name,
    string Op,
    string Activation,
    SpatialParams? Window,
    int[] OutputShape,
    long Parameters,
    long Macs,
    // receptive field per spatial axis, in input pixels; null once a layer sees the whole input
    int[]? ReceptiveField,
    // cumulative stride (input pixels per output step) per spatial axis; null once global
    int[]? CumulativeStride);

/// <summary>
/// Describes a plan layer by layer: window geometry with the resolved per-side padding (how SAME was split),
/// parameters, multiply-accumulates, receptive field and cumulative stride, following the lecture notes' rules:
/// a window of dilated size k at cumulative stride j grows the field by (k − 1)·j, and its stride multiplies j.
/// </summary>
public static class LayerReport
{
    public static IReadOnlyList<LayerRow> Build(Plan plan, Model model)
    {
        var fields = new Dictionary<string, (int[] Rf, int[] Jump)?>(StringComparer.Ordinal);
        foreach (var (decl, info) in model.Inputs.Zip(plan.InputInfos))
        {
            int spatial = Math.Max(info.Rank - 2, 0);
            fields[decl.Name] = (Enumerable.Repeat(1, spatial).ToArray(), Enumerable.Repeat(1, spatial).ToArray());
        }

        var rows = new List<LayerRow>(plan.Layers.Count);
        foreach (var layer in plan.Layers)
        {
            var node = layer.Node;
            SpatialParams? window = layer.Operator is IWindowedOperator w ? w.ResolveWindow(layer.Inputs) : null;
            long parameters = 0;
            foreach (var i in layer.Inputs)
                if (i is { Constant: { Type: DataType.Float } c }) parameters += c.Length;

            var input = FieldOf(node.Inputs, fields);
            (int[] Rf, int[] Jump)? output = input;
            if (window is not null && input is { } f && f.Rf.Length == window.Rank)
            {
                var rf = new int[window.Rank];
                var jump = new int[window.Rank];
                for (int a = 0; a < window.Rank; a++)
                {
                    rf[a] = f.Rf[a] + (window.Axes[a].DilatedKernel - 1) * f.Jump[a];
                    jump[a] = f.Jump[a] * window.Axes[a].Stride;
                }
                output = (rf, jump);
            }
            else if (node.OpType is "Gemm" or "MatMul" or "GlobalAveragePool" or "GlobalMaxPool" or "Flatten" or "ReduceMean"
                     || layer.Outputs[0].Rank < 3)
            {
                output = null; // sees the whole input from here on
            }
            foreach (var o in node.Outputs) if (o.Length > 0) fields[o] = output;

            rows.Add(new LayerRow(node.Name, node.OpType, FusedActivation.FromNode(node).ToString(), window,
                layer.Outputs[0].Shape, parameters, Macs(layer, window), output?.Rf, output?.Jump));
        }
        return rows;
    }

    private static (int[] Rf, int[] Jump)? FieldOf(string[] inputs, Dictionary<string, (int[] Rf, int[] Jump)?> fields)
    {
        // With several runtime inputs (Add, Concat) the output sees the union: the largest field and stride.
        (int[] Rf, int[] Jump)? best = null;
        bool any = false;
        foreach (var name in inputs)
        {
            if (name.Length == 0 || !fields.TryGetValue(name, out var f)) continue;
            if (f is null) return null;
            any = true;
            if (best is null || f.Value.Rf.Length == best.Value.Rf.Length && f.Value.Rf[0] > best.Value.Rf[0]) best = f;
        }
        return any ? best : null;
    }

    private static long Macs(PlannedLayer layer, SpatialParams? window)
    {
        var outShape = layer.Outputs[0].Shape;
        long outCount = 1;
        foreach (int d in outShape) outCount *= d;
        switch (layer.Node.OpType)
        {
            case "Conv" when layer.Inputs[1] is { } w && window is not null:
                // every output value sums C/group × kernel taps
                return outCount * (w.Shape[1] * (long)window.KernelSize);
            case "Gemm" when layer.Inputs[0] is { } a:
                int k = layer.Node.GetInt("transA", 0) != 0 ? a.Shape[0] : a.Shape[1];
                return outCount * k;
            case "MatMul" when layer.Inputs[0] is { } m:
                return outCount * m.Shape[^1];
            default:
                return 0;
        }
    }
}
