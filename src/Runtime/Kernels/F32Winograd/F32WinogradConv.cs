using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using ShortRowCopy = Cnnrt.Kernels.F32Vector.ShortRowCopy;

namespace Cnnrt.Kernels.F32Winograd;

/// <summary>
/// A 3×3 stride-1 convolution (2-D, group 1, dilation 1, any padding) as Winograd F(4×4, 3×3): each image's output
/// is cut into 4×4 tiles; a block of tiles is transformed into V[36][C][columns] (point, input channel, tile), then
/// 36 GEMMs M_ξ[M×tiles] = U_ξ[M×C]·V_ξ[C×tiles] run on the packed-GEMM micro-kernel (<see cref="F32GemmKernel"/>,
/// channel-major: U_ξ packed once at plan time in panels of MR output channels, a B row is one channel's tiles), and
/// the output transform adds the bias, applies the fused activation and writes the 4×4 tiles into the NCHW output.
/// </summary>
/// <remarks>
/// A tile is (image, block of <see cref="BlockTiles"/> tiles, block of output-channel panels). Its scratch holds V
/// and M of one block (sized so both stay in L2) and the small per-group buffers of the transforms. Tiles of a block
/// are numbered row-major over the image's tile grid, so a block may span tile rows; the columns past the block's last
/// tile are transformed from zeros and never written out. Every output value is computed by the same sequence of
/// operations whatever the blocking and thread count, so results do not depend on either.
/// </remarks>
public sealed unsafe class F32WinogradConv
{
    /// <summary>Floats of V and M per tile block to aim for: 384 KB, within the 512 KB L2 of the machines measured.</summary>
    public const int DefaultScratchFloats = 96 * 1024;
    private const int KBlockLimit = 256;
    private const int Points = WinogradF43.Points;

    private readonly F32GemmKernel kernel;
    private readonly delegate*<float*, float*, nint, void> inputTransform;
    private readonly delegate*<float*, nint, float*, float, float, float, float*, void> outputTransform;
    private readonly int lanes;
    private readonly FusedActivation activation;
    private readonly int batch, channels, outChannels, inHeight, inWidth, outHeight, outWidth, padTop, padLeft;
    private readonly int tilesWide, tilesPerImage, mPadded, panels, blockPanels, kBlock;
    // The last panel's kernel: a 4- or 8-row one where it has that few real rows (ResNet's 64 = 60 + 4 channels on
    // 12-row panels); rows it computes past the real channels land in M's padding rows, which are never read.
    private readonly delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> lastPanelRun;
    // The one-vector form of a 12-row kernel (null for others), for a block's last strip of at most one vector of
    // tiles: ResNet-18's 56×56 layers end in a block of 4 tiles, which a whole strip computed 32 columns for, and on two
    // threads the thread that took that block did the GEMM of four blocks against three (in-process A/B: ResNet-18
    // 14.24 → 14.08 ms on one thread, 9.23 → 9.07 on two, its 56×56 layers 5–17% faster there).
    private readonly F32GemmKernel? narrowKernel;
    private readonly delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> narrowLastPanelRun;
    // Floats between consecutive points of V and of M: a cache line more than the data, so the 36 vectors a
    // transform reads or writes for one group of tiles do not all map to the same L1 set (plain power-of-two
    // strides alias every 4 KB).
    private readonly nint vPointStride, mPointStride;
    // Floats per row of the zero-bordered input window TransformInput gathers from.
    private readonly int windowWidth;
    // Where that window starts in a thread's scratch, from the gather buffer: past gather, column pass and output tile.
    private int WindowOffset => (Points + 24 + 16) * lanes;
    private const int PointSkew = 16;
    private const int WindowOverread = 12;
    private readonly AlignedFloats packedU, packedBias;
    private readonly PinnedOffsets rowOffsets;

    private F32WinogradConv(F32GemmKernel kernel, F32GemmKernel? narrowKernel, delegate*<float*, float*, nint, void> inputTransform,
        delegate*<float*, nint, float*, float, float, float, float*, void> outputTransform, int lanes,
        int batch, int channels, int outChannels, SpatialParams geometry, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        FusedActivation activation, int scratchFloats, int channelBlocks)
    {
        if (!Handles(geometry, 1)) throw new ArgumentException($"Winograd F(4x4,3x3) cannot run {geometry}", nameof(geometry));
        this.kernel = kernel;
        this.inputTransform = inputTransform;
        this.outputTransform = outputTransform;
        this.lanes = lanes;
        this.activation = activation;
        this.batch = batch;
        this.channels = channels;
        this.outChannels = outChannels;
        var (rows, cols) = (geometry.Axes[0], geometry.Axes[1]);
        (inHeight, outHeight, padTop) = (rows.Input, rows.Output, rows.PadBegin);
        (inWidth, outWidth, padLeft) = (cols.Input, cols.Output, cols.PadBegin);
        tilesWide = (outWidth + 3) / 4;
        tilesPerImage = (outHeight + 3) / 4 * tilesWide;

        int mr = kernel.Rows, nr = kernel.Columns;
        mPadded = F32ConvGemm.RoundUp(outChannels, mr);
        panels = mPadded / mr;
        blockPanels = (panels + Math.Max(1, channelBlocks) - 1) / Math.Max(1, channelBlocks);
        ChannelBlocks = (panels + blockPanels - 1) / blockPanels;
        lastPanelRun = kernel.ForRows(outChannels - (panels - 1) * mr, out _);
        this.narrowKernel = narrowKernel;
        if (narrowKernel is not null)
        {
            if (narrowKernel.Rows != mr || 2 * narrowKernel.Columns != nr)
                throw new ArgumentException($"{narrowKernel.Name} is not the one-vector form of {kernel.Name}", nameof(narrowKernel));
            narrowLastPanelRun = narrowKernel.ForRows(outChannels - (panels - 1) * mr, out _);
        }
        kBlock = F32ConvGemm.EvenBlock(channels, KBlockLimit);

        // Blocks of whole NR strips, as large as the scratch target allows, then evened out over the image.
        int most = Math.Max(1, scratchFloats / (Points * (channels + mPadded) * nr)) * nr;
        int blocks = (tilesPerImage + most - 1) / most;
        BlockTiles = F32ConvGemm.RoundUp((tilesPerImage + blocks - 1) / blocks, nr);
        Blocks = (tilesPerImage + BlockTiles - 1) / BlockTiles;
        BlockColumns = BlockTiles;
        var offsets = new nint[channels];
        for (int c = 0; c < channels; c++) offsets[c] = (nint)c * BlockColumns;
        rowOffsets = new PinnedOffsets(offsets);
        vPointStride = (nint)channels * BlockColumns + PointSkew;
        mPointStride = (nint)mPadded * BlockColumns + PointSkew;
        // The input window of a block: the tile rows it spans (at most one more than its tiles fill), 4 rows each, and
        // the 2 rows below; as wide as the tiles reach (the left padding included).
        int tilesHigh = (outHeight + 3) / 4;
        int windowTileRows = Math.Min(tilesHigh, (BlockTiles + tilesWide - 2) / tilesWide + 1);
        windowWidth = tilesWide * 4 + 2;
        // The window and the 12 floats past its last row that GatherFour reads for a tile row's last tiles.
        ScratchLength = (int)(Points * (vPointStride + mPointStride)) + WindowOffset + (windowTileRows * 4 + 2) * windowWidth
            + WindowOverread;

        // U_ξ at [ξ][panel][c][r]: row r of the panel's MR output channels, zero past the last.
        packedU = new AlignedFloats((long)Points * mPadded * channels);
        Span<float> u = stackalloc float[Points];
        var a = packedU.Span;
        for (int m = 0; m < outChannels; m++)
        for (int c = 0; c < channels; c++)
        {
            WinogradF43.TransformFilter(weights.Slice((m * channels + c) * 9, 9), u);
            for (int p = 0; p < Points; p++) a[((p * panels + m / mr) * channels + c) * mr + m % mr] = u[p];
        }
        packedBias = new AlignedFloats(Math.Max(1, outChannels));
        bias.CopyTo(packedBias.Span);
    }

    /// <summary>Whether F(4×4, 3×3) computes this convolution: 2-D, 3×3, stride 1, dilation 1, one group.</summary>
    public static bool Handles(SpatialParams geometry, int group) =>
        group == 1 && geometry.Rank == 2
        && geometry.Axes.All(a => a.Kernel == 3 && a.Stride == 1 && a.Dilation == 1 && a.Input > 0 && a.Output > 0);

    /// <summary>The convolution on a fast ISA path's vectors and GEMM micro-kernel.</summary>
    public static F32WinogradConv For(KernelIsa isa, int batch, int channels, int outChannels, SpatialParams geometry,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, FusedActivation activation,
        int scratchFloats = DefaultScratchFloats, int channelBlocks = 1) =>
        For(new WinogradKernel(isa, OneVector: false), batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks);

    /// <summary>The convolution on the micro-kernel <see cref="WinogradPolicy.KernelFor"/> chose.</summary>
    public static F32WinogradConv For(WinogradKernel choice, int batch, int channels, int outChannels, SpatialParams geometry,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, FusedActivation activation,
        int scratchFloats = DefaultScratchFloats, int channelBlocks = 1) => choice switch
    {
        { Isa: KernelIsa.Avx512, OneVector: true } => Create<F32Vector512Avx512, Vector512<float>>(12, "avx512",
            batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks, oneVector: true),
        { OneVector: true } => throw new ArgumentOutOfRangeException(nameof(choice), choice, "only AVX-512 plans run the one-vector kernel"),
        { Isa: KernelIsa.Vector128 } => Create<F32Vector128, Vector128<float>>(AdvSimd.Arm64.IsSupported ? 12 : 6, "vector128",
            batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks),
        { Isa: KernelIsa.Avx2 } => Create<F32Vector256Avx2, Vector256<float>>(6, "avx2",
            batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks),
        { Isa: KernelIsa.Avx512 } => Create<F32Vector512Avx512, Vector512<float>>(12, "avx512",
            batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks),
        _ => throw new ArgumentOutOfRangeException(nameof(choice), choice, "the reference path has no Winograd kernel"),
    };

    /// <summary>A specific instantiation: also how tests run the 12-row micro-kernel (AVX-512's) on AVX2 or Vector128, and
    /// the 12-row one-vector kernel (<paramref name="oneVector"/>; <paramref name="rows"/> is then 12) on every host.</summary>
    public static F32WinogradConv Create<TOps, TVec>(int rows, string isaName, int batch, int channels, int outChannels,
        SpatialParams geometry, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, FusedActivation activation,
        int scratchFloats = DefaultScratchFloats, int channelBlocks = 1, bool oneVector = false)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        // The GEMM leaves M_ξ untouched by activations: they apply after the output transform.
        var gemm = oneVector
            ? F32GemmKernel.CreateOneVector<TOps, TVec>(ActivationKind.None, isaName)
            : F32GemmKernel.Create<TOps, TVec>(rows, ActivationKind.None, isaName);
        var narrow = !oneVector && rows == 12 ? F32GemmKernel.CreateOneVector<TOps, TVec>(ActivationKind.None, isaName) : null;
        var output = (delegate*<float*, nint, float*, float, float, float, float*, void>)TileActivationDispatch.Visit(
            activation.Kind, new OutputTransform<TOps, TVec>());
        return new F32WinogradConv(gemm, narrow, &F32WinogradTransforms.Input<TOps, TVec>, output, TOps.Count, batch, channels, outChannels, geometry, weights, bias, activation, scratchFloats, channelBlocks);
    }

    /// <summary>The output transform's instantiation for one tile activation.</summary>
    private readonly struct OutputTransform<TOps, TVec> : ITileActivationVisitor where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, nint, float*, float, float, float, float*, void>)&F32WinogradTransforms.Output<TOps, TVec, TAct>;
    }

    /// <summary>The GEMM columns a block of <paramref name="count"/> tiles computes: whole strips, the last one a single
    /// vector where the narrow kernel exists and that covers it.</summary>
    private int Columns(int count)
    {
        int nr = kernel.Columns;
        return narrowKernel is not null && count % nr is > 0 and var rest && rest <= nr / 2
            ? count - rest + nr / 2 : F32ConvGemm.RoundUp(count, nr);
    }

    /// <summary>"winograd F(4x4,3x3) 6x16 avx2": the GEMM micro-kernel it runs on.</summary>
    public string Description => $"winograd F(4x4,3x3) {kernel.Name}";
    public int BlockTiles { get; }
    public int BlockColumns { get; }
    public int Blocks { get; }
    public int ChannelBlocks { get; }
    /// <summary>MR-row panels of output channels: the most channel blocks tiles can be split into.</summary>
    public int Panels => panels;
    /// <summary>The channel blocks that <paramref name="requested"/> yields (equal blocks of whole panels).</summary>
    public int ChannelBlocksFor(int requested)
    {
        int per = (panels + Math.Max(1, requested) - 1) / Math.Max(1, requested);
        return (panels + per - 1) / per;
    }
    public int ScratchLength { get; }
    public int TileCount => batch * Blocks * ChannelBlocks;
    /// <summary>
    /// Input-transform tasks when the tiles of a tile block are split by output channels: the block's V is then
    /// transformed once, by <see cref="RunInputTask"/> in <see cref="ChannelBlocks"/> channel ranges, into a buffer
    /// of <see cref="SharedInputLength"/> floats that every channel block's tile reads (instead of each transforming
    /// all of it again).
    /// </summary>
    public int InputTaskCount => batch * Blocks * ChannelBlocks;
    public long SharedInputLength => (long)batch * Blocks * Points * vPointStride;

    /// <summary>Transforms one channel range of one tile block into <paramref name="sharedInput"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunInputTask(int task, float* x, float* sharedInput, float* scratch)
    {
        int chunk = task % ChannelBlocks, rest = task / ChannelBlocks;
        int block = rest % Blocks, n = rest / Blocks;
        int size = (channels + ChannelBlocks - 1) / ChannelBlocks;
        int c0 = Math.Min(chunk * size, channels), c1 = Math.Min(c0 + size, channels);
        TransformInput(n, block, c0, c1, x, sharedInput + (nint)(n * Blocks + block) * Points * vPointStride,
            scratch + Points * (vPointStride + mPointStride));
    }

    /// <summary>Image n, tiles [block·BlockTiles, +BlockTiles) of its tile grid, one block of output-channel panels.</summary>
    /// <param name="sharedInput">Null: the tile transforms its block's input itself; otherwise the buffer
    /// <see cref="RunInputTask"/> filled.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    /// <param name="residual">With <paramref name="residualRuns"/>: a residual Add the planner folded into this Conv
    /// (same shape as y), applied to each channel's outputs as soon as they are written, while they are in L1.</param>
    public void RunTile(int tile, float* x, float* y, float* scratch, float* sharedInput = null, float* residual = null,
        ResidualRuns? residualRuns = null)
    {
        int channelBlock = tile % ChannelBlocks, rest = tile / ChannelBlocks;
        int block = rest % Blocks, n = rest / Blocks;
        int t0 = block * BlockTiles, count = Math.Min(BlockTiles, tilesPerImage - t0);
        int columns = Columns(count);
        nint ld = BlockColumns;
        float* v = scratch, mBlock = v + Points * vPointStride, gather = mBlock + Points * mPointStride;
        float* columnPass = gather + Points * lanes, outTile = columnPass + 24 * lanes;
        if (sharedInput == null) TransformInput(n, block, 0, channels, x, v, gather);
        else v = sharedInput + (nint)(n * Blocks + block) * Points * vPointStride;

        int panel0 = channelBlock * blockPanels, panel1 = Math.Min(panel0 + blockPanels, panels);
        int mr = kernel.Rows, nr = kernel.Columns;
        var run = kernel.Run;
        for (int p = 0; p < Points; p++)
        {
            float* vp = v + p * vPointStride, mp = mBlock + p * mPointStride;
            float* up = packedU.Pointer + (nint)p * panels * channels * mr;
            for (int pc = 0; pc < channels; pc += kBlock)
            {
                int kc = Math.Min(kBlock, channels - pc);
                int mode = pc > 0 ? F32GemmTile.Accumulate : 0;
                for (int j = 0; j < columns; j += nr)
                {
                    // A last strip of one vector of columns runs on the narrow kernel (Columns rounds to it).
                    bool narrow = columns - j < nr;
                    var full = narrow ? narrowKernel!.Run : run;
                    var last = narrow ? narrowLastPanelRun : lastPanelRun;
                    for (int i = panel0; i < panel1; i++)
                        (i == panels - 1 ? last : full)(up + ((nint)i * channels + pc) * mr, vp + j, rowOffsets.Pointer + pc, kc,
                            mp + (nint)i * mr * ld + j, ld, null, mode, 0, 0);
                }
            }
        }

        int m0 = panel0 * mr, m1 = Math.Min(panel1 * mr, outChannels);
        float alpha = activation.Alpha, beta = activation.Beta;
        for (int m = m0; m < m1; m++)
        {
            float* plane = y + ((nint)n * outChannels + m) * outHeight * outWidth;
            int ty = t0 / tilesWide, tx = t0 % tilesWide;
            for (int g = 0; g < count; g += lanes)
            {
                outputTransform(mBlock + (nint)m * ld + g, mPointStride, columnPass, packedBias.Pointer[m], alpha, beta, outTile);
                for (int l = 0; l < lanes && g + l < count;)
                {
                    // Two to four tiles side by side and inside the plane: four 4×4 transposes, a row of 8–16 outputs
                    // each. Up to four, not only four: 14×14 and 13×13 planes (4 tiles a row, the last cut at the
                    // edge) had scattered every tile alone, and 28×28 three of its 7 a row.
                    int side = ty * 4 + 4 <= outHeight && l + 4 <= lanes
                        ? Math.Min(Math.Min(4, count - g - l), Math.Min(tilesWide - tx, outWidth / 4 - tx)) : 0;
                    if (side > 1)
                    {
                        ScatterFour(outTile + l, ty * 4, tx * 4, plane, side);
                        (l, tx) = (l + side, tx + side);
                    }
                    else
                    {
                        Scatter(outTile + l, ty * 4, tx * 4, plane);
                        (l, tx) = (l + 1, tx + 1);
                    }
                    if (tx == tilesWide) (tx, ty) = (0, ty + 1);
                }
            }
            if (residualRuns is not null) ApplyResidual(n, m, t0, t0 + count, y, residual, residualRuns);
        }
    }

    /// <summary>
    /// y = f(y + r) over what <see cref="RunTile"/> wrote of channel <paramref name="m"/> for tiles [t0, t1): 4-row
    /// bands of the output plane, as few runs as the output allows (rows the block covers whole are one run; a
    /// 14-wide row alone is less than a vector).
    /// </summary>
    private void ApplyResidual(int n, int m, int t0, int t1, float* y, float* r, ResidualRuns runs)
    {
        nint plane = ((nint)n * outChannels + m) * outHeight * outWidth, runStart = plane, runLength = 0;
        for (int ty = t0 / tilesWide; ty * tilesWide < t1; ty++)
        {
            int x0 = Math.Max(t0 - ty * tilesWide, 0) * 4, x1 = Math.Min(Math.Min(t1 - ty * tilesWide, tilesWide) * 4, outWidth);
            for (int oy = ty * 4; oy < Math.Min(ty * 4 + 4, outHeight); oy++)
            {
                nint at = plane + (nint)oy * outWidth + x0;
                if (at != runStart + runLength)
                {
                    if (runLength > 0) runs.Apply(y + runStart, r + runStart, (int)runLength);
                    (runStart, runLength) = (at, 0);
                }
                runLength += x1 - x0;
            }
        }
        if (runLength > 0) runs.Apply(y + runStart, r + runStart, (int)runLength);
    }

    /// <summary>
    /// V of channels [c0, c1) of one tile block. Per channel, the input rows the block's tiles read are first copied
    /// into a zero-bordered window (<see cref="windowWidth"/> wide, the padding included), so that every tile's 6×6
    /// window lies inside it; tiles are then gathered <c>lanes</c> at a time and transformed. Gathering straight from
    /// the image took a bounds-checked path for every tile at its border (a quarter of 56×56's tiles, half of 28×28's,
    /// three quarters of 14×14's) and for the padding lanes, and the gather was 40% of a 56×56 layer.
    /// </summary>
    private void TransformInput(int n, int block, int c0, int c1, float* x, float* v, float* gather)
    {
        int t0 = block * BlockTiles, count = Math.Min(BlockTiles, tilesPerImage - t0);
        int columns = Columns(count);
        int ty0 = t0 / tilesWide, windowRows = ((t0 + count - 1) / tilesWide - ty0 + 1) * 4 + 2;
        int firstRow = ty0 * 4 - padTop;
        float* window = gather + WindowOffset;
        // The window's columns outside [padLeft, padLeft + inWidth), and the floats past its last row that a tile row's
        // last gather reads, are the zero padding; the channels' rows below never write them. Cleared here, not once:
        // the scratch is shared with the plan's other steps (ScratchSpace), which leave their own data in it.
        int rightPad = windowWidth - padLeft - inWidth;
        for (int r = 0; r < windowRows; r++)
        {
            float* row = window + (nint)r * windowWidth;
            new Span<float>(row, padLeft).Clear();
            new Span<float>(row + padLeft + inWidth, rightPad).Clear();
        }
        new Span<float>(window + (nint)windowRows * windowWidth, WindowOverread).Clear();
        for (int c = c0; c < c1; c++)
        {
            float* plane = x + ((nint)n * channels + c) * inHeight * inWidth;
            for (int r = 0; r < windowRows; r++)
            {
                float* row = window + (nint)r * windowWidth + padLeft;
                int iy = firstRow + r;
                if ((uint)iy < (uint)inHeight) ShortRowCopy.Copy(plane + (nint)iy * inWidth, row, inWidth);
                else new Span<float>(row, inWidth).Clear();
            }
            int ty = ty0, tx = t0 % tilesWide;
            for (int g = 0; g < columns; g += lanes)
            {
                // Four lanes at a time wherever four fit the vector, also where fewer tiles are left in the tile row
                // or the block: the lanes past them get the window's next columns (or its padding), and the next
                // tiles overwrite them or, past the block's last tile, nothing reads their columns of M. (Gathered
                // one at a time before: a tile row's last tiles, 3 of the 7 at 28×28.)
                for (int l = 0; l < lanes && g + l < count;)
                {
                    float* from = window + (nint)(ty - ty0) * 4 * windowWidth + tx * 4;
                    if (l + 4 <= lanes)
                    {
                        GatherFour(from, gather + l);
                        int gathered = Math.Min(Math.Min(4, count - g - l), tilesWide - tx);
                        (l, tx) = (l + gathered, tx + gathered);
                    }
                    else
                    {
                        Gather(from, gather + l);
                        (l, tx) = (l + 1, tx + 1);
                    }
                    if (tx == tilesWide) (tx, ty) = (0, ty + 1);
                }
                inputTransform(gather, v + (nint)c * BlockColumns + g, vPointStride);
            }
        }
    }

    /// <summary>Copies the 6×6 window at <paramref name="from"/> (rows <see cref="windowWidth"/> apart) into lane 0 of
    /// <paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Gather(float* from, float* to)
    {
        nint n = lanes;
        for (int r = 0; r < 6; r++, from += windowWidth, to += 6 * n)
        {
            to[0] = from[0]; to[n] = from[1]; to[2 * n] = from[2];
            to[3 * n] = from[3]; to[4 * n] = from[4]; to[5 * n] = from[5];
        }
    }

    /// <summary>
    /// <see cref="Gather"/> for four tiles side by side in one tile row, into lanes 0–3 of <paramref name="to"/>: per
    /// window row, their first four columns are one 4×4 transpose of the row's 16 floats (tile q's columns 4q..4q+3),
    /// the last two of each tile the first two moved down a lane (<see
    /// cref="F32Vector.F32Vector128.TransposeOverlappingWindows"/>; copied one float at a time they were 23 of a 56×56
    /// layer's 148 µs of input transform). The scalar gather, 72 loads and stores a tile, was half of a 56×56 layer's
    /// input transform (ResNet-18: 130 of 250 µs, in-process with the gather skipped), and the scalar scatter of the
    /// outputs a third to a half of its output transform. Both four tiles at a time (this and <see cref="ScatterFour"/>),
    /// in-process A/B, min of 8 medians: ResNet-18 15.07 → 14.36 ms on one thread (56×56 layers 14–17% faster) and
    /// 9.64 → 9.03 on two, SqueezeNet 1.1 3.51 → 3.33 ms, the Fashion CNN 56.8 → 53.8 µs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void GatherFour(float* from, float* to)
    {
        nint n = lanes;
        for (int r = 0; r < 6; r++, from += windowWidth, to += 6 * n)
            F32Vector.F32Vector128.TransposeOverlappingWindows(ref *from, ref *to, n);
    }

    /// <summary>
    /// <see cref="Scatter"/> for lanes 0 to <paramref name="tiles"/> − 1 (2 to 4 tiles) of <paramref name="from"/>, tiles
    /// side by side whose outputs all lie in the plane: each of the 4 output rows is a 4×4 transpose (value j of tile q
    /// to column 4q + j), of which the first <paramref name="tiles"/> vectors are stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScatterFour(float* from, int oy, int ox, float* plane, int tiles)
    {
        nint n = lanes;
        float* to = plane + (nint)oy * outWidth + ox;
        for (int i = 0; i < 4; i++, to += outWidth, from += 4 * n)
            F32Vector.F32Vector128.TransposeFirstColumns(ref *from, n, ref *to, 4, tiles);
    }

    /// <summary>Writes lane 0 of a transformed tile to the output plane at (<paramref name="oy"/>, <paramref name="ox"/>),
    /// cut at the bottom and right edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Scatter(float* from, int oy, int ox, float* plane)
    {
        nint n = lanes;
        float* to = plane + (nint)oy * outWidth + ox;
        if (oy + 4 <= outHeight && ox + 4 <= outWidth)
        {
            for (int i = 0; i < 4; i++, to += outWidth, from += 4 * n)
            {
                to[0] = from[0]; to[1] = from[n]; to[2] = from[2 * n]; to[3] = from[3 * n];
            }
            return;
        }
        int rows = Math.Min(4, outHeight - oy), cols = Math.Min(4, outWidth - ox);
        for (int i = 0; i < rows; i++, to += outWidth)
        for (int j = 0; j < cols; j++)
        {
            to[j] = from[(i * 4 + j) * n];
        }
    }
}
