using Cnnrt.Graph;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// A float32 elementwise function of one input: the activations (Sigmoid, Elu, HardSwish, ...) and the elementary
/// functions (Exp, Sqrt, Floor, ...). The operator struct carries the attributes, parsed by the registry entry.
/// </summary>
public sealed class UnaryOperator<TOp> : ElementwiseOperator where TOp : struct, IUnaryOp<float>
{
    private readonly TOp op;

    public UnaryOperator(Node node, int opset, TOp op) : base(node, opset) => this.op = op;

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = Required(inputs, 0);
        ExpectFloat(x, 0);
        return [new ValueInfo(x.Type, x.Shape)];
    }

    public override Step CreateStep(StepContext context) =>
        F32ElementwiseSteps.TryUnary(context.Isa, op, context.Inputs[0], context.Outputs[0], Node.Name, Node.OpType, context.Pool)
        ?? new UnaryStep<TOp>(context.Inputs[0], context.Outputs[0], op) { NodeName = Node.Name, OpType = Node.OpType };
}
