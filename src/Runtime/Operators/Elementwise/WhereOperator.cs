using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// Where: condition ? x : y with numpy broadcasting of all three, on any element type. In a float plan the bool
/// condition must be known at plan time (a constant mask); x and y may be runtime tensors.
/// </summary>
public sealed class WhereOperator(Node node, int opset) : ElementwiseOperator(node, opset)
{
    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 3, 3);
        var condition = Required(inputs, 0);
        if (condition.Type != DataType.Bool)
            throw Error($"input 0 ('{Node.Inputs[0]}', the condition) is {DataTypes.Name(condition.Type)}; expected bool");
        var type = CommonType(inputs, 1, 3);
        return [new ValueInfo(type, BroadcastShape(inputs, 0, 3))];
    }

    public override Step CreateStep(StepContext context)
    {
        var infos = context.InputInfos;
        var condition = ConstantInput(infos, 0, "condition").As<bool>();
        var nest = LoopNest.ForBroadcast(context.OutputInfos[0].Shape, infos[0]!.Shape, infos[1]!.Shape, infos[2]!.Shape);
        return new WhereStep(condition, context.Inputs[1], context.Inputs[2], context.Outputs[0], nest)
        { NodeName = Node.Name, OpType = Node.OpType };
    }

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var output = InferOutputs(InfosOf(inputs))[0];
        var nest = LoopNest.ForBroadcast(output.Shape, inputs[0]!.Shape, inputs[1]!.Shape, inputs[2]!.Shape);
        return [ElementDispatch.Any(output.Type, new Typed(inputs[0]!, inputs[1]!, inputs[2]!, (int[])output.Shape.Clone(), nest), Where)];
    }

    private readonly struct Typed(Tensor condition, Tensor x, Tensor y, int[] shape, LoopNest nest) : IAnyTensorFunction
    {
        public Tensor Invoke<T>()
        {
            var z = (T[])DataTypes.NewArray(x.Type, ShapeMath.Count(shape));
            ElementwiseReference.Where<T>(condition.As<bool>(), x.As<T>(), y.As<T>(), z, nest);
            return new Tensor(x.Type, shape, z);
        }
    }

    private sealed class WhereStep(bool[] condition, Slot x, Slot y, Slot z, LoopNest nest) : Step
    {
        public override void Run() => ElementwiseReference.Where<float>(condition, x.ReadOnly, y.ReadOnly, z.Span, nest);
    }
}
