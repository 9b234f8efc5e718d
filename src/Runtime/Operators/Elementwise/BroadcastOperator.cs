using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// An operator that folds a binary function over its inputs with numpy broadcasting, on every numeric type:
/// Add, Sub, Mul, Div (two inputs), Sum, Max, Min (one or more), and PRelu (slope broadcast to x only).
/// </summary>
public sealed class BroadcastOperator<TOp> : ElementwiseOperator, IChannelBlockedOperator where TOp : IBinaryOp
{
    private readonly int minInputs, maxInputs;
    private readonly bool unidirectional;

    /// <param name="unidirectional">Only inputs after the first broadcast, to the first's shape (PRelu's slope).</param>
    public BroadcastOperator(Node node, int opset, int minInputs, int maxInputs, bool unidirectional = false) : base(node, opset)
    {
        this.minInputs = minInputs;
        this.maxInputs = maxInputs;
        this.unidirectional = unidirectional;
    }

    /// <summary>Add, Sub, Mul, Div.</summary>
    public static BroadcastOperator<TOp> Binary(Node node, int opset) => new(node, opset, 2, 2);

    /// <summary>Sum, Max, Min.</summary>
    public static BroadcastOperator<TOp> Variadic(Node node, int opset) => new(node, opset, 1, int.MaxValue);

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, minInputs, maxInputs);
        inputs = Legacy(inputs);
        ExpectAllPresent(inputs);
        var type = CommonType(inputs, 0, inputs.Length);
        ExpectNumeric(inputs[0]!, 0);
        var shape = BroadcastShape(inputs, 0, inputs.Length);
        if (unidirectional && !ShapeMath.Equal(shape, inputs[0]!.Shape))
            throw Error($"input 1 ('{Node.Inputs[1]}') has shape {ShapeMath.Format(inputs[1]!.Shape)}, which does not broadcast " +
                $"to input 0's shape {ShapeMath.Format(inputs[0]!.Shape)}");
        return [new ValueInfo(type, shape)];
    }

    public bool WritesChannelBlocked(ValueInfo?[] inputs, KernelIsa isa) => isa != KernelIsa.Reference && BlockedOperand(inputs) >= 0;

    public bool ReadsChannelBlocked(ValueInfo?[] inputs, KernelIsa isa, int input) =>
        isa != KernelIsa.Reference && input == BlockedOperand(inputs);

    public int LayoutTiedInput(ValueInfo?[] inputs) => BlockedOperand(inputs);

    /// <summary>
    /// The input a channel-blocked step can take (<see cref="F32ElementwiseSteps.TryChannelBlocked{TOp}"/>), whose
    /// layout the output then has: of two float inputs, a 4-D one of the output's shape while the other holds one
    /// value per channel ([N or 1, C, 1, 1], [C, 1, 1]) or one value — squeeze-and-excitation's scale × x. -1 otherwise.
    /// </summary>
    private int BlockedOperand(ValueInfo?[] inputs)
    {
        if (Opset < 7 || unidirectional || inputs.Length != 2 || !F32ElementwiseSteps.HasChannelBlocked<TOp>()
            || inputs[0] is not { Type: DataType.Float } a || inputs[1] is not { Type: DataType.Float } b) return -1;
        var output = BroadcastShape(inputs, 0, 2);
        for (int i = 0; i < 2; i++)
        {
            var (full, other) = i == 0 ? (a, b) : (b, a);
            if (full.Rank == 4 && ShapeMath.Equal(output, full.Shape) && PerChannel(other.Shape, full.Shape)) return i;
        }
        return -1;
    }

    /// <summary>Whether <paramref name="shape"/>, aligned to the right of 4-D <paramref name="full"/>'s, is one value or one
    /// per channel (of each image or of all).</summary>
    private static bool PerChannel(int[] shape, int[] full)
    {
        if (ShapeMath.Count(shape) == 1) return true;
        if (shape.Length > 4) return false;
        var aligned = new int[4];
        Array.Fill(aligned, 1);
        shape.CopyTo(aligned, 4 - shape.Length);
        return (aligned[0] == 1 || aligned[0] == full[0]) && aligned[1] == full[1] && aligned[2] == 1 && aligned[3] == 1;
    }

    public override Step CreateStep(StepContext context)
    {
        int blocked = BlockedOperand(context.InputInfos);
        if (blocked >= 0 && context.InputLanesOf(blocked) > 0)
        {
            var full = context.InputInfos[blocked]!.Shape;
            var other = context.InputInfos[1 - blocked]!;
            bool perImage = other.Rank == 4 && other.Shape[0] == full[0] && full[0] > 1 && other.Count > 1;
            return F32ElementwiseSteps.TryChannelBlocked<TOp>(context.Isa, context.Inputs[blocked], context.Inputs[1 - blocked],
                       context.Outputs[0], blocked == 0, full[0], full[1], full[2] * full[3], perImage, Node.Name, Node.OpType, context.Pool)
                   ?? throw new InvalidOperationException($"{Where}: a channel-blocked input on the reference path"); // planner invariant
        }
        var nests = Nests(Legacy(context.InputInfos), context.OutputInfos[0].Shape);
        return F32ElementwiseSteps.TryFold<TOp>(context.Isa, context.Inputs, context.Outputs[0], nests, Node.Name, Node.OpType, context.Pool)
            ?? new FoldStep(context.Inputs, context.Outputs[0], nests) { NodeName = Node.Name, OpType = Node.OpType };
    }

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var output = InferOutputs(InfosOf(inputs))[0];
        if (output.Type == DataType.Float) return base.Evaluate(inputs);
        return [ElementDispatch.Numeric(output.Type, new Typed(inputs, output.Shape, Nests(Legacy(InfosOf(inputs)), output.Shape)), Where)];
    }

    /// <summary>
    /// Before opset 7, broadcasting was opt-in and one-directional: with <c>broadcast</c> = 1, input 1's shape lines up
    /// with input 0's dims from <c>axis</c> (default: the trailing dims); PRelu's slope of length C applied per channel.
    /// Rewrites input 1's shape into the numpy form that means the same, so the one broadcasting kernel serves both.
    /// </summary>
    private ValueInfo?[] Legacy(ValueInfo?[] inputs)
    {
        if (Opset >= 7 || inputs.Length != 2 || inputs[0] is not { } a || inputs[1] is not { } b || b.Rank >= a.Rank) return inputs;
        int axis;
        if (Node.OpType == "PRelu") axis = b.Rank == 1 && a.Rank >= 2 && b.Shape[0] == a.Shape[1] ? 1 : a.Rank - b.Rank;
        else if (Node.GetInt("broadcast", 0) == 1) axis = (int)Node.GetInt("axis", a.Rank - b.Rank);
        else return inputs;
        if (axis < 0 || axis + b.Rank > a.Rank)
            throw Error($"legacy broadcast axis {axis} does not fit input 1's shape {ShapeMath.Format(b.Shape)} into {ShapeMath.Format(a.Shape)}");
        var shape = Enumerable.Repeat(1, a.Rank).ToArray();
        b.Shape.CopyTo(shape, axis);
        // trailing 1s after the placed dims make the numpy form equivalent
        return [a, new ValueInfo(b.Type, shape, b.Constant?.WithShape(shape))];
    }

    /// <summary>
    /// Nest k combines input k + 1 into the output: the first reads inputs 0 and 1, the others the output itself
    /// (same index, so in place) and the next input. None for a single input, which is copied.
    /// </summary>
    private static LoopNest[] Nests(ValueInfo?[] inputs, int[] outputShape)
    {
        var nests = new LoopNest[inputs.Length - 1];
        for (int k = 0; k < nests.Length; k++)
            nests[k] = LoopNest.ForBroadcast(outputShape, k == 0 ? inputs[0]!.Shape : outputShape, inputs[k + 1]!.Shape);
        return nests;
    }

    private readonly struct Typed(Tensor?[] inputs, int[] shape, LoopNest[] nests) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            var y = new T[ShapeMath.Count(shape)];
            if (nests.Length == 0) inputs[0]!.As<T>().CopyTo(y, 0);
            else ElementwiseReference.Binary<T, TOp>(inputs[0]!.As<T>(), inputs[1]!.As<T>(), y, nests[0]);
            for (int k = 1; k < nests.Length; k++) ElementwiseReference.Binary<T, TOp>(y, inputs[k + 1]!.As<T>(), y, nests[k]);
            return Tensor.Create((int[])shape.Clone(), y);
        }
    }

    private sealed class FoldStep(Slot[] inputs, Slot y, LoopNest[] nests) : Step
    {
        public override void Run()
        {
            var output = y.Span;
            if (nests.Length == 0) inputs[0].ReadOnly.CopyTo(output);
            else ElementwiseReference.Binary<float, TOp>(inputs[0].ReadOnly, inputs[1].ReadOnly, output, nests[0]);
            for (int k = 1; k < nests.Length; k++) ElementwiseReference.Binary<float, TOp>(output, inputs[k + 1].ReadOnly, output, nests[k]);
        }
    }
}
