using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Operators.Nn;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Depthwise;

/// <summary>
/// Depthwise 2-D convolution (and 1-D, as a height-1 plane) in NCHW: group = C = M, one filter per channel. Any
/// kernel size, stride, dilation and padding, two ways (<see cref="UseChannelBlocks"/>): blocks of channels transposed
/// into a <see cref="ChannelBlockPlane"/> and computed by <see cref="ChannelBlockDepthwise"/>, one vector per output
/// pixel; or each (image, channel) plane copied into a <see cref="PaddedPlane"/> and computed by
/// <see cref="WindowRowKernel"/>, vectorized along the output width. Both start the accumulator at the bias and apply
/// the fused activation at the store (the exp-based ones in a pass over the just-computed plane or block,
/// <see cref="ActivationPass"/>). Weights and bias are copied (and regrouped per block) at plan time. On a worker pool
/// the channel blocks (or planes) are shared among the threads, each with its own transposed or padded scratch; the
/// streamed step also cuts the output rows into one band per thread. Every output is computed by the same code
/// whatever the split, so results do not depend on the thread count.
/// </summary>
public static class F32DepthwiseConv
{
    /// <summary>
    /// The depthwise step for a Conv, or null where this kernel does not apply (reference path, not depthwise,
    /// 3-D, or weights/bias only known at run time) and the operator keeps its own.
    /// </summary>
    public static Step? TryCreateStep(ConvOperator conv, StepContext context, int group, FusedActivation activation)
    {
        if (!Applies(context.InputInfos, context.Isa, group)) return null;
        var infos = context.InputInfos;
        var (x, w, b) = (infos[0]!, infos[1]!.Constant!, infos.Length > 2 ? infos[2] : null);
        int channels = x.Shape[1];
        var geometry = conv.ResolveWindow(infos);
        var bias = b?.Constant!.Floats.ToArray() ?? new float[channels];
        if ((context.InputLanesOf(0) > 0 || context.OutputLanes > 0)
            && !(x.Rank == 4 && TakesChannelBlocked(geometry, context.Isa) && Math.Max(context.InputLanesOf(0), context.OutputLanes) == ChannelBlockedLayout.Lanes(context.Isa)))
            throw new InvalidOperationException($"{conv.Node.Describe()}: the planner gave a channel-blocked value to a depthwise step that cannot take it"); // planner invariant
        if (context.Expansion is { } expansion)
        {
            if (!TakesExpansion(geometry, context.Isa) || context.InputLanesOf(0) > 0 || context.OutputLanes > 0)
                throw new InvalidOperationException($"{conv.Node.Describe()}: the planner folded a pointwise Conv into a depthwise step that cannot take it"); // planner invariant
            return VectorDispatch.Create(context.Isa, activation, new ExpandedFactory(expansion, context.Outputs[0], channels,
                geometry.Axis3(1), geometry.Axis3(2), w.Floats.ToArray(), bias, conv.Node.Name, conv.Node.OpType, context.Pool,
                SpanActivation.For(context.Isa, expansion.Activation)!));
        }
        bool blockedInput = context.InputLanesOf(0) > 0, blockedOutput = context.OutputLanes > 0;
        var factory = new Factory(context.Inputs[0], context.Outputs[0], x.Shape[0], channels, geometry.Axis3(1), geometry.Axis3(2),
            w.Floats.ToArray(), bias, conv.Node.Name, conv.Node.OpType, context.Pool, blockedInput, blockedOutput);
        // A channel-blocked side keeps the plan's lanes: they are its layout's.
        var vectors = blockedInput || blockedOutput ? context.Isa : BlockVectors(context.Isa, channels, geometry.Axis3(2));
        return VectorDispatch.Create(vectors, activation, factory);
    }

    /// <summary>
    /// The vectors a depthwise step with NCHW input and output runs on: the plan's, except that on AVX-512 a step that
    /// puts channels in the lanes (<see cref="UseChannelBlocks"/>) and has a multiple of 8 channels but not of 16 runs on
    /// AVX2's 8-lane vectors, which cover its channels in whole blocks where 16 lanes leave the last block half empty.
    /// ShuffleNetV2 x0.5's 24-channel 28×28 layers (stride 2 from 56×56, and stride 1), in-process A/B on AVX-512, one
    /// thread (2026-12-06): 0.016–0.018 → 0.010 ms for the stride-2 ones, 0.011–0.012 → 0.007 for the stride-1 ones,
    /// the model 0.791 → 0.785 ms (faster in 8 of 10 rounds); MobileNetV3-Small (72 and 88 channels) 1.293 → 1.288
    /// (9 of 10). On every depthwise step, 8 lanes lost where the channels fill 16: 96- and 240-channel layers 1.3–1.7×
    /// slower.
    /// </summary>
    internal static KernelIsa BlockVectors(KernelIsa isa, int channels, Reference.SpatialAxis w) =>
        isa == KernelIsa.Avx512 && UseChannelBlocks(w) && channels % 16 != 0 && channels % 8 == 0 ? KernelIsa.Avx2 : isa;

    /// <summary>
    /// Whether the step of a 2-D depthwise Conv on <paramref name="isa"/> can compute its input rows itself from the
    /// pointwise Conv before it (<see cref="PointwiseExpansion"/>): the step streamed by rows, which reads each input row
    /// once, as a ring row, while it is in L1.
    /// </summary>
    public static bool TakesExpansion(SpatialParams geometry, KernelIsa isa)
    {
        if (isa == KernelIsa.Reference || geometry.Rank != 2) return false;
        var w = geometry.Axis3(2);
        return UseChannelBlocks(w) && StreamRows(w, ChannelBlockedLayout.Lanes(isa));
    }

    /// <summary>Whether this kernel runs the Conv: a fast path, depthwise, 1-D or 2-D, weights (and bias) constant.</summary>
    public static bool Applies(ValueInfo?[] infos, KernelIsa isa, int group)
    {
        if (isa == KernelIsa.Reference) return false;
        if (infos.Length < 2 || infos[0] is not { Rank: 3 or 4 } x || infos[1] is not { Constant: { } w }) return false;
        if (infos.Length > 2 && infos[2] is { Constant: null }) return false;
        int channels = x.Shape[1];
        return group == channels && w.Shape[0] == channels && w.Shape[1] == 1;
    }

    /// <summary>
    /// Whether the step of a 2-D depthwise Conv on <paramref name="isa"/> reads and writes channel-blocked values
    /// (<see cref="ChannelBlockedLayout"/>) when the planner gives it them: the whole-plane channel-block step
    /// (<see cref="ChannelBlockPlane"/>), whose scratch is that layout already, with padding.
    /// </summary>
    public static bool TakesChannelBlocked(SpatialParams geometry, KernelIsa isa)
    {
        var w = geometry.Axis3(2);
        return geometry.Rank == 2 && UseChannelBlocks(w) && !StreamRows(w, ChannelBlockedLayout.Lanes(isa));
    }

    private readonly struct Factory(Slot x, Slot y, int batch, int channels, Reference.SpatialAxis h, Reference.SpatialAxis w,
        float[] weights, float[] bias, string nodeName, string opType, WorkerPool? pool, bool blockedInput, bool blockedOutput)
        : IActivatedStepFactory
    {
        public Step Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            // A channel-blocked side goes through the whole-plane step, whose scratch is that layout already.
            bool blocked = blockedInput || blockedOutput;
            if (blocked || UseChannelBlocks(w))
            {
                var (packedWeights, packedBias) = ChannelBlockDepthwise.Pack(weights, bias, channels, h.Kernel * w.Kernel, V.Count);
                var (rows, columns) = (h, w);
                if (!blocked && StreamRows(w, V.Count))
                    return new DepthwiseChannelBlockRowsStep<V, TVec, TAct>(x, y, batch, channels,
                        WorkerPool.PerThread(pool, () => new ChannelBlockRows(rows, columns, 0f, V.Count)), packedWeights, packedBias,
                        activation, pool) { NodeName = nodeName, OpType = opType };
                return new DepthwiseChannelBlockStep<V, TVec, TAct>(x, y, batch, channels,
                    WorkerPool.PerThread(pool, () => new ChannelBlockPlane(rows, columns, 0f, V.Count)), packedWeights, packedBias,
                    activation, pool, blockedInput, blockedOutput) { NodeName = nodeName, OpType = opType };
            }
            var (planeRows, planeColumns) = (h, w);
            return new DepthwiseConvStep<V, TVec, TAct>(x, y, batch, channels,
                WorkerPool.PerThread(pool, () => new PaddedPlane(planeRows, planeColumns, 0f, V.Count)), weights, bias, activation, pool)
            { NodeName = nodeName, OpType = opType };
        }
    }

    private readonly struct ExpandedFactory(PointwiseExpansion expansion, Slot y, int channels, Reference.SpatialAxis h,
        Reference.SpatialAxis w, float[] weights, float[] bias, string nodeName, string opType, WorkerPool? pool, SpanActivation expand)
        : IActivatedStepFactory
    {
        public Step Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            var (packedWeights, packedBias) = ChannelBlockDepthwise.Pack(weights, bias, channels, h.Kernel * w.Kernel, V.Count);
            var x = expansion.XInfo;
            int inChannels = x.Shape[1], plane = x.Shape[2] * x.Shape[3], lanes = expansion.XLanes;
            // Where input channel k's first pixel lies in an image, and the floats between pixels and between rows.
            var offsets = new int[inChannels];
            for (int k = 0; k < inChannels; k++) offsets[k] = lanes == 0 ? k * plane : k / lanes * plane * lanes + k % lanes;
            int pixelStride = lanes == 0 ? 1 : lanes;
            int imageFloats = lanes == 0 ? inChannels * plane : ChannelBlockedLayout.Blocks(inChannels, lanes) * lanes * plane;
            var (expandWeights, expandBias) = PointwiseRowSource<V, TVec>.Pack(expansion.Weights, expansion.Bias, channels, inChannels, V.Count);
            var source = new PointwiseRowSource<V, TVec>(expansion.X.Buffer, offsets, pixelStride, x.Shape[3] * pixelStride, x.Shape[3],
                expandWeights, expandBias, expand);
            var (rows, columns) = (h, w);
            return new DepthwiseExpandedRowsStep<V, TVec, TAct>(expansion.X, imageFloats, source, y, x.Shape[0], channels,
                WorkerPool.PerThread(pool, () => new ChannelBlockRows(rows, columns, 0f, V.Count)),
                WorkerPool.PerThread(pool, () => new ChannelBlockRows(rows, columns, 0f, V.Count)), packedWeights, packedBias, activation, pool)
            { NodeName = nodeName, OpType = opType };
        }
    }

    /// <summary>
    /// Channels in the lanes (<see cref="ChannelBlockPlane"/>, <see cref="ChannelBlockRows"/>) for the kernel shapes
    /// <see cref="ChannelBlockRowKernel"/> covers (widths 3 and 5, stride 1 or 2), for other strided convolutions and
    /// for rows up to 32 outputs: there a row kernel fills vectors only partly, or pays a stride-2 split and a narrow
    /// copy-out per channel, that cost more than the two transposes. Measured on AVX2 (1 thread, lone layers): stride
    /// 1 at 56×56 and 112×112 were 10–20% slower with whole-plane channel blocks than with the row kernel, and 15–20%
    /// faster streamed by rows with the register-sharing kernel; 7×7 planes 2.5–3.5× faster than the row kernel. The
    /// remaining wide stride-1 shapes (dilated, other widths) keep the row kernel, whose padded copy is a plain row
    /// copy.
    /// </summary>
    internal static bool UseChannelBlocks(Reference.SpatialAxis w) =>
        ChannelBlockRowKernel.Covers(w.Kernel, w.Stride, w.Dilation) || w.Stride > 1 || w.Output <= 32;

    /// <summary>
    /// Channel blocks streamed by rows (<see cref="ChannelBlockRows"/>) where input rows are at least two vectors wide
    /// and output rows one; smaller planes transpose whole (<see cref="ChannelBlockPlane"/>): their transposed block
    /// fits in L1 anyway, and by rows the per-row work around a 14-wide row cost more than it saved (measured on AVX2:
    /// 14×14 stride 1 25% slower by rows; 28×28 to 14×14 stride 2 12% faster, 28×28 and larger 15–30% faster).
    /// </summary>
    internal static bool StreamRows(Reference.SpatialAxis w, int vectorCount) => w.Input >= 2 * vectorCount && w.Output >= vectorCount;

    /// <summary>
    /// Outputs below which a task is not worth handing out: a task of a few thousand 3×3 outputs runs in about the time a
    /// worker takes to notice the run (as <see cref="F32Pool.F32PoolSteps.MinParallelOutputs"/> for the pools, whose
    /// windows cost about as much).
    /// </summary>
    public const int MinParallelOutputs = 16 * 1024;

    /// <summary>A pool's split of <paramref name="units"/> (whole channel blocks or planes, each of
    /// <paramref name="outputsPerUnit"/> outputs): two tasks per thread, so one slowed by another process sheds some.</summary>
    private static RangeSplit Split(int units, int outputsPerUnit, WorkerPool? pool) =>
        new(units, pool, (MinParallelOutputs + outputsPerUnit - 1) / Math.Max(1, outputsPerUnit), tasksPerThread: 2);

    /// <summary>Bands of output rows of a row-streamed step: one per thread (no more than there are rows).</summary>
    private static int Bands(ChannelBlockRows[] threadRows) => Math.Min(threadRows[0].OutH, threadRows.Length);

    /// <summary>Pairs of channel blocks (the last one alone where the blocks are odd).</summary>
    private static int Pairs(int channels, int lanes) => (ChannelBlockedLayout.Blocks(channels, lanes) + 1) / 2;

    /// <summary>(image, block of <paramref name="lanes"/> channels) units of a batch.</summary>
    private static int Units(int batch, int channels, int lanes) => batch * ((channels + lanes - 1) / lanes);

    /// <summary>Unit <paramref name="unit"/>'s channel block, its first plane among the batch's planes, and its channels.</summary>
    private static (int Block, int Plane, int Count) Unit(int unit, int channels, int lanes)
    {
        int blocks = (channels + lanes - 1) / lanes, block = unit % blocks, first = block * lanes;
        return (block, unit / blocks * channels + first, Math.Min(lanes, channels - first));
    }

    /// <summary>A task is a chunk of (image, block of V.Count channels) units, each thread with its own transposed plane
    /// (filled by a row copy from a channel-blocked input, and copied as it is into a channel-blocked output).</summary>
    private sealed class DepthwiseChannelBlockStep<V, TVec, TAct>(Slot x, Slot y, int batch, int channels, ChannelBlockPlane[] threadPlanes,
        float[] weights, float[] bias, TAct activation, WorkerPool? pool, bool blockedInput = false, bool blockedOutput = false)
        : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        private readonly int taps = threadPlanes[0].Taps.Length;
        private readonly RangeSplit split = Split(Units(batch, channels, V.Count), V.Count * threadPlanes[0].OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var plane = threadPlanes[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int c = V.Count, inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize;
            for (int u = split.Start(task), end = u + split.Length(task); u < end; u++)
            {
                // Unit u is also the block's index among the batch's blocks in the channel-blocked layout.
                var (block, p, count) = Unit(u, channels, c);
                if (blockedInput) plane.FillBlocked(input.Slice(u * inSize * c, inSize * c));
                else plane.Fill<V, TVec>(input.Slice(p * inSize, count * inSize), count);
                ChannelBlockDepthwise.Compute<V, TVec, TAct>(plane, weights.AsSpan(block * taps * c, taps * c),
                    bias.AsSpan(block * c, c), activation);
                if (blockedOutput) plane.StoreBlocked(output.Slice(u * outSize * c, outSize * c));
                else plane.Store<V, TVec>(output.Slice(p * outSize, count * outSize), count);
            }
        }
    }

    /// <summary>
    /// Channel blocks streamed one output row at a time (<see cref="ChannelBlockRows"/>), for planes whose rows are at
    /// least a vector wide: the transposed input and output rows stay in L1. On a pool the output rows are cut into one
    /// band per thread, and the work items are (band, image, channel block), band first: the thread that owns the first
    /// items writes the top rows of every channel, as the pointwise convolutions before and after it split their
    /// pixels, so each thread mostly reads what it wrote (MobileNetV2 on 2 threads, in one process: 4.9 ms split by
    /// channel blocks, 4.4–4.7 ms by bands).
    /// </summary>
    private sealed class DepthwiseChannelBlockRowsStep<V, TVec, TAct>(Slot x, Slot y, int batch, int channels, ChannelBlockRows[] threadRows,
        float[] weights, float[] bias, TAct activation, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        private readonly int taps = threadRows[0].Taps.Length;
        private readonly int units = Units(batch, channels, V.Count);
        private readonly int bands = Bands(threadRows);
        private readonly RangeSplit split = Split(Units(batch, channels, V.Count) * Bands(threadRows),
            V.Count * threadRows[0].OutputPlaneSize / Bands(threadRows), pool);


        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var rows = threadRows[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int c = V.Count, inSize = rows.InputPlaneSize, outSize = rows.OutputPlaneSize, outH = rows.OutH;
            for (int item = split.Start(task), end = item + split.Length(task); item < end; item++)
            {
                int band = item / units;
                var (block, p, count) = Unit(item % units, channels, c);
                var xBlock = input.Slice(p * inSize, count * inSize);
                var yBlock = output.Slice(p * outSize, count * outSize);
                var w = weights.AsSpan(block * taps * c, taps * c);
                var b = bias.AsSpan(block * c, c);
                rows.Begin();
                for (int oh = band * outH / bands, last = (band + 1) * outH / bands; oh < last; oh++)
                {
                    rows.PrepareRow<V, TVec>(xBlock, count, oh);
                    ChannelBlockDepthwise.ComputeRow<V, TVec, TAct>(rows, w, b, activation);
                    rows.StoreRow<V, TVec>(yBlock, count, oh);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="DepthwiseChannelBlockRowsStep{V, TVec, TAct}"/> with its input rows computed, not transposed in: each
    /// ring row is the pointwise Conv before it (<see cref="PointwiseRowSource{V, TVec}"/>) for the block's channels,
    /// computed when the ring reaches it, so the pointwise output is never stored. Rows at a band's top that the band
    /// above also read are computed again (one or two per band and block).
    /// </summary>
    private sealed class DepthwiseExpandedRowsStep<V, TVec, TAct>(Slot x, int imageFloats, PointwiseRowSource<V, TVec> source, Slot y,
        int batch, int channels, ChannelBlockRows[] threadRows, ChannelBlockRows[] threadNextRows, float[] weights, float[] bias,
        TAct activation, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        private readonly int taps = threadRows[0].Taps.Length;
        // Work items are (band, image, pair of channel blocks): the pointwise rows of two blocks are computed together.
        private readonly int pairs = Pairs(channels, V.Count);
        private readonly int bands = Bands(threadRows);
        private readonly RangeSplit split = Split(batch * Pairs(channels, V.Count) * Bands(threadRows),
            2 * V.Count * threadRows[0].OutputPlaneSize / Bands(threadRows), pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            ChannelBlockRows rows = threadRows[thread], nextRows = threadNextRows[thread];
            var rowSource = source;
            int c = V.Count, outH = rows.OutH, units = batch * pairs;
            for (int item = split.Start(task), end = item + split.Length(task); item < end; item++)
            {
                int band = item / units, unit = item % units, image = unit / pairs, block = unit % pairs * 2;
                bool both = (block + 1) * c < channels;
                rowSource.Select(x.Offset + image * imageFloats, block);
                rows.Begin();
                nextRows.Begin();
                for (int oh = band * outH / bands, last = (band + 1) * outH / bands; oh < last; oh++)
                {
                    if (both) rows.PrepareRows(nextRows, ref rowSource, oh);
                    else rows.PrepareRow(ref rowSource, oh);
                    Store(rows, image, block, oh);
                    if (both) Store(nextRows, image, block + 1, oh);
                }
            }
        }

        /// <summary>Computes output row <paramref name="oh"/> of a block from its ring and stores it into its planes.</summary>
        private void Store(ChannelBlockRows rows, int image, int block, int oh)
        {
            int c = V.Count, first = block * c, count = Math.Min(c, channels - first), outSize = rows.OutputPlaneSize;
            ChannelBlockDepthwise.ComputeRow<V, TVec, TAct>(rows, weights.AsSpan(block * taps * c, taps * c), bias.AsSpan(block * c, c), activation);
            rows.StoreRow<V, TVec>(y.Span.Slice((image * channels + first) * outSize, count * outSize), count, oh);
        }
    }

    /// <summary>A task is a chunk of (image, channel) planes, each thread with its own padded plane.</summary>
    private sealed class DepthwiseConvStep<V, TVec, TAct>(Slot x, Slot y, int batch, int channels, PaddedPlane[] threadPlanes,
        float[] weights, float[] bias, TAct activation, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        private readonly int taps = threadPlanes[0].Taps.Length;
        private readonly RangeSplit split = Split(batch * channels, threadPlanes[0].OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var plane = threadPlanes[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize;
            for (int p = split.Start(task), end = p + split.Length(task); p < end; p++)
            {
                int c = p % channels;
                plane.Fill<V, TVec>(input.Slice(p * inSize, inSize));
                var yPlane = output.Slice(p * outSize, outSize);
                if (ActivationPass.Separate<TAct>())
                {
                    WindowRowKernel.Plane<V, TVec, DepthwiseWindow<IdentityActivation>>(plane,
                        new DepthwiseWindow<IdentityActivation>(bias[c], default), weights.AsSpan(c * taps, taps), yPlane);
                    ActivationPass.Apply<V, TVec, TAct>(yPlane, activation);
                }
                else
                    WindowRowKernel.Plane<V, TVec, DepthwiseWindow<TAct>>(plane, new DepthwiseWindow<TAct>(bias[c], activation),
                        weights.AsSpan(c * taps, taps), yPlane);
            }
        }
    }
}
