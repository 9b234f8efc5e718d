using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>ConstantOfShape: a tensor of the (constant) shape input filled with the one-element 'value' attribute (default float 0).</summary>
public sealed class ConstantOfShapeOperator : FoldingOperator
{
    private readonly Tensor _value;

    public ConstantOfShapeOperator(Node node, int opset) : base(node, opset)
    {
        _value = node.GetTensor("value") ?? Tensor.Scalar(0f);
        if (_value.Length != 1) throw Error($"attribute 'value' has {_value.Length} elements; expected exactly one");
    }

    private int[] OutputShape(ValueInfo?[] inputs)
    {
        long[] dims = ConstantInts(inputs, 0, "shape");
        var shape = ShapeMath.FromLongs(dims, Where);
        ShapeMath.Count(shape, Where);
        return shape;
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        return [new ValueInfo(_value.Type, OutputShape(inputs))];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) => [TypedKernels.Fill(_value, outputs[0].Shape)];
}
