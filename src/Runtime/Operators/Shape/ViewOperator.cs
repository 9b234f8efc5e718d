using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Base of the operators whose output 0 is input 0's elements in the same order under another shape. A folded output
/// shares the input's element array (tensors are not mutated once built).
/// </summary>
public abstract class ViewOperator : FoldingOperator, IViewOperator
{
    protected ViewOperator(Node node, int opset) : base(node, opset) { }

    /// <summary>Validates the inputs and returns output 0's shape.</summary>
    protected abstract int[] OutputShape(ValueInfo?[] inputs);

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs) => [new ValueInfo(Required(inputs, 0).Type, OutputShape(inputs))];

    /// <summary>Only the data matters; the other inputs (shapes, axes) are constants read by <see cref="OutputShape"/>.</summary>
    protected override bool CanCompute(ValueInfo?[] inputs) => inputs[0]!.IsConstant;

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [inputs[0]!.Constant!.WithShape(outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context) =>
        new ViewStep(context.Inputs[0], context.Outputs[0]) { NodeName = Node.Name, OpType = Node.OpType };
}
