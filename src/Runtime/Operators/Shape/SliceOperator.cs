using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Slice: starts, ends and optional axes are attributes before opset 10; from 10 they, and optional steps, are
/// inputs, which must be constants. Clamping, negative indices and negative steps follow ONNX.
/// </summary>
public sealed class SliceOperator : FoldingOperator
{
    private readonly long[]? _startsAttribute, _endsAttribute, _axesAttribute;

    public SliceOperator(Node node, int opset) : base(node, opset)
    {
        if (opset >= 10) return;
        _startsAttribute = node.GetInts("starts") ?? throw Error("required attribute 'starts' is missing");
        _endsAttribute = node.GetInts("ends") ?? throw Error("required attribute 'ends' is missing");
        _axesAttribute = node.GetInts("axes");
    }

    /// <summary>Per input axis: first index read, number read and step (unsliced axes: 0, dim, 1).</summary>
    private (int[] Starts, int[] Counts, long[] Steps) Resolve(ValueInfo?[] inputs)
    {
        var shape = inputs[0]!.Shape;
        long[] starts, ends;
        long[]? axes, steps = null;
        if (Opset < 10)
        {
            (starts, ends, axes) = (_startsAttribute!, _endsAttribute!, _axesAttribute);
        }
        else
        {
            starts = ConstantInts(inputs, 1, "starts");
            ends = ConstantInts(inputs, 2, "ends");
            axes = inputs.Length > 3 && inputs[3] is not null ? ConstantInts(inputs, 3, "axes") : null;
            steps = inputs.Length > 4 && inputs[4] is not null ? ConstantInts(inputs, 4, "steps") : null;
        }
        if (ends.Length != starts.Length || axes is not null && axes.Length != starts.Length || steps is not null && steps.Length != starts.Length)
            throw Error($"starts ({starts.Length}), ends ({ends.Length}), axes ({axes?.Length ?? starts.Length}) and steps ({steps?.Length ?? starts.Length}) differ in length");
        if (axes is null && starts.Length > shape.Length)
            throw Error($"{starts.Length} starts given for an input of rank {shape.Length}");

        int[] axisOf = axes is null ? Enumerable.Range(0, starts.Length).ToArray() : NormalizeAxes(axes, shape.Length);
        var rStarts = new int[shape.Length];
        var rCounts = (int[])shape.Clone();
        var rSteps = new long[shape.Length];
        Array.Fill(rSteps, 1);
        for (int i = 0; i < starts.Length; i++)
        {
            int a = axisOf[i];
            long step = steps?[i] ?? 1;
            if (step == 0) throw Error($"step 0 for axis {a}");
            (rStarts[a], rCounts[a]) = SliceReference.Resolve(shape[a], starts[i], ends[i], step);
            rSteps[a] = step;
        }
        return (rStarts, rCounts, rSteps);
    }

    private StridedCopy Plan(ValueInfo?[] inputs)
    {
        var (starts, counts, steps) = Resolve(inputs);
        return SliceReference.Plan(inputs[0]!.Shape, starts, counts, steps);
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, Opset < 10 ? 1 : 3, Opset < 10 ? 1 : 5);
        return [new ValueInfo(inputs[0]!.Type, Resolve(inputs).Counts)];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Copy(Plan(inputs), inputs[0]!.Constant!, outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context) =>
        new StridedCopyStep(Plan(context.InputInfos), context.Inputs[0], context.Outputs[0]) { NodeName = Node.Name, OpType = Node.OpType };
}
