using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Pool;

/// <summary>
/// Vector steps of MaxPool, AveragePool (1-D and 2-D: every padding, stride, dilation, ceil_mode, count_include_pad),
/// GlobalAveragePool and GlobalMaxPool, built by the operators' CreateStep when the plan's path is not the reference.
/// Null where they do not apply (the reference path; 3-D windows), and the operator keeps its reference step.
/// With a worker pool the windowed pools split their planes (or blocks of planes) into contiguous chunks, each
/// thread with its own scratch plane; a plane is computed the same way by whichever thread, so the result does not
/// depend on the thread count.
/// </summary>
public static class F32PoolSteps
{
    /// <summary>
    /// Output floats below which a pool runs on the calling thread, as for elementwise steps (ResNet-18 MaxPool, 200K
    /// outputs: 0.27-0.29 → 0.14-0.16 ms on 2 threads, AVX2).
    /// </summary>
    public const int MinParallelOutputs = 32 * 1024;

    public static Step? TryMaxPool(KernelIsa isa, Slot x, Slot y, int planes, SpatialParams geometry, string nodeName, string opType,
        WorkerPool? pool = null)
    {
        if (geometry.Rank > 2) return null;
        var w = geometry.Axis3(2);
        return VectorDispatch.Create(MaxPoolVectors(isa, w), new MaxFactory(x, y, planes, geometry.Axis3(1), w, nodeName, opType, Usable(pool)));
    }

    /// <summary>
    /// The vectors a MaxPool runs on: the plan's, except that on AVX-512 rows of 16 to 31 outputs, which 16 lanes would
    /// put in blocks of planes (<see cref="UseChannelBlocks"/>), are read in place on AVX2's 256-bit vectors:
    /// SqueezeNet 1.1's 128 planes 55×55 → 27×27 0.083–0.093 → 0.063–0.072 ms, the model faster in 24 of 30 rounds
    /// (in-process A/B, 2026-12-05). Not narrower: 13-wide rows in place on 128-bit vectors (AVX2's case) took
    /// 0.057–0.060 ms against blocks' 0.034–0.036.
    /// </summary>
    internal static KernelIsa MaxPoolVectors(KernelIsa isa, SpatialAxis w) =>
        isa == KernelIsa.Avx512 && UseChannelBlocks(w, 16) && !UseChannelBlocks(w, 8) && InPlaceMaxPlane.Handles(w) ? KernelIsa.Avx2 : isa;

    public static Step? TryAveragePool(KernelIsa isa, Slot x, Slot y, int planes, SpatialParams geometry, bool countIncludePad,
        string nodeName, string opType, WorkerPool? pool = null)
    {
        if (geometry.Rank > 2) return null;
        return VectorDispatch.Create(isa,
            new AverageFactory(x, y, planes, geometry.Axis3(1), geometry.Axis3(2), countIncludePad, nodeName, opType, Usable(pool)));
    }

    private static WorkerPool? Usable(WorkerPool? pool) => pool is { Threads: > 1 } ? pool : null;

    /// <summary>Chunks of <paramref name="units"/> units of <paramref name="outputsPerUnit"/> outputs each.</summary>
    private static RangeSplit Split(int units, int outputsPerUnit, WorkerPool? pool) =>
        new(units, pool, (MinParallelOutputs + outputsPerUnit - 1) / Math.Max(1, outputsPerUnit));

    /// <param name="channels">Channels per image (for a channel-blocked <paramref name="x"/>).</param>
    /// <param name="blocked">Whether X is channel-blocked, in blocks of the ISA's vector (<see cref="ChannelBlockedLayout"/>).</param>
    public static Step? TryGlobalPool(KernelIsa isa, bool max, Slot x, Slot y, int planes, int planeSize, string nodeName, string opType,
        int channels = 0, bool blocked = false) =>
        VectorDispatch.Create(isa, new GlobalFactory(max, x, y, planes, planeSize, nodeName, opType, channels, blocked));

    /// <summary>Output positions along an axis whose window has no tap inside the input (MaxPool then yields float.MinValue).</summary>
    private static int[] EmptyWindows(SpatialAxis a)
    {
        var empty = new List<int>();
        for (int o = 0; o < a.Output; o++)
        {
            a.Taps(o, 0, a.Input, out int first, out int end);
            if (end <= first) empty.Add(o);
        }
        return [.. empty];
    }

    /// <summary>The reference's divisor factor along one axis: taps inside the input, or inside input plus explicit padding.</summary>
    private static float[] Counts(SpatialAxis a, bool countIncludePad, int minLength)
    {
        var counts = new float[Math.Max(a.Output, minLength)];
        Array.Fill(counts, 1f);
        for (int o = 0; o < a.Output; o++)
        {
            int first, end;
            if (countIncludePad) a.Taps(o, -a.PadBegin, a.Input + a.PadEnd, out first, out end);
            else a.Taps(o, 0, a.Input, out first, out end);
            counts[o] = end - first;
        }
        return counts;
    }

    private readonly struct MaxFactory(Slot x, Slot y, int planes, SpatialAxis h, SpatialAxis w, string nodeName, string opType,
        WorkerPool? pool) : IVectorStepFactory
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            var (rows, columns) = (h, w);
            if (UseChannelBlocks(w, V.Count))
                return new ChannelBlockMaxPoolStep<V, TVec>(x, y, planes,
                    WorkerPool.PerThread(pool, () => new ChannelBlockPlane(rows, columns, float.NegativeInfinity, V.Count)),
                    EmptyWindows(h), EmptyWindows(w), pool) { NodeName = nodeName, OpType = opType };
            if (InPlaceMaxPlane.Handles(w))
                return new InPlaceMaxPoolStep<V, TVec>(x, y, planes, new InPlaceMaxPlane(rows, columns, V.Count), EmptyWindows(h),
                    EmptyWindows(w), pool) { NodeName = nodeName, OpType = opType };
            return new MaxPoolStep<V, TVec>(x, y, planes, WorkerPool.PerThread(pool, () => new PaddedPlane(rows, columns, float.NegativeInfinity, V.Count)),
                    EmptyWindows(h), EmptyWindows(w), pool) { NodeName = nodeName, OpType = opType };
        }
    }

    /// <summary>
    /// Planes in the lanes (<see cref="ChannelBlockPlane"/>) where output rows are narrower than two vectors; wider
    /// rows are read in place (<see cref="InPlaceMaxPlane"/>, horizontal stride 1 or 2) or go through the padded row
    /// kernel (measured on AVX2, SqueezeNet's 3×3 s2 pools, blocks against the row kernel: 13 wide 0.069 → 0.051 ms,
    /// 27 wide even, 55 wide 20% slower; on AVX-512 the in-place kernel against the row kernel: 64 planes 111×111 →
    /// 55×55 0.17 → 0.126 ms, 16 planes 112×112 → 56×56 with padding even). On AVX-512 see <see cref="MaxPoolVectors"/>.
    /// </summary>
    internal static bool UseChannelBlocks(SpatialAxis w, int vectorCount) => w.Output < 2 * vectorCount;

    /// <summary>Patches the outputs whose window has no tap inside the input to the reference's float.MinValue.</summary>
    private static void PatchEmptyWindows(Span<float> yPlane, int outH, int outW, int[] emptyRows, int[] emptyColumns)
    {
        foreach (int oh in emptyRows) yPlane.Slice(oh * outW, outW).Fill(float.MinValue);
        foreach (int ow in emptyColumns)
            for (int oh = 0; oh < outH; oh++) yPlane[oh * outW + ow] = float.MinValue;
    }

    /// <summary>A task is a chunk of blocks of V.Count planes.</summary>
    private sealed class ChannelBlockMaxPoolStep<V, TVec>(Slot x, Slot y, int planes, ChannelBlockPlane[] threadPlanes, int[] emptyRows,
        int[] emptyColumns, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        private readonly RangeSplit split = Split((planes + V.Count - 1) / V.Count, V.Count * threadPlanes[0].OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var plane = threadPlanes[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int c = V.Count, inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize;
            int first = split.Start(task) * c, end = Math.Min(planes, (split.Start(task) + split.Length(task)) * c);
            for (int p = first; p < end; p += c)
            {
                int count = Math.Min(c, planes - p);
                plane.Fill<V, TVec>(input.Slice(p * inSize, count * inSize), count);
                ChannelBlockMax.Compute<V, TVec>(plane);
                plane.Store<V, TVec>(output.Slice(p * outSize, count * outSize), count);
            }
            if (emptyRows.Length + emptyColumns.Length == 0) return;
            for (int p = first; p < end; p++)
                PatchEmptyWindows(output.Slice(p * outSize, outSize), plane.OutH, plane.OutW, emptyRows, emptyColumns);
        }
    }

    /// <summary>A task is a chunk of planes.</summary>
    private sealed class MaxPoolStep<V, TVec>(Slot x, Slot y, int planes, PaddedPlane[] threadPlanes, int[] emptyRows, int[] emptyColumns,
        WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        /// <summary>The window kernel's per-tap factors, which the pools ignore.</summary>
        private readonly float[] tapFactors = new float[threadPlanes[0].Taps.Length];
        private readonly RangeSplit split = Split(planes, threadPlanes[0].OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var plane = threadPlanes[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize, outW = plane.OutW;
            for (int p = split.Start(task), end = p + split.Length(task); p < end; p++)
            {
                plane.Fill<V, TVec>(input.Slice(p * inSize, inSize));
                var yPlane = output.Slice(p * outSize, outSize);
                WindowRowKernel.Plane<V, TVec, MaxWindow>(plane, default, tapFactors, yPlane);
                PatchEmptyWindows(yPlane, plane.OutH, outW, emptyRows, emptyColumns);
            }
        }
    }

    /// <summary>A task is a chunk of planes; the kernel has no scratch, so the threads share it.</summary>
    private sealed class InPlaceMaxPoolStep<V, TVec>(Slot x, Slot y, int planes, InPlaceMaxPlane plane, int[] emptyRows,
        int[] emptyColumns, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        private readonly RangeSplit split = Split(planes, plane.OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var input = x.ReadOnly;
            var output = y.Span;
            int inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize;
            for (int p = split.Start(task), end = p + split.Length(task); p < end; p++)
            {
                var yPlane = output.Slice(p * outSize, outSize);
                plane.Compute<V, TVec>(input.Slice(p * inSize, inSize), yPlane);
                PatchEmptyWindows(yPlane, plane.OutH, plane.OutW, emptyRows, emptyColumns);
            }
        }
    }

    private readonly struct AverageFactory(Slot x, Slot y, int planes, SpatialAxis h, SpatialAxis w, bool countIncludePad,
        string nodeName, string opType, WorkerPool? pool) : IVectorStepFactory
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            var (rows, columns) = (h, w);
            return new AveragePoolStep<V, TVec>(x, y, planes, WorkerPool.PerThread(pool, () => new PaddedPlane(rows, columns, 0f, V.Count)),
                Counts(w, countIncludePad, V.Count), Counts(h, countIncludePad, 0), pool)
            { NodeName = nodeName, OpType = opType };
        }
    }

    /// <summary>A task is a chunk of planes.</summary>
    private sealed class AveragePoolStep<V, TVec>(Slot x, Slot y, int planes, PaddedPlane[] threadPlanes, float[] columnCounts,
        float[] rowCounts, WorkerPool? pool) : Step, IParallelWork
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        /// <summary>The window kernel's per-tap factors, which the pools ignore.</summary>
        private readonly float[] tapFactors = new float[threadPlanes[0].Taps.Length];
        private readonly RangeSplit split = Split(planes, threadPlanes[0].OutputPlaneSize, pool);

        public override void Run() => split.Run(this, pool);

        public void Execute(int task, int thread)
        {
            var plane = threadPlanes[thread];
            var input = x.ReadOnly;
            var output = y.Span;
            int inSize = plane.InputPlaneSize, outSize = plane.OutputPlaneSize;
            for (int p = split.Start(task), end = p + split.Length(task); p < end; p++)
            {
                plane.Fill<V, TVec>(input.Slice(p * inSize, inSize));
                WindowRowKernel.Plane<V, TVec, AverageWindow>(plane, new AverageWindow(columnCounts, rowCounts), tapFactors,
                    output.Slice(p * outSize, outSize));
            }
        }
    }

    private readonly struct GlobalFactory(bool max, Slot x, Slot y, int planes, int planeSize, string nodeName, string opType,
        int channels, bool blocked) : IVectorStepFactory
    {
        public Step Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct =>
            new GlobalPoolStep<V, TVec>(max, x, y, planes, planeSize, channels, blocked) { NodeName = nodeName, OpType = opType };
    }

    private sealed class GlobalPoolStep<V, TVec>(bool max, Slot x, Slot y, int planes, int planeSize, int channels, bool blocked) : Step
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        public override void Run()
        {
            if (blocked) GlobalPoolKernel.Blocked<V, TVec>(max, x.ReadOnly, y.Span, planes / channels, channels, planeSize);
            else if (max) GlobalPoolKernel.Max<V, TVec>(x.ReadOnly, y.Span, planes, planeSize);
            else GlobalPoolKernel.Average<V, TVec>(x.ReadOnly, y.Span, planes, planeSize);
        }
    }
}
