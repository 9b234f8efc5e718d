using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// The vector steps of the float elementwise operators, built by their CreateStep when the plan's path is not the
/// reference. Each factory returns null where it has no vector form, and the operator keeps its reference step.
/// </summary>
public static class F32ElementwiseSteps
{
    /// <summary>y = op(x) for a standalone activation or elementary function (its reference operator struct).</summary>
    public static Step? TryUnary<TOp>(KernelIsa isa, TOp op, Slot x, Slot y, string nodeName, string opType)
        where TOp : struct, IUnaryOp<float> =>
        VectorDispatch.CreateForUnary(isa, op, new UnaryFactory(x, y, nodeName, opType));

    /// <summary>
    /// Clip whose bounds are read on every run (they may be runtime tensors); an absent bound is the given default.
    /// </summary>
    public static Step? TryClip(KernelIsa isa, Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax,
        string nodeName, string opType) =>
        VectorDispatch.Create(isa, new ClipFactory(x, y, min, max, defaultMin, defaultMax, nodeName, opType));

    /// <summary>
    /// The broadcasting fold of Add/Sub/Mul/Div/Sum/Max/Min/PRelu: nest k combines input k + 1 into the output (the
    /// first reads inputs 0 and 1); no nests copies input 0.
    /// </summary>
    public static Step? TryFold<TOp>(KernelIsa isa, Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType)
        where TOp : IBinaryOp
    {
        var f = new FoldFactory(inputs, y, nests, nodeName, opType);
        if (typeof(TOp) == typeof(AddOp)) return VectorDispatch.Create(isa, f.For<AddVectorOp>());
        if (typeof(TOp) == typeof(SubOp)) return VectorDispatch.Create(isa, f.For<SubVectorOp>());
        if (typeof(TOp) == typeof(MulOp)) return VectorDispatch.Create(isa, f.For<MulVectorOp>());
        if (typeof(TOp) == typeof(DivOp)) return VectorDispatch.Create(isa, f.For<DivVectorOp>());
        if (typeof(TOp) == typeof(MaxOp)) return VectorDispatch.Create(isa, f.For<MaxVectorOp>());
        if (typeof(TOp) == typeof(MinOp)) return VectorDispatch.Create(isa, f.For<MinVectorOp>());
        if (typeof(TOp) == typeof(PReluOp)) return VectorDispatch.Create(isa, f.For<PReluVectorOp>());
        return null;
    }

    private readonly struct UnaryFactory(Slot x, Slot y, string nodeName, string opType) : IActivatedStepFactory
    {
        public Step Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation =>
            new UnaryStep<V, TVec, TAct>(x, y, activation) { NodeName = nodeName, OpType = opType };
    }

    private sealed class UnaryStep<V, TVec, TAct>(Slot x, Slot y, TAct activation) : Step
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        public override void Run() => VectorUnaryKernel.Apply<V, TVec, TAct>(x.ReadOnly, y.Span, activation);
    }

    private readonly struct ClipFactory(Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax,
        string nodeName, string opType) : IVectorStepFactory
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new ClipStep<V, TVec>(x, y, min, max, defaultMin, defaultMax) { NodeName = nodeName, OpType = opType };
    }

    private sealed class ClipStep<V, TVec>(Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax) : Step
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        public override void Run()
        {
            float lo = min.IsEmpty ? defaultMin : min.ReadOnly[0];
            float hi = max.IsEmpty ? defaultMax : max.ReadOnly[0];
            VectorUnaryKernel.Apply<V, TVec, ClipActivation>(x.ReadOnly, y.Span, new ClipActivation(lo, hi));
        }
    }

    private readonly struct FoldFactory(Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType)
    {
        public FoldFactory<TOp> For<TOp>() where TOp : IVectorBinaryOp => new(inputs, y, nests, nodeName, opType);
    }

    private readonly struct FoldFactory<TOp>(Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType)
        : IVectorStepFactory where TOp : IVectorBinaryOp
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new FoldStep<V, TVec, TOp>(inputs, y, nests) { NodeName = nodeName, OpType = opType };
    }

    private sealed class FoldStep<V, TVec, TOp>(Slot[] inputs, Slot y, LoopNest[] nests) : Step
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        public override void Run()
        {
            var output = y.Span;
            if (nests.Length == 0) { inputs[0].ReadOnly.CopyTo(output); return; }
            VectorBinaryKernel.Apply<V, TVec, TOp>(inputs[0].ReadOnly, inputs[1].ReadOnly, output, nests[0]);
            for (int k = 1; k < nests.Length; k++)
                VectorBinaryKernel.Apply<V, TVec, TOp>(output, inputs[k + 1].ReadOnly, output, nests[k]);
        }
    }
}
