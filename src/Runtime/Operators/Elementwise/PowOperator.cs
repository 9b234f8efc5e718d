using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// Pow: x to the power y with numpy broadcasting; the output has x's type and y may be of another numeric type
/// (Pow-12+). A non-float32 exponent known at plan time (x ** 2 with an int64 2) is converted once for the float step.
/// </summary>
public sealed class PowOperator(Node node, int opset) : ElementwiseOperator(node, opset)
{
    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var x = Required(inputs, 0);
        ExpectNumeric(x, 0);
        ExpectNumeric(Required(inputs, 1), 1);
        return [new ValueInfo(x.Type, BroadcastShape(inputs, 0, 2))];
    }

    public override Step CreateStep(StepContext context)
    {
        var exponentInfo = context.InputInfos[1]!;
        var exponent = exponentInfo.Type == DataType.Float ? context.Inputs[1] : Slot.Of(ToFloats(ConstantInput(context.InputInfos, 1, "exponent")));
        var nest = LoopNest.ForBroadcast(context.OutputInfos[0].Shape, context.InputInfos[0]!.Shape, exponentInfo.Shape);
        return new PowStep(context.Inputs[0], exponent, context.Outputs[0], nest) { NodeName = Node.Name, OpType = Node.OpType };
    }

    private static float[] ToFloats(Tensor t) => Array.ConvertAll(t.ToDoubleArray(), d => (float)d);

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var output = InferOutputs(InfosOf(inputs))[0];
        if (AllFloat(inputs)) return base.Evaluate(inputs);
        // Mixed or non-float types: compute in double, then convert to x's type.
        var x = inputs[0]!;
        var y = inputs[1]!;
        var z = new double[ShapeMath.Count(output.Shape)];
        var nest = LoopNest.ForBroadcast(output.Shape, x.Shape, y.Shape);
        ElementwiseReference.Binary<double, PowOp>(x.ToDoubleArray(), y.ToDoubleArray(), z, nest);
        return [ElementDispatch.Numeric(output.Type, new FromDoubles(z, (int[])output.Shape.Clone()), Where)];
    }

    private readonly struct FromDoubles(double[] values, int[] shape) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            var r = new T[values.Length];
            for (int i = 0; i < r.Length; i++) r[i] = T.CreateSaturating(values[i]);
            return Tensor.Create(shape, r);
        }
    }

    private sealed class PowStep(Slot x, Slot exponent, Slot z, LoopNest nest) : Step
    {
        public override void Run() => ElementwiseReference.Binary<float, PowOp>(x.ReadOnly, exponent.ReadOnly, z.Span, nest);
    }
}
