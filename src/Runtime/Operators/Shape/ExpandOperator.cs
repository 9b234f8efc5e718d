using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Expand: broadcasts the input and the (constant) shape input against each other, numpy style, in both directions.</summary>
public sealed class ExpandOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var x = inputs[0]!;
        long[] target = ConstantInts(inputs, 1, "shape");
        var shape = ShapeMath.Broadcast(x.Shape, ShapeMath.FromLongs(target, Where))
            ?? throw Error($"input shape {ShapeMath.Format(x.Shape)} does not broadcast with [{string.Join(", ", target)}]");
        ShapeMath.Count(shape, Where);
        return [new ValueInfo(x.Type, shape)];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Copy(BroadcastReference.ExpandPlan(inputs[0]!.Shape, outputs[0].Shape), inputs[0]!.Constant!, outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context) =>
        new StridedCopyStep(BroadcastReference.ExpandPlan(context.InputInfos[0]!.Shape, context.OutputInfos[0].Shape), context.Inputs[0], context.Outputs[0])
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
}
