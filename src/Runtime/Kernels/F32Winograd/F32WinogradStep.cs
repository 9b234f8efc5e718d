using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Winograd;

/// <summary>
/// A Conv step on the Winograd path. With a worker pool the tiles (image, tile block, channel block) are shared
/// among the threads, each with its own scratch; every output value is computed the same way whichever thread runs
/// it, so the result does not depend on the thread count.
/// </summary>
public sealed unsafe class F32WinogradStep : Step, IParallelWork
{
    /// <summary>
    /// What splitting a tile block's output channels costs, as a factor on the layer's time: the input transform then
    /// runs as a phase of its own (one more barrier) into a V of every block (2 MB for ResNet-18's 56×56 layers, past
    /// L2), which the tiles read back. Fitted on ResNet-18 at 2 threads: its 56×56 layers (7 blocks) split into 2
    /// channel blocks and its 28×28 ones (2 blocks) into 4, as a rule of 4 tiles per thread had them, ran the model
    /// 12.1–14.4 ms (medians 12.4–14.4); unsplit, 11.1–13.2 (11.3–14.3), five alternating rounds.
    /// </summary>
    private const double ChannelSplitCost = 1.15;

    private readonly WorkerPool? pool;
    private readonly ThreadScratch threadScratch;
    // V of every tile block, when tiles split output channels (see F32WinogradConv.InputTaskCount).
    private readonly ThreadScratch? sharedInput;
    // Set for the duration of one Run: which phase the pool is running and the pinned pointers it works on.
    private bool transformingInput;
    private float* runX, runY, runResidual;
    // A residual Add the planner folded into this Conv (see ResidualAdd): applied to each channel's outputs of a tile
    // as soon as they are written, by the thread that computed them.
    private readonly Slot residual;
    private readonly ResidualRuns? residualRuns;

    /// <param name="scratch">The plan's shared scratch to reserve this step's from; null allocates it here.</param>
    public F32WinogradStep(F32WinogradConv conv, Slot x, Slot y, WorkerPool? pool = null, Slot residual = default,
        ResidualRuns? residualRuns = null, ScratchSpace? scratch = null)
    {
        Conv = conv;
        X = x;
        Y = y;
        this.residual = residual;
        this.residualRuns = residual.IsEmpty ? null : residualRuns ?? throw new ArgumentNullException(nameof(residualRuns));
        if (pool is { Threads: > 1 }) this.pool = pool;
        int threads = this.pool?.Threads ?? 1;
        threadScratch = scratch?.Reserve(threads, conv.ScratchLength) ?? new ThreadScratch(threads, conv.ScratchLength);
        if (this.pool is not null && conv.ChannelBlocks > 1)
            sharedInput = scratch?.ReserveShared(conv.SharedInputLength) ?? new ThreadScratch(1, conv.SharedInputLength);
    }

    public F32WinogradConv Conv { get; }
    public Slot X { get; }
    public Slot Y { get; }

    /// <summary>
    /// The step on <paramref name="kernel"/>'s vectors and micro-kernel. With a pool, output channels are split too when that shortens the
    /// layer: the busiest thread's share of tiles, ⌈T/threads⌉/T, against <see cref="ChannelSplitCost"/> for a split
    /// (14×14 layers, one tile block, split; 56×56 on 2 threads, 7 blocks, not: 4 of 7 against 7 of 14 × 1.15).
    /// </summary>
    /// <param name="scratchFloats">Target floats of one tile block's V and M; tests shrink it to get many blocks.</param>
    public static F32WinogradStep Create(WinogradKernel kernel, string nodeName, string opType, Slot x, Slot y, int batch,
        int channels, int outChannels, Reference.SpatialParams geometry, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        FusedActivation activation, WorkerPool? pool = null, int scratchFloats = F32WinogradConv.DefaultScratchFloats,
        Slot residual = default, ResidualRuns? residualRuns = null, ScratchSpace? scratch = null)
    {
        var conv = F32WinogradConv.For(kernel, batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats);
        if (pool is { Threads: > 1 } && BestChannelBlocks(conv, pool.Threads) is > 1 and int blocks)
            conv = F32WinogradConv.For(kernel, batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, blocks);
        return new F32WinogradStep(conv, x, y, pool, residual, residualRuns, scratch) { NodeName = nodeName, OpType = opType };
    }

    /// <summary>The channel-block count (1 = no split) with the least estimated time on <paramref name="threads"/>.</summary>
    internal static int BestChannelBlocks(F32WinogradConv unsplit, int threads)
    {
        double Cost(int blocks)
        {
            int tiles = unsplit.TileCount * blocks;
            return (double)((tiles + threads - 1) / threads) / tiles * (blocks > 1 ? ChannelSplitCost : 1);
        }
        int best = 1;
        for (int requested = 2; requested <= unsplit.Panels; requested++)
        {
            int blocks = unsplit.ChannelBlocksFor(requested);
            if (Cost(blocks) < Cost(best) - 1e-12) best = blocks;
        }
        return best;
    }

    public override void Run()
    {
        if (X.Length == 0 || Y.Length == 0) return;
        fixed (float* x = X.Buffer, y = Y.Buffer, r = residual.Buffer)
        {
            runResidual = r + residual.Offset;
            if (pool is null)
            {
                float* scratch = threadScratch.For(0);
                for (int t = 0; t < Conv.TileCount; t++) RunTile(t, x + X.Offset, y + Y.Offset, scratch, null);
                return;
            }
            // The arrays stay pinned while the pool runs: Run returns inside this fixed block.
            runX = x + X.Offset;
            runY = y + Y.Offset;
            if (sharedInput is not null)
            {
                transformingInput = true;
                pool.Run(this, Conv.InputTaskCount);
                transformingInput = false;
            }
            pool.Run(this, Conv.TileCount);
        }
    }

    public void Execute(int task, int thread)
    {
        if (transformingInput) Conv.RunInputTask(task, runX, sharedInput!.For(0), threadScratch.For(thread));
        else RunTile(task, runX, runY, threadScratch.For(thread), sharedInput is null ? null : sharedInput.For(0));
    }

    private void RunTile(int tile, float* x, float* y, float* scratch, float* shared) =>
        Conv.RunTile(tile, x, y, scratch, shared, runResidual, residualRuns);
}
