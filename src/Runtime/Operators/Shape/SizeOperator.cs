using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Size: the input's element count as an int64 scalar; always a plan-time constant.</summary>
public sealed class SizeOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        return [new ValueInfo(DataType.Int64, [])];
    }

    protected override bool CanCompute(ValueInfo?[] inputs) => true;

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) => [Tensor.Scalar((long)inputs[0]!.Count)];
}
