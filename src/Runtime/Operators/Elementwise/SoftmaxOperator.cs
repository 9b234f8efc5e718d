using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at <c>axis</c> (default 1): each row
/// [dims before axis] normalizes over all the dimensions from axis on. From 13 on they normalize along the single
/// dimension <c>axis</c> (default −1).
/// </summary>
public sealed class SoftmaxOperator : ElementwiseOperator
{
    private readonly bool logarithm;
    private readonly bool coerceTo2D;
    private readonly long axis;

    public SoftmaxOperator(Node node, int opset, bool logarithm) : base(node, opset)
    {
        this.logarithm = logarithm;
        coerceTo2D = opset < 13;
        axis = node.GetInt("axis", coerceTo2D ? 1 : -1);
    }

    public static SoftmaxOperator Softmax(Node node, int opset) => new(node, opset, logarithm: false);
    public static SoftmaxOperator LogSoftmax(Node node, int opset) => new(node, opset, logarithm: true);

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = Required(inputs, 0);
        ExpectFloat(x, 0);
        ExpectRank(x, 0, 1);
        ShapeMath.Axis(axis, x.Rank, Where);
        return [new ValueInfo(x.Type, x.Shape)];
    }

    public override Step CreateStep(StepContext context)
    {
        var shape = context.InputInfos[0]!.Shape;
        int a = ShapeMath.Axis(axis, shape.Length, Where);
        int outer = ShapeMath.Count(shape.AsSpan(0, a));
        int length = coerceTo2D ? ShapeMath.Count(shape.AsSpan(a)) : shape[a];
        int inner = coerceTo2D ? 1 : ShapeMath.Count(shape.AsSpan(a + 1));
        return new SoftmaxStep(context.Inputs[0], context.Outputs[0], outer, length, inner, logarithm)
        { NodeName = Node.Name, OpType = Node.OpType };
    }

    private sealed class SoftmaxStep(Slot x, Slot y, int outer, int length, int inner, bool logarithm) : Step
    {
        public override void Run()
        {
            if (logarithm) SoftmaxReference.LogSoftmax(x.ReadOnly, y.Span, outer, length, inner);
            else SoftmaxReference.Softmax(x.ReadOnly, y.Span, outer, length, inner);
        }
    }
}
