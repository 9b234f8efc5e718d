using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>An elementwise function of one input defined on every numeric type: Relu, Neg, Abs.</summary>
public sealed class NumericUnaryOperator<TFunction>(Node node, int opset) : ElementwiseOperator(node, opset)
    where TFunction : INumericUnaryFunction
{
    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = Required(inputs, 0);
        ExpectNumeric(x, 0);
        return [new ValueInfo(x.Type, x.Shape)];
    }

    public override Step CreateStep(StepContext context) =>
        F32ElementwiseSteps.TryUnary(context.Isa, default(NumericUnaryOp<float, TFunction>), context.Inputs[0], context.Outputs[0], Node.Name, Node.OpType, context.Pool)
        ?? new UnaryStep<NumericUnaryOp<float, TFunction>>(context.Inputs[0], context.Outputs[0], default)
        { NodeName = Node.Name, OpType = Node.OpType };

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        InferOutputs(InfosOf(inputs));
        var x = inputs[0]!;
        return x.Type == DataType.Float ? base.Evaluate(inputs) : [ElementDispatch.Numeric(x.Type, new Typed(x), Where)];
    }

    private readonly struct Typed(Tensor x) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            var y = new T[x.Length];
            ElementwiseReference.Unary<T, NumericUnaryOp<T, TFunction>>(x.As<T>(), y, default);
            return Tensor.Create(x.Shape, y);
        }
    }
}
