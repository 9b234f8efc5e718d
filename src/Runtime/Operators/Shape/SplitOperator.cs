using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Split along axis into one part per output. Part sizes come from the 'split' attribute (before opset 13) or the
/// constant 'split' input (from 13); without them the axis divides evenly, or, with num_outputs (opset 18), into
/// parts of ceil(dim / n) with a smaller last one.
/// </summary>
public sealed class SplitOperator : FoldingOperator
{
    private readonly long _axis;
    private readonly long[]? _splitAttribute;
    private readonly long? _numOutputs;

    public SplitOperator(Node node, int opset) : base(node, opset)
    {
        _axis = node.GetInt("axis", 0);
        if (opset < 13) _splitAttribute = node.GetInts("split");
        if (opset >= 18 && node.Attr("num_outputs") is not null)
        {
            _numOutputs = node.GetInt("num_outputs", 0);
            if (_numOutputs != node.Outputs.Length)
                throw Error($"num_outputs is {_numOutputs} but the node has {node.Outputs.Length} outputs");
        }
        if (node.Outputs.Length == 0) throw Error("has no outputs");
    }

    private (int Axis, int[] Sizes) Parts(ValueInfo?[] inputs)
    {
        var x = inputs[0]!;
        int axis = ShapeMath.Axis(_axis, x.Rank, Where);
        int dim = x.Shape[axis], n = Node.Outputs.Length;
        long[]? split = Opset < 13 ? _splitAttribute : inputs.Length > 1 && inputs[1] is not null ? ConstantInts(inputs, 1, "split") : null;
        var sizes = new int[n];
        if (split is not null)
        {
            string text = $"[{string.Join(", ", split)}]";
            if (split.Length != n) throw Error($"split {text} has {split.Length} entries for {n} outputs");
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                if (split[i] < 0) throw Error($"split {text} has negative entry {split[i]}");
                sum += split[i];
            }
            if (sum != dim) throw Error($"split {text} sums to {sum} but axis {axis} of {ShapeMath.Format(x.Shape)} has {dim}");
            for (int i = 0; i < n; i++) sizes[i] = (int)split[i];
        }
        else if (dim % n == 0) Array.Fill(sizes, dim / n);
        else if (_numOutputs is not null)
        {
            int chunk = (dim + n - 1) / n;
            for (int i = 0; i < n; i++) sizes[i] = Math.Clamp(dim - i * chunk, 0, chunk);
        }
        else throw Error($"axis {axis} of {ShapeMath.Format(x.Shape)} ({dim}) does not split evenly into {n} outputs");
        return (axis, sizes);
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, Opset < 13 ? 1 : 2);
        var x = inputs[0]!;
        ExpectRank(x, 0, 1);
        var (axis, sizes) = Parts(inputs);
        var outputs = new ValueInfo[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            var shape = (int[])x.Shape.Clone();
            shape[axis] = sizes[i];
            outputs[i] = new ValueInfo(x.Type, shape);
        }
        return outputs;
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var (axis, sizes) = Parts(inputs);
        return TypedKernels.Split(inputs[0]!.Constant!, axis, sizes);
    }

    protected override Step CreateFloatStep(StepContext context)
    {
        var shape = context.InputInfos[0]!.Shape;
        var (axis, sizes) = Parts(context.InputInfos);
        int inner = AxisMath.Inner(shape, axis);
        var partRows = Array.ConvertAll(sizes, s => s * inner);
        return new SplitStep(context.Inputs[0], AxisMath.Outer(shape, axis), shape[axis] * inner, partRows, context.Outputs)
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
    }

    private sealed class SplitStep(Slot input, int outer, int srcRow, int[] partRows, Slot[] outputs) : Step
    {
        public override void Run()
        {
            int offset = 0;
            for (int i = 0; i < outputs.Length; i++)
            {
                if (!outputs[i].IsEmpty)
                    ConcatReference.CopyOut<float>(input.ReadOnly, outer, srcRow, offset, outputs[i].Span, partRows[i]);
                offset += partRows[i];
            }
        }
    }
}
