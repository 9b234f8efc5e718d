using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// The vector steps of the float elementwise operators, built by their CreateStep when the plan's path is not the
/// reference. Each factory returns null where it has no vector form, and the operator keeps its reference step.
/// With a worker pool, a large flat operation is cut into contiguous vector-aligned chunks, one task each: every
/// element is computed alone, by the same code, so the result does not depend on the split.
/// </summary>
public static class F32ElementwiseSteps
{
    /// <summary>
    /// Floats below which a flat operation runs on the calling thread: waking a worker costs about as much as this
    /// much Add or Relu. Measured on AVX2 (2-core EPYC, spinning pool): ResNet-18 MaxPool 0.27-0.29 → 0.14-0.16 ms, but its
    /// 200K-float Add 0.050-0.054 → 0.047-0.051 and Relu 0.034 → 0.026-0.033 (memory-bound: little to gain below this).
    /// </summary>
    public const int MinParallelFloats = 32 * 1024;

    /// <summary>y = op(x) for a standalone activation or elementary function (its reference operator struct).</summary>
    public static Step? TryUnary<TOp>(KernelIsa isa, TOp op, Slot x, Slot y, string nodeName, string opType,
        WorkerPool? pool = null)
        where TOp : struct, IUnaryOp<float> =>
        VectorDispatch.CreateForUnary(isa, op, new UnaryFactory(x, y, nodeName, opType, pool));

    /// <summary>
    /// Clip whose bounds are read on every run (they may be runtime tensors); an absent bound is the given default.
    /// </summary>
    public static Step? TryClip(KernelIsa isa, Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax,
        string nodeName, string opType, WorkerPool? pool = null) =>
        VectorDispatch.Create(isa, new ClipFactory(x, y, min, max, defaultMin, defaultMax, nodeName, opType, pool));

    /// <summary>
    /// The broadcasting fold of Add/Sub/Mul/Div/Sum/Max/Min/PRelu: nest k combines input k + 1 into the output (the
    /// first reads inputs 0 and 1); no nests copies input 0.
    /// </summary>
    public static Step? TryFold<TOp>(KernelIsa isa, Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType,
        WorkerPool? pool = null)
        where TOp : IBinaryOp =>
        ForOp<TOp, FoldFactory, Step?>(new FoldFactory(isa, inputs, y, nests, nodeName, opType, pool), prelu: true);

    /// <summary>What <paramref name="visitor"/> makes of <typeparamref name="TOp"/>'s vector form, or default where it
    /// has none (or is PRelu and <paramref name="prelu"/> is false). The visitor is a struct type argument, so the JIT
    /// and NativeAOT see every call.</summary>
    private static TResult? ForOp<TOp, TVisitor, TResult>(TVisitor visitor, bool prelu)
        where TOp : IBinaryOp where TVisitor : struct, IVectorOpVisitor<TResult>
    {
        if (typeof(TOp) == typeof(AddOp)) return visitor.Visit<AddVectorOp>();
        if (typeof(TOp) == typeof(SubOp)) return visitor.Visit<SubVectorOp>();
        if (typeof(TOp) == typeof(MulOp)) return visitor.Visit<MulVectorOp>();
        if (typeof(TOp) == typeof(DivOp)) return visitor.Visit<DivVectorOp>();
        if (typeof(TOp) == typeof(MaxOp)) return visitor.Visit<MaxVectorOp>();
        if (typeof(TOp) == typeof(MinOp)) return visitor.Visit<MinVectorOp>();
        if (prelu && typeof(TOp) == typeof(PReluOp)) return visitor.Visit<PReluVectorOp>();
        return default;
    }

    /// <summary>Makes something (a step, an answer) for the vector op it is given.</summary>
    private interface IVectorOpVisitor<TResult>
    {
        TResult Visit<TVecOp>() where TVecOp : IVectorBinaryOp;
    }

    /// <summary>
    /// A binary operator on a channel-blocked operand and a per-channel one (<see cref="ChannelBlockedBinaryStep{V,TVec,TOp}"/>),
    /// or null where the operator has no vector form here (PRelu, Sum, reference path).
    /// </summary>
    public static Step? TryChannelBlocked<TOp>(KernelIsa isa, Slot blocked, Slot perChannel, Slot y, bool blockedFirst, int batch,
        int channels, int plane, bool perImage, string nodeName, string opType, WorkerPool? pool) where TOp : IBinaryOp =>
        ForOp<TOp, BlockedFactory, Step?>(new BlockedFactory(isa, blocked, perChannel, y, blockedFirst, batch, channels, plane, perImage,
            nodeName, opType, pool), prelu: false);

    /// <summary>Whether <see cref="TryChannelBlocked{TOp}"/> has a step for <typeparamref name="TOp"/>.</summary>
    public static bool HasChannelBlocked<TOp>() where TOp : IBinaryOp => ForOp<TOp, HasVectorOp, bool>(default, prelu: false);

    private readonly struct HasVectorOp : IVectorOpVisitor<bool>
    {
        public bool Visit<TVecOp>() where TVecOp : IVectorBinaryOp => true;
    }

    private readonly record struct BlockedFactory(KernelIsa Isa, Slot Blocked, Slot PerChannel, Slot Y, bool BlockedFirst, int Batch,
        int Channels, int Plane, bool PerImage, string NodeName, string OpType, WorkerPool? Pool) : IVectorOpVisitor<Step?>
    {
        public Step? Visit<TOp>() where TOp : IVectorBinaryOp => VectorDispatch.Create(Isa, new BlockedFactory<TOp>(this));
    }

    private readonly struct BlockedFactory<TOp>(BlockedFactory f) : IVectorStepFactory where TOp : IVectorBinaryOp
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new ChannelBlockedBinaryStep<V, TVec, TOp>(f.Blocked, f.PerChannel, f.Y, f.BlockedFirst, f.Batch, f.Channels, f.Plane,
                f.PerImage, f.Pool) { NodeName = f.NodeName, OpType = f.OpType };
    }

    /// <summary>Chunks of a flat operation over <paramref name="length"/> floats on <typeparamref name="V"/>'s vectors.</summary>
    private static RangeSplit Split<V, TVec>(int length, WorkerPool? pool) where V : struct, IF32Vector<TVec> where TVec : struct =>
        new(length, pool is { Threads: > 1 } ? pool : null, MinParallelFloats, 2 * V.Count);

    private readonly struct UnaryFactory(Slot x, Slot y, string nodeName, string opType, WorkerPool? pool) : IActivatedStepFactory
    {
        public Step Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation =>
            new UnaryStep<V, TVec, TAct>(x, y, activation, pool) { NodeName = nodeName, OpType = opType };
    }

    private sealed class UnaryStep<V, TVec, TAct>(Slot x, Slot y, TAct activation, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        private readonly RangeSplit split = Split<V, TVec>(Math.Min(x.Length, y.Length), pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            int start = split.Start(task), length = split.Length(task);
            VectorUnaryKernel.Apply<V, TVec, TAct>(x.ReadOnly.Slice(start, length), y.Span.Slice(start, length), activation);
        }
    }

    private readonly struct ClipFactory(Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax,
        string nodeName, string opType, WorkerPool? pool) : IVectorStepFactory
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new ClipStep<V, TVec>(x, y, min, max, defaultMin, defaultMax, pool) { NodeName = nodeName, OpType = opType };
    }

    private sealed class ClipStep<V, TVec>(Slot x, Slot y, Slot min, Slot max, float defaultMin, float defaultMax, WorkerPool? pool)
        : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        private readonly RangeSplit split = Split<V, TVec>(Math.Min(x.Length, y.Length), pool);
        // The bounds of the current run, read once before the pool starts.
        private ClipActivation bounds;

        public override void Run()
        {
            float lo = min.IsEmpty ? defaultMin : min.ReadOnly[0];
            float hi = max.IsEmpty ? defaultMax : max.ReadOnly[0];
            bounds = new ClipActivation(lo, hi);
            split.Run(this, pool);
        }

        public void Execute(int task, int thread)
        {
            int start = split.Start(task), length = split.Length(task);
            VectorUnaryKernel.Apply<V, TVec, ClipActivation>(x.ReadOnly.Slice(start, length), y.Span.Slice(start, length), bounds);
        }
    }

    private readonly struct FoldFactory(KernelIsa isa, Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType,
        WorkerPool? pool) : IVectorOpVisitor<Step?>
    {
        public Step? Visit<TOp>() where TOp : IVectorBinaryOp =>
            VectorDispatch.Create(isa, new FoldFactory<TOp>(inputs, y, nests, nodeName, opType, pool));
    }

    private readonly struct FoldFactory<TOp>(Slot[] inputs, Slot y, LoopNest[] nests, string nodeName, string opType, WorkerPool? pool)
        : IVectorStepFactory where TOp : IVectorBinaryOp
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new FoldStep<V, TVec, TOp>(inputs, y, nests, pool) { NodeName = nodeName, OpType = opType };
    }

    /// <summary>
    /// Only a fold whose every nest is one flat run (all operands the output's shape) splits over the pool: a chunk
    /// then folds every input over its own range of the output.
    /// </summary>
    private sealed class FoldStep<V, TVec, TOp>(Slot[] inputs, Slot y, LoopNest[] nests, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        private readonly RangeSplit split = Split<V, TVec>(IsFlat(nests, y.Length) ? y.Length : 0, pool);

        private static bool IsFlat(LoopNest[] nests, int length) =>
            nests.Length > 0 && nests.All(n => n.Rank == 1 && n.Total == length
                && n.InnerStride(0) == 1 && n.InnerStride(1) == 1 && n.InnerStride(2) == 1);

        public override void Run()
        {
            var output = y.Span;
            if (nests.Length == 0) { inputs[0].ReadOnly.CopyTo(output); return; }
            if (split.Count > 1) { pool!.Run(this, split.Count); return; }
            VectorBinaryKernel.Apply<V, TVec, TOp>(inputs[0].ReadOnly, inputs[1].ReadOnly, output, nests[0]);
            for (int k = 1; k < nests.Length; k++)
                VectorBinaryKernel.Apply<V, TVec, TOp>(output, inputs[k + 1].ReadOnly, output, nests[k]);
        }

        public void Execute(int task, int thread)
        {
            int start = split.Start(task), length = split.Length(task);
            var output = y.Span.Slice(start, length);
            VectorBinaryKernel.Flat<V, TVec, TOp>(inputs[0].ReadOnly.Slice(start, length), inputs[1].ReadOnly.Slice(start, length), output);
            for (int k = 1; k < nests.Length; k++)
                VectorBinaryKernel.Flat<V, TVec, TOp>(output, inputs[k + 1].ReadOnly.Slice(start, length), output);
        }
    }
}
