using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Gather along axis with int32/int64 indices of any shape (negative ones count from the end); output shape
/// data.shape[:axis] + indices.shape + data.shape[axis+1:]. The float step needs constant indices, validated at plan time.
/// </summary>
public sealed class GatherOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private readonly long _axis = node.GetInt("axis", 0);

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var data = inputs[0]!;
        var indices = inputs[1]!;
        ExpectRank(data, 0, 1);
        if (indices.Type is not (DataType.Int32 or DataType.Int64))
            throw Error($"indices ('{Node.Inputs[1]}') are {DataTypes.Name(indices.Type)}; expected int32 or int64");
        int axis = ShapeMath.Axis(_axis, data.Rank, Where);
        if (indices.Constant is { } constant) Normalize(constant, data.Shape[axis]);

        var shape = new List<int>(data.Rank - 1 + indices.Rank);
        shape.AddRange(data.Shape.AsSpan(0, axis));
        shape.AddRange(indices.Shape);
        shape.AddRange(data.Shape.AsSpan(axis + 1));
        var result = shape.ToArray();
        ShapeMath.Count(result, Where);
        return [new ValueInfo(data.Type, result)];
    }

    /// <summary>Indices in [0, axisDim); an error names the first out-of-range one.</summary>
    private int[] Normalize(Tensor indices, int axisDim)
    {
        long[] raw = indices.ToInt64Array();
        var normalized = new int[raw.Length];
        int bad = GatherReference.Normalize(raw, axisDim, normalized);
        if (bad >= 0)
            throw Error($"index {raw[bad]} (element {bad} of indices '{Node.Inputs[1]}') is out of range for an axis of size {axisDim}");
        return normalized;
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var data = inputs[0]!;
        int axis = ShapeMath.Axis(_axis, data.Rank, Where);
        int[] indices = Normalize(inputs[1]!.Constant!, data.Shape[axis]);
        return [TypedKernels.Gather(data.Constant!, AxisMath.Outer(data.Shape, axis), data.Shape[axis], AxisMath.Inner(data.Shape, axis), indices, outputs[0].Shape)];
    }

    protected override Step CreateFloatStep(StepContext context)
    {
        var data = context.InputInfos[0]!;
        int axis = ShapeMath.Axis(_axis, data.Rank, Where);
        var indexTensor = context.InputInfos[1]!.Constant ?? throw NotSupported(
            $"input 1 ('{Node.Inputs[1]}', the indices) must be a constant: gathering with indices computed at run time is not supported");
        return new GatherStep(context.Inputs[0], Normalize(indexTensor, data.Shape[axis]), AxisMath.Outer(data.Shape, axis),
            data.Shape[axis], AxisMath.Inner(data.Shape, axis), context.Outputs[0])
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
    }

    private sealed class GatherStep(Slot data, int[] indices, int outer, int axisDim, int inner, Slot output) : Step
    {
        public override void Run() => GatherReference.Gather<float>(data.ReadOnly, outer, axisDim, inner, indices, output.Span);
    }
}
