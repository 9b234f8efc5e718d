using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Shape: the input's dims as int64, from start to end (opset 15 attributes; negative counts from the end, clamped
/// to [0, rank]). Known from the shape alone, so always a plan-time constant.
/// </summary>
public sealed class ShapeOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private readonly long _start = node.GetInt("start", 0);
    private readonly long? _end = node.Attr("end") is null ? null : node.GetInt("end", 0);

    private (int Start, int Length) Range(int rank)
    {
        static int Clamp(long v, int rank) => (int)Math.Clamp(v < 0 ? v + rank : v, 0, rank);
        int start = Clamp(_start, rank), end = Clamp(_end ?? rank, rank);
        return (start, Math.Max(end - start, 0));
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        return [new ValueInfo(DataType.Int64, [Range(inputs[0]!.Rank).Length])];
    }

    protected override bool CanCompute(ValueInfo?[] inputs) => true;

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var shape = inputs[0]!.Shape;
        var (start, length) = Range(shape.Length);
        var dims = new long[length];
        for (int i = 0; i < length; i++) dims[i] = shape[start + i];
        return [Tensor.FromLongs([length], dims)];
    }
}
