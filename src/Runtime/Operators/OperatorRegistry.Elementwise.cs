using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators.Elementwise;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterElementwise(Dictionary<string, Func<Node, int, Operator>> d)
    {
        // Activations; each entry reads the op's attributes with the ONNX defaults.
        d["Relu"] = (n, o) => new NumericUnaryOperator<Relu>(n, o);
        d["LeakyRelu"] = (n, o) => Unary(n, o, new LeakyReluOp(n.GetFloat("alpha", 0.01f)));
        d["PRelu"] = (n, o) => new BroadcastOperator<PReluOp>(n, o, 2, 2, unidirectional: true);
        d["Elu"] = (n, o) => Unary(n, o, new EluOp(n.GetFloat("alpha", 1f)));
        d["Selu"] = (n, o) => Unary(n, o, new SeluOp(n.GetFloat("alpha", SeluOp.DefaultAlpha), n.GetFloat("gamma", SeluOp.DefaultGamma)));
        d["Celu"] = (n, o) => Unary(n, o, new CeluOp(n.GetFloat("alpha", 1f)));
        d["Softplus"] = (n, o) => Unary(n, o, new SoftplusOp());
        d["Softsign"] = (n, o) => Unary(n, o, new SoftsignOp());
        d["Sigmoid"] = (n, o) => Unary(n, o, new SigmoidOp());
        d["Tanh"] = (n, o) => Unary(n, o, new TanhOp());
        d["HardSigmoid"] = (n, o) => Unary(n, o, new HardSigmoidOp(n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f)));
        d["HardSwish"] = (n, o) => Unary(n, o, new HardSwishOp());
        d["Clip"] = (n, o) => new ClipOperator(n, o);
        d["Softmax"] = SoftmaxOperator.Softmax;
        d["LogSoftmax"] = SoftmaxOperator.LogSoftmax;

        // Elementary functions.
        d["Neg"] = (n, o) => new NumericUnaryOperator<Neg>(n, o);
        d["Abs"] = (n, o) => new NumericUnaryOperator<Abs>(n, o);
        d["Sqrt"] = (n, o) => Unary(n, o, new SqrtOp());
        d["Exp"] = (n, o) => Unary(n, o, new ExpOp());
        d["Log"] = (n, o) => Unary(n, o, new LogOp());
        d["Floor"] = (n, o) => Unary(n, o, new FloorOp());
        d["Ceil"] = (n, o) => Unary(n, o, new CeilOp());
        d["Reciprocal"] = (n, o) => Unary(n, o, new ReciprocalOp());

        // Broadcasting arithmetic.
        d["Add"] = BroadcastOperator<AddOp>.Binary;
        d["Sub"] = BroadcastOperator<SubOp>.Binary;
        d["Mul"] = BroadcastOperator<MulOp>.Binary;
        d["Div"] = BroadcastOperator<DivOp>.Binary;
        d["Sum"] = BroadcastOperator<AddOp>.Variadic;
        d["Max"] = BroadcastOperator<MaxOp>.Variadic;
        d["Min"] = BroadcastOperator<MinOp>.Variadic;
        d["Pow"] = (n, o) => new PowOperator(n, o);
        d["Equal"] = (n, o) => new EqualOperator(n, o);
        d["Where"] = (n, o) => new WhereOperator(n, o);

        // Reductions; the opset is where axes moved from the attribute to input 1.
        d["ReduceSum"] = ReduceOperator.Factory(ReduceKind.Sum, axesInputSince: 13);
        d["ReduceMean"] = ReduceOperator.Factory(ReduceKind.Mean, axesInputSince: 18);
        d["ReduceMax"] = ReduceOperator.Factory(ReduceKind.Max, axesInputSince: 18);
    }

    private static UnaryOperator<TOp> Unary<TOp>(Node node, int opset, TOp op) where TOp : struct, IUnaryOp<float> => new(node, opset, op);
}
