using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// Clip: min(max(x, lo), hi). Before opset 11 the bounds are the float attributes <c>min</c>/<c>max</c> (defaults
/// the lowest and highest finite floats, as ONNX Clip-6 specifies); from 11 they are optional scalar inputs 1 and 2
/// (omitted by an empty name or by leaving them off; no bound then) of x's type, from 12 on integer types too.
/// </summary>
public sealed class ClipOperator : ElementwiseOperator
{
    private readonly bool boundsAreInputs;
    private readonly float attributeMin = -float.MaxValue, attributeMax = float.MaxValue;

    public ClipOperator(Node node, int opset) : base(node, opset)
    {
        boundsAreInputs = opset >= 11;
        if (boundsAreInputs)
        {
            foreach (var name in (ReadOnlySpan<string>)["min", "max"])
                if (node.Attr(name) is not null)
                    throw Error($"attribute '{name}' belongs to Clip before opset 11; from opset 11 the bounds are inputs 1 and 2");
        }
        else
        {
            attributeMin = node.GetFloat("min", attributeMin);
            attributeMax = node.GetFloat("max", attributeMax);
        }
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, boundsAreInputs ? 3 : 1);
        var x = Required(inputs, 0);
        ExpectNumeric(x, 0);
        if (!boundsAreInputs) ExpectFloat(x, 0);
        CommonType(inputs, 0, inputs.Length);
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is { } bound && bound.Count != 1)
                throw Error($"input {i} ('{Node.Inputs[i]}', the {(i == 1 ? "min" : "max")}) has shape {ShapeMath.Format(bound.Shape)}; expected a scalar");
        return [new ValueInfo(x.Type, x.Shape)];
    }

    public override Step CreateStep(StepContext context)
    {
        var inputs = context.Inputs;
        float defaultMin = boundsAreInputs ? float.NegativeInfinity : attributeMin;
        float defaultMax = boundsAreInputs ? float.PositiveInfinity : attributeMax;
        return F32ElementwiseSteps.TryClip(context.Isa, inputs[0], context.Outputs[0], BoundSlot(inputs, 1), BoundSlot(inputs, 2),
                defaultMin, defaultMax, Node.Name, Node.OpType, context.Pool)
            ?? new ClipStep(inputs[0], context.Outputs[0], BoundSlot(inputs, 1), BoundSlot(inputs, 2), defaultMin, defaultMax)
            { NodeName = Node.Name, OpType = Node.OpType };
    }

    private static Slot BoundSlot(Slot[] inputs, int i) => i < inputs.Length ? inputs[i] : default;

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        InferOutputs(InfosOf(inputs));
        var x = inputs[0]!;
        if (x.Type == DataType.Float) return base.Evaluate(inputs);
        return [ElementDispatch.Numeric(x.Type, new Typed(x, Bound(inputs, 1), Bound(inputs, 2)), Where)];
    }

    private static Tensor? Bound(Tensor?[] inputs, int i) => i < inputs.Length ? inputs[i] : null;

    /// <summary>Clip on an integer (or double/half) tensor; an absent bound is the type's extreme.</summary>
    private readonly struct Typed(Tensor x, Tensor? min, Tensor? max) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            T lo = min is null ? T.CreateSaturating(double.NegativeInfinity) : min.As<T>()[0];
            T hi = max is null ? T.CreateSaturating(double.PositiveInfinity) : max.As<T>()[0];
            var y = new T[x.Length];
            ElementwiseReference.Unary(x.As<T>(), y, new ClipOp<T>(lo, hi));
            return Tensor.Create((int[])x.Shape.Clone(), y);
        }
    }

    /// <summary>Reads the bounds each run: they may be runtime tensors, and constants are slots too.</summary>
    private sealed class ClipStep(Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax) : Step
    {
        public override void Run()
        {
            float lo = min.IsEmpty ? defaultMin : min.ReadOnly[0];
            float hi = max.IsEmpty ? defaultMax : max.ReadOnly[0];
            ElementwiseReference.Unary(x.ReadOnly, y.Span, new ClipOp<float>(lo, hi));
        }
    }
}
