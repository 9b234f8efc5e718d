using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>Which way round a convolution's GEMM tiles are laid.</summary>
public enum ConvLoweringChoice
{
    /// <summary>Whichever issues fewer multiply-adds once tiles are padded (see <see cref="F32ConvGemmStep.Lower"/>).</summary>
    Auto,
    /// <summary><see cref="F32ConvGemm"/>: output channels × output pixels.</summary>
    ChannelMajor,
    /// <summary><see cref="F32ConvPixelGemm"/>: output pixels × output channels.</summary>
    PixelMajor,
}

/// <summary>
/// A Conv step on the packed-GEMM path. With a worker pool the tiles are shared among the threads, each tile with its
/// thread's own scratch; an input that needs staging is staged by each thread into its own copy, the rows its tiles
/// read (pixel-major), or by all threads into one copy in bands before the tiles (channel-major). Every output value
/// is still summed by one kernel call in the same order, so the result does not depend on the thread count.
/// </summary>
public sealed unsafe class F32ConvGemmStep : Step, IParallelWork
{
    /// <summary>
    /// The pixel-major lowering's transposing store, in multiply-adds per output: by 8×8 register transposes it is
    /// about 12% of a 32→16 layer at 112×112 (K = 32) on AVX2, 4–5 multiply-adds; 6 leaves room for the 4×4 form.
    /// (A scalar loop before cost 24.)
    /// </summary>
    private const double TransposeCost = 6;

    /// <summary>
    /// The channel-major lowering's packing of a pointwise B, in multiply-adds per packed float (K·N of them), which
    /// only the MR-row panels of the output channels share: fitted to 32→16 at 112×112 (pixel-major 13% faster) and
    /// 144→24 at 56×56 (channel-major 25% faster) on AVX2.
    /// </summary>
    private const double PackCost = 4;

    /// <summary>
    /// Input floats below which a staging task is not worth handing out: tasks of a few hundred floats (one per channel
    /// of ResNet-18's 7×7 planes, as staging was once split) made both threads fight over the task counter, and a small
    /// stage is cheaper on the calling thread alone than waking a worker (as
    /// <see cref="F32Elementwise.F32ElementwiseSteps.MinParallelFloats"/>). Tasks are bands of input rows of every
    /// channel: the thread that stages the top of the image then runs the tiles of the top of the output, as the layer
    /// before (Winograd tile blocks, GEMM pixel blocks) wrote it.
    /// </summary>
    private const int MinStageFloats = 32 * 1024;

    private readonly WorkerPool? pool;
    // Bands of input rows (of every channel) that shared staging hands out (one band, run inline, for a small input;
    // none where each thread stages its own copy).
    private readonly RangeSplit stageSplit;
    // One scratch per thread that runs tiles (just one without a pool).
    private readonly ThreadScratch threadScratch;
    // Per thread, for a pixel-major lowering that stages (see StagesPerThread): its own staged copy of the input, and
    // per input row the run that copy last staged it for. Null where the threads share one copy staged in bands.
    // The rows' run numbers are one array, each thread's part a cache line past the last (threads mark their own rows).
    private readonly ThreadScratch? threadStaged;
    // The lowering whose tiles say which input rows they read, where threads stage their own copies.
    private readonly F32ConvPixelGemm? stagedPixels;
    private readonly int[] stagedRuns = [];
    private readonly int stagedRunsStride;
    private int runNumber;
    // Set for the duration of one Run: which phase the pool is running and the pinned pointers it works on.
    private bool staging;
    private float* runX, runY, runSource, runResidual;
    // A residual Add the planner folded into this Conv (see ResidualAdd): applied to each tile's outputs as soon as
    // the tile is done, by the thread that computed them.
    private readonly Slot residual;
    private readonly ResidualRuns? residualRuns;
    // Floats per output plane, and per image of Y: where a tile's outputs start.
    private readonly nint outPlane, outImage;
    private readonly int outputLanes;

    /// <param name="outputLanes">Y (and the residual) channel-blocked in blocks of this many (0: NCHW).</param>
    /// <param name="scratch">The plan's shared scratch to reserve the tiles' scratch from; null allocates it here.</param>
    public F32ConvGemmStep(IF32ConvLowering conv, Slot x, Slot y, WorkerPool? pool = null, Slot residual = default,
        ResidualRuns? residualRuns = null, int outputLanes = 0, ScratchSpace? scratch = null)
    {
        this.outputLanes = outputLanes;
        Conv = conv;
        X = x;
        Y = y;
        this.residual = residual;
        this.residualRuns = residual.IsEmpty ? null : residualRuns ?? throw new ArgumentNullException(nameof(residualRuns));
        outPlane = (nint)conv.Layout.OutHeight * conv.Layout.OutWidth;
        outImage = y.Length / conv.Layout.Batch;
        if (pool is { Threads: > 1 }) this.pool = pool;
        int threads = this.pool?.Threads ?? 1;
        threadScratch = scratch?.Reserve(threads, conv.ScratchLength) ?? new ThreadScratch(threads, conv.ScratchLength);
        if (this.pool is not null && StagesPerThread(conv) is { } pixels)
        {
            stagedPixels = pixels;
            // Thread 0 stages into the layout's own copy.
            threadStaged = new ThreadScratch(this.pool.Threads - 1, conv.Layout.StagedLength);
            stagedRunsStride = (conv.Layout.Height + 15) / 16 * 16 + 16;
            stagedRuns = new int[this.pool.Threads * stagedRunsStride];
        }
        int row = Math.Max(1, conv.Layout.StageCount * conv.Layout.Width);
        stageSplit = new RangeSplit(conv.Layout.StageCount > 0 && threadStaged is null ? conv.Layout.Height : 0, this.pool,
            (MinStageFloats + row - 1) / row, tasksPerThread: 2);
    }

    public IF32ConvLowering Conv { get; }
    public Slot X { get; }
    public Slot Y { get; }

    /// <summary>
    /// Whether this path runs a convolution: 1-D or 2-D, weights (and bias) known at plan time, and not depthwise
    /// (group = C = M, a filter per channel, which has no GEMM to speak of).
    /// </summary>
    public static bool Handles(SpatialParams geometry, int channels, int outChannels, int group, bool constantWeights) =>
        constantWeights && geometry.Rank is 1 or 2 && channels > 0 && outChannels > 0
        && !(group == channels && group == outChannels);

    /// <param name="kernel">Normally <see cref="F32GemmKernel.For"/> of the plan's ISA and the fused activation.</param>
    /// <param name="kBlock">Most k per kernel call, 0 for <see cref="DefaultKBlock"/>; tests shrink it and
    /// <paramref name="scratchFloats"/> to exercise K-block accumulation and multi-block tiling on small shapes.</param>
    /// <param name="channelBlocks">Splits each pixel block's output channels over this many tiles (more tiles for a
    /// worker pool when the image is small); 1 on one thread, where splitting only costs.</param>
    public static F32ConvGemmStep Create(F32GemmKernel kernel, string nodeName, string opType, Slot x, Slot y, int batch,
        int channels, int outChannels, int group, SpatialParams geometry, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        FusedActivation activation, ConvLoweringChoice choice = ConvLoweringChoice.Auto, int kBlock = 0,
        int scratchFloats = F32ConvGemm.DefaultScratchFloats, int channelBlocks = 1, WorkerPool? pool = null,
        Slot residual = default, ResidualRuns? residualRuns = null, TileMaxPool? maxPool = null, int inputLanes = 0, int outputLanes = 0,
        ScratchSpace? scratch = null)
    {
        // A blocked input is read in place whatever follows it: its tiles' offsets stay inside it.
        long readable = inputLanes > 0 ? long.MaxValue : x.Buffer.Length - (long)x.Offset;
        // The orientation first (from the geometry alone), then the layout for its reader: a pixel-major one reads X in
        // place wherever its windows lie inside X, strided or not.
        choice = Choose(kernel, new ConvPhaseLayout(batch, channels, group, geometry, readable, allocateStaging: false), outChannels,
            choice, kBlock, maxPool, inputLanes, outputLanes);
        var layout = new ConvPhaseLayout(batch, channels, group, geometry, readable, pixelReader: choice == ConvLoweringChoice.PixelMajor);
        var conv = Lower(kernel, layout, outChannels, weights, bias, activation, choice, kBlock, scratchFloats, channelBlocks, 1, maxPool,
            inputLanes, outputLanes);
        // Too few tiles for every thread to get several: cut the columns finer where tiles store straight into Y (each
        // thread then writes its own rows, as the layers around it do), else split the output channels further.
        if (pool is { Threads: > 1 } && channelBlocks == 1 && conv.TileCount < TilesPerThread * pool.Threads)
        {
            int more = (TilesPerThread * pool.Threads + conv.TileCount - 1) / conv.TileCount;
            var (channelSplit, columnSplit) = conv is F32ConvGemm { SplitsColumns: true } direct
                ? (1, direct.Blocks * more) : (conv.ChannelBlocks * more, 1);
            conv = Lower(kernel, layout, outChannels, weights, bias, activation,
                conv is F32ConvGemm ? ConvLoweringChoice.ChannelMajor : ConvLoweringChoice.PixelMajor, kBlock, scratchFloats,
                channelSplit, columnSplit, maxPool, inputLanes, outputLanes);
        }
        return new F32ConvGemmStep(conv, x, y, pool, residual, residualRuns, outputLanes, scratch) { NodeName = nodeName, OpType = opType };
    }

    /// <summary>
    /// Tiles per thread to aim for on small images, where tiles are output-channel blocks of one pixel block: each
    /// such tile reads the whole staged input again, so fewer, larger tiles read less. 2 rather than 4: ResNet-18's
    /// 7×7 512→512 3×3 layers on 2 threads 0.85-0.94× the time (three A/B runs of 4-5 alternations, AVX2, busy
    /// machine), the stride-2 ones within ±2%.
    /// </summary>
    private const int TilesPerThread = 2;

    /// <summary>
    /// Channel-major tiles pad the output channels to MR and the virtual columns to NR; pixel-major tiles pad the real
    /// pixels to 6 and the channels to NR. Auto picks the smaller padded work, counting the pixel-major transposing
    /// store, the channel-major packing of a pointwise B, and the channel-major copy of a partial-sum block into Y
    /// (<see cref="F32ConvGemm.Compacts"/>, each output moved once through scratch as the transposing store moves it,
    /// so at the same cost), so small output planes, deep 3×3 layers and pointwise layers with few output channels (a
    /// multiple of NR) go pixel-major, and shallow 1×1 layers channel-major. Counting the copy changed one layer of the
    /// zoo and shipped models: the Fashion CNN's 1→32 3×3 at 28×28 (K = 9, 28 columns: no direct rows), 0.0068–0.0093
    /// → 0.0053 ms pixel-major.
    /// </summary>
    public static IF32ConvLowering Lower(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, FusedActivation activation, ConvLoweringChoice choice = ConvLoweringChoice.Auto,
        int kBlock = 0, int scratchFloats = F32ConvGemm.DefaultScratchFloats, int channelBlocks = 1, int columnBlocks = 1,
        TileMaxPool? maxPool = null, int inputLanes = 0, int outputLanes = 0)
    {
        choice = Choose(kernel, layout, outChannels, choice, kBlock, maxPool, inputLanes, outputLanes);
        if (kBlock <= 0) kBlock = DefaultKBlock(layout, choice);
        return choice == ConvLoweringChoice.PixelMajor
            ? new F32ConvPixelGemm(kernel, layout, outChannels, weights, bias, activation, kBlock, scratchFloats, channelBlocks, maxPool,
                inputLanes, outputLanes)
            : new F32ConvGemm(kernel, layout, outChannels, weights, bias, activation, kBlock, scratchFloats, channelBlocks, columnBlocks);
    }

    /// <summary>The orientation <see cref="Lower"/> builds: pixel-major where only it takes the fused pool or a
    /// channel-blocked side, <see cref="PrefersPixelMajor"/> for Auto, else as asked.</summary>
    private static ConvLoweringChoice Choose(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, ConvLoweringChoice choice,
        int kBlock, TileMaxPool? maxPool, int inputLanes, int outputLanes)
    {
        if (maxPool is not null || inputLanes > 0 || outputLanes > 0 || layout.PixelsInPlace) return ConvLoweringChoice.PixelMajor;
        if (choice != ConvLoweringChoice.Auto) return choice;
        return PrefersPixelMajor(kernel, layout, outChannels, kBlock) ? ConvLoweringChoice.PixelMajor : ConvLoweringChoice.ChannelMajor;
    }

    /// <summary>
    /// Whether <see cref="ConvLoweringChoice.Auto"/> lowers pixel-major (what the planner asks before it lets a value
    /// between two kernels be channel-blocked). With <paramref name="readsBlocked"/>, against a channel-major lowering
    /// that would make the input's producer (a depthwise step, a squeeze-excite scale) transpose its output into NCHW
    /// channel planes, counted at the transposing store's cost per input float: that moves the layers that were within
    /// a few percent, EfficientNet-B0's 480→80 at 14×14 (whose squeeze-excite blocks then stay blocked: per block the
    /// depthwise 39.5 → 35.8 µs, the scale 8.7 → 4.7, the projection 88.8 → 85.0) and MobileNetV2's 192→32 at 28×28
    /// (its depthwise 45.6 → 40.8 µs); in-process, min of 200-run batches.
    /// </summary>
    public static bool PrefersPixelMajor(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, int kBlock = 0,
        bool readsBlocked = false) =>
        PixelMajorCost(kernel, layout, outChannels, 1) < ChannelMajorCost(kernel, layout, outChannels, kBlock)
            + (readsBlocked ? TransposeCost * (double)layout.Batch * layout.Channels * layout.Height * layout.Width : 0);

    /// <summary>
    /// The staging copy, in multiply-adds per input float, where one lowering stages and the other does not: a strided
    /// convolution whose windows lie inside X, which the pixel-major lowering reads in place
    /// (<see cref="ConvPhaseLayout.PixelsInPlace"/>). ResNet-18's 64→128 1×1 stride-2 shortcut at 28×28 staged its
    /// 200K input floats in 18 µs of its 89 (AVX-512, alone), about 9 multiply-adds' time each at that layer's rate;
    /// 4 is enough to move it.
    /// </summary>
    private const double StageCost = 4;

    /// <summary>The channel-major lowering's padded multiply-adds, with its packing, its copy out of scratch and, for a
    /// strided convolution that the pixel-major one reads in place, its staging.</summary>
    private static double ChannelMajorCost(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, int kBlock)
    {
        int groupOut = outChannels / layout.Group;
        double cost = F32ConvGemm.PaddedWork(kernel, layout, groupOut);
        if (layout.Strided && layout.WindowsInside)
            cost += StageCost * (double)layout.Batch * layout.Channels * layout.Height * layout.Width;
        if (F32ConvGemm.Packs(kernel, layout, groupOut))
            cost += PackCost * layout.K * layout.Group * F32ConvGemm.RoundUp(layout.VirtualColumns, kernel.Columns);
        if (F32ConvGemm.Compacts(kernel, layout, kBlock > 0 ? kBlock : DefaultKBlock(layout, ConvLoweringChoice.ChannelMajor)))
            cost += TransposeCost * (double)outChannels * layout.OutHeight * layout.OutWidth;
        return cost;
    }

    /// <summary>The pixel-major lowering's padded multiply-adds, with its transposing store of one output in
    /// <paramref name="storedShare"/> (a fused MaxPool stores one per window).</summary>
    private static double PixelMajorCost(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, double storedShare) =>
        F32ConvPixelGemm.PaddedWork(kernel, layout, outChannels / layout.Group) * (1 + storedShare * TransposeCost / Math.Max(1, layout.K));

    /// <summary>
    /// Whether a MaxPool after this convolution is best taken over its tiles (<see cref="TileMaxPool"/>, which needs
    /// the pixel-major lowering): when that lowering, storing one output per window, costs no more than the
    /// channel-major one plus the separate pool step, counted as moving each convolution output twice (in and out of
    /// its channel blocks, or to L3 and back for a large plane) at the transposing store's cost, plus
    /// <see cref="PoolStepCost"/>.
    /// </summary>
    public static bool PoolsInTiles(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, TileMaxPool maxPool)
    {
        double outputs = (double)outChannels * layout.OutHeight * layout.OutWidth;
        double pooled = PixelMajorCost(kernel, layout, outChannels, (double)maxPool.Height * maxPool.Width / (layout.OutHeight * layout.OutWidth));
        return pooled <= ChannelMajorCost(kernel, layout, outChannels, 0) + 2 * TransposeCost * outputs + PoolStepCost;
    }

    /// <summary>
    /// What a separate MaxPool step costs beyond moving its values, in multiply-adds (about a microsecond of one core
    /// here): the notes' typical CNN's pool of 8 channels of 26×26 took 4.45 µs where moving its 5408 values accounts for
    /// under 1 (channel blocks of 16 lanes half empty, per-block setup). With it that CNN's first Conv takes its pool
    /// (8 channels padded to a 32-wide strip: 4× the multiply-adds of a tiny layer) and the model runs 9.65 → 6.71 µs
    /// (in-process, min of 200-run batches); no other Conv → MaxPool of the zoo or the shipped model changes.
    /// </summary>
    private const double PoolStepCost = 100_000;

    /// <summary>
    /// A K block reads (kc / kh·kw) channels of the staged input: 256 suits 3×3 stride-1 windows, whose taps share
    /// rows; strided (4 phase planes per channel) and pointwise (one tap per channel) windows touch several times more
    /// input per k, and keep it in L1 at 128 (measured on AVX2: stride-2 3×3 and 7×7 1×1 layers 12–25% faster).
    /// Channel-major pointwise tiles read a packed copy of B instead, and a K up to 192 runs as one block there:
    /// two blocks of 72 cost every tile a second load and store of its accumulators (144→24 at 56×56 and 192→32 at
    /// 28×28 3% faster), while pixel-major tiles, which read the input in place, lost 11% at 160→960 7×7. A strided
    /// channel-major window with K ≤ 192 (stems on few channels: ResNet's 7×7 stride 2 on 3, K = 147) runs as one block
    /// too, which lets its tiles store straight into Y (<see cref="F32ConvGemm.DirectRows"/>): that stem alone 1.41 →
    /// 1.35 ms on AVX-512.
    /// </summary>
    public static int DefaultKBlock(ConvPhaseLayout layout, ConvLoweringChoice choice) =>
        (layout.TapsPerChannel == 1 || layout.Strided) && choice == ConvLoweringChoice.ChannelMajor && layout.K <= 192 ? layout.K
        : layout.Strided || layout.TapsPerChannel == 1 ? F32ConvGemm.DefaultKBlock / 2 : F32ConvGemm.DefaultKBlock;

    public override void Run()
    {
        if (X.Length == 0 || Y.Length == 0) return;
        fixed (float* x = X.Buffer, y = Y.Buffer, r = residual.Buffer)
        {
            runResidual = r + residual.Offset;
            if (pool is null)
            {
                for (int c = 0; c < Conv.Layout.StageCount; c++) Conv.Layout.Stage(c, x + X.Offset);
                float* source = Conv.Layout.Source(x + X.Offset);
                for (int t = 0; t < Conv.TileCount; t++) RunTile(t, source, y + Y.Offset, threadScratch.For(0));
                return;
            }
            // The arrays stay pinned while the pool runs: both Run calls return inside this fixed block.
            runX = x + X.Offset;
            runY = y + Y.Offset;
            if (threadStaged is not null)
            {
                if (++runNumber == 0) runNumber = 1; // 0 is what the rows start at: never staged
                pool.Run(this, Conv.TileCount);
                return;
            }
            staging = true;
            stageSplit.Run(this, pool);
            runSource = Conv.Layout.Source(runX);
            staging = false;
            pool.Run(this, Conv.TileCount);
        }
    }

    public void Execute(int task, int thread)
    {
        if (staging)
        {
            int start = stageSplit.Start(task), end = start + stageSplit.Length(task);
            for (int c = 0; c < Conv.Layout.StageCount; c++) Conv.Layout.Stage(c, start, end, runX);
        }
        else if (threadStaged is not null)
        {
            float* own = thread == 0 ? Conv.Layout.Source(runX) : threadStaged.For(thread - 1);
            StageRowsOf(task, stagedRuns.AsSpan(thread * stagedRunsStride, Conv.Layout.Height), own);
            RunTile(task, own, runY, threadScratch.For(thread));
        }
        else RunTile(task, runSource, runY, threadScratch.For(thread));
    }

    /// <summary>Stages into <paramref name="own"/> the input rows the tile reads that this run has not staged there
    /// yet (<paramref name="stagedRun"/>: per row, the run it was last staged for), in runs of consecutive rows.</summary>
    private void StageRowsOf(int tile, Span<int> stagedRun, float* own)
    {
        var layout = Conv.Layout;
        var (start, end) = stagedPixels!.TileInputRows(tile);
        for (int r = start; r < end;)
        {
            if (stagedRun[r] == runNumber) { r++; continue; }
            int e = r;
            while (e < end && stagedRun[e] != runNumber) stagedRun[e++] = runNumber;
            for (int c = 0; c < layout.StageCount; c++) layout.Stage(c, r, e, runX, own);
            r = e;
        }
    }

    /// <summary>
    /// The lowering, when each thread stages into its own copy the input rows its tiles read, as it comes to them,
    /// instead of the threads staging one shared copy in bands before the tiles (null otherwise): a pixel-major lowering
    /// of one image and group.
    /// On the 2-core EPYC VM a line one core has just written is slow for the other to read, and bands of phase rows
    /// (not whole cache lines) shared lines between the threads: ResNet-18's stride-2 3×3 layers ran slower on two
    /// threads than on one, and staging its 56×56 one took 93 µs on two threads, 33 on one. Staged per thread, those
    /// layers on two threads 610 → 379, 631 → 415 and 593 → 397 µs (in-process A/B, min of 20×200 runs). A thread's
    /// copy costs the staged input's size once more per thread (at most 0.9 MB in ResNet-18).
    /// </summary>
    private static F32ConvPixelGemm? StagesPerThread(IF32ConvLowering conv) =>
        conv is F32ConvPixelGemm pixels && conv.Layout.StageCount > 0 && conv.Layout.Batch == 1 && conv.Layout.Group == 1
            ? pixels : null;

    /// <summary>One tile, then the folded residual over the outputs it wrote (still in this core's cache).</summary>
    private void RunTile(int tile, float* source, float* y, float* scratch)
    {
        Conv.RunTile(tile, source, y, scratch);
        if (residualRuns is null) return;
        Conv.TileOutputs(tile, out int n, out int m0, out int m1, out int p0, out int p1);
        if (outputLanes > 0)
        {
            // Channel-blocked: the tile's pixels of each of its blocks (m0 starts one) are one run.
            int lanes = outputLanes;
            nint block = n * outImage + (m0 / lanes * outPlane + p0) * lanes;
            for (int m = m0; m < m1; m += lanes, block += outPlane * lanes) residualRuns.Apply(y + block, runResidual + block, (p1 - p0) * lanes);
            return;
        }
        nint at = n * outImage + m0 * outPlane + p0;
        for (int m = m0; m < m1; m++, at += outPlane) residualRuns.Apply(y + at, runResidual + at, p1 - p0);
    }
}
