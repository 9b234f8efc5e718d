using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Cnnrt.Operators;
using ShortRowCopy = Cnnrt.Kernels.F32Vector.ShortRowCopy;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A convolution as one GEMM per image and group with output pixels as rows: Cᵀ[N×M] = Bᵀ[N×K]·Aᵀ[K×M]. Each tile is
/// 6 output pixels × NR output channels (<see cref="F32ConvMicroKernelPixels6x2V"/>), so the pixel count is padded
/// to 6 instead of the layout's virtual columns to NR: the better lowering for the small output planes of late CNN
/// layers (7×7: 49 pixels → 54 rows here, against 63 virtual columns → 64 in <see cref="F32ConvGemm"/>).
/// </summary>
/// <remarks>
/// Weights are packed once in the order the tiles stream them, [group][K block][strip][kc][NR] (strips of NR output
/// channels, zero past the group's last), so a tile's weights of one K block are one contiguous run. Pixels are read
/// in place from the <see cref="ConvPhaseLayout"/> through a table of their offsets (the last panel repeats the last
/// pixel): virtual columns of the staged input, or, where every window lies inside X, places in X itself, strides
/// included, so such a strided convolution (a 1×1 stride-2 shortcut, an unpadded stem) stages nothing. A tile is
/// (image, group, block of pixel panels, block of channel strips); K is split into blocks as in
/// <see cref="F32ConvGemm"/>, with the partial sums of the tile's pixels × strips in scratch, transposed into
/// the NCHW output once the last block is done. A pixel block is the whole plane whenever one strip of it fits the
/// scratch, and the channels are split instead: each weight is then read from memory once per image, and reused
/// from L1 across all the plane's panels. Splitting pixels would stream all weights once per pixel block — the late
/// 1×1 layers hold 0.6–1.6 MB of weights that, inside a whole model, come from DRAM: 320→1280 at 7×7 split into 5
/// pixel blocks ran 1.4× slower than one block (measured on AVX2 in a 10-layer chain whose weights miss L3).
/// With a <see cref="TileMaxPool"/> the pixel blocks are whole rows of pooling windows, each computing the convolution
/// rows they read (rows shared by two blocks' windows are computed by both), each block is pooled from its scratch
/// once its last K block is done, and only the pooled pixels are transposed into Y, the pool's output.
/// <para>
/// Either side may be channel-blocked instead (<see cref="ChannelBlockedLayout"/>, one group, no pool): a blocked
/// pointwise input is read in place through its own pixel and tap offsets (pixel p at p·L, channel c at its block's
/// plane + c mod L), and a blocked output takes each pixel's L-channel vectors straight from the tile's rows, no
/// transpose.
/// </para>
/// </remarks>
public sealed unsafe class F32ConvPixelGemm : IF32ConvLowering
{
    /// <summary>
    /// Most floats of one strip's weights in one K block (kc × NR): 16 KB, so that a tile's current chunk, which every
    /// panel of the plane reads from L1, and the next one, prefetched meanwhile (see <see cref="PrefetchShare"/>), fit
    /// L1 together with the input. Caps AVX-512's K blocks at 128 (256 × 32 floats, 32 KB, left the next chunk
    /// nowhere to go: prefetching it then made ResNet-18's 7×7 512→512 layers 1.59 → 1.78–1.83 ms); AVX2's and
    /// 128-bit kernels' blocks of at most 256 stay as they were.
    /// </summary>
    private const int ChunkFloats = 4096;

    /// <summary>Most pixels of a plane's last panel that run through the one-pixel kernel (each about a quarter of a
    /// 6-pixel panel's time).</summary>
    private const int TailPixels = 2;

    private readonly F32GemmKernel kernel;
    private readonly FusedActivation activation;
    private readonly int outChannels, groupOut, outPlane, strips, mPadded, blockStrips;
    private readonly bool halfLastStrip;
    private readonly AlignedFloats packedWeights, packedBias;
    // The pixels' virtual columns, block by block: each block's panels, the last one padded with its last pixel.
    private readonly PinnedOffsets pixels;
    // Per pixel block: where its panels start in `pixels`, how many, its real pixels and the first one.
    private readonly int[] blockTable, blockPanelCount, blockReal, blockPixel0;
    // A MaxPool taken over the tiles before they are stored (null: the convolution output itself is stored): each
    // block's pooled rows [blockPooled0, blockPooled1), pooled in scratch past the tiles (at pooledScratch).
    private readonly TileMaxPool? maxPool;
    private readonly int[] blockPooled0 = [], blockPooled1 = [];
    private readonly int storedPlane, pooledScratch;
    // Channel-blocked input or output (0: NCHW), see ChannelBlockedLayout; the tap offsets the tiles read (the
    // layout's, or a blocked input's), and floats per image of the input and of Y.
    private readonly int inputLanes, outputLanes;
    private readonly PinnedOffsets offsets;
    private readonly nint inputImage, outputImage;

    public F32ConvPixelGemm(F32GemmKernel kernel, ConvPhaseLayout layout, int outChannels, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, FusedActivation activation, int kBlock = F32ConvGemm.DefaultKBlock,
        int scratchFloats = F32ConvGemm.DefaultScratchFloats, int channelBlocks = 1, TileMaxPool? maxPool = null,
        int inputLanes = 0, int outputLanes = 0)
    {
        if (!kernel.HasPixelKernels)
            throw new ArgumentException($"{kernel.Name} is a GEMM-only kernel: it has no pixel-major form", nameof(kernel));
        if (inputLanes > 0 && !ReadsBlocked(layout))
            throw new ArgumentException("a channel-blocked input needs a stride-1 unpadded pointwise convolution of one group read in place", nameof(inputLanes));
        if (outputLanes > 0 && (layout.Group != 1 || maxPool is not null || kernel.Columns % outputLanes != 0))
            throw new ArgumentException("a channel-blocked output needs one group, no fused pool and whole blocks per strip", nameof(outputLanes));
        this.kernel = kernel;
        this.inputLanes = inputLanes;
        this.outputLanes = outputLanes;
        this.activation = activation;
        Layout = layout;
        this.outChannels = outChannels;
        groupOut = outChannels / layout.Group;
        outPlane = layout.OutHeight * layout.OutWidth;
        int nr = kernel.Columns, pr = kernel.PixelRows, k = layout.K;
        mPadded = F32ConvGemm.RoundUp(groupOut, nr);
        strips = mPadded / nr;
        // The last strip's real channels fit the first of its two vectors: the one-vector kernel runs it.
        halfLastStrip = groupOut % nr is > 0 and var rest && rest <= nr / 2;
        int pixelPanels = (outPlane + pr - 1) / pr;
        int blockPanels = Math.Clamp(scratchFloats / (pr * nr), 1, Math.Max(1, pixelPanels));
        this.maxPool = maxPool;
        storedPlane = maxPool is null ? outPlane : maxPool.Height * maxPool.Width;
        if (maxPool is null)
        {
            // As many blocks as the scratch needs, evened out: 131 panels in blocks of at most 85 are 66 + 65, not
            // 85 + 46, which on two threads left one with 65% of the work (and reading rows the other had staged).
            Blocks = (pixelPanels + blockPanels - 1) / blockPanels;
            blockPanels = (pixelPanels + Blocks - 1) / Blocks;
            (blockTable, blockPanelCount, blockReal, blockPixel0) = (new int[Blocks], new int[Blocks], new int[Blocks], new int[Blocks]);
            for (int b = 0; b < Blocks; b++)
            {
                blockTable[b] = blockPixel0[b] = b * blockPanels * pr;
                blockPanelCount[b] = Math.Min(blockPanels, pixelPanels - b * blockPanels);
                blockReal[b] = Math.Min(blockPanelCount[b] * pr, outPlane - blockPixel0[b]);
            }
        }
        else
        {
            // Blocks of whole pooled rows, evened out, each computing the convolution rows its windows read (rows that
            // two blocks' windows share are computed by both).
            int rows = maxPool.RowsPerBlock(blockPanels * pr);
            Blocks = (maxPool.Height + rows - 1) / rows;
            rows = (maxPool.Height + Blocks - 1) / Blocks;
            Blocks = (maxPool.Height + rows - 1) / rows;
            (blockTable, blockPanelCount, blockReal, blockPixel0) = (new int[Blocks], new int[Blocks], new int[Blocks], new int[Blocks]);
            (blockPooled0, blockPooled1) = (new int[Blocks], new int[Blocks]);
            for (int b = 0, start = 0; b < Blocks; b++)
            {
                blockPooled0[b] = b * rows;
                blockPooled1[b] = Math.Min(maxPool.Height, blockPooled0[b] + rows);
                var (first, end) = maxPool.ConvRows(blockPooled0[b], blockPooled1[b]);
                blockPixel0[b] = first * layout.OutWidth;
                blockReal[b] = (end - first) * layout.OutWidth;
                blockPanelCount[b] = (blockReal[b] + pr - 1) / pr;
                blockTable[b] = start;
                start += blockPanelCount[b] * pr;
            }
            blockPanels = blockPanelCount.Max();
        }
        KBlock = F32ConvGemm.EvenBlock(k, Math.Min(kBlock, Math.Max(1, ChunkFloats / nr)));
        int fitting = Math.Clamp(scratchFloats / (blockPanels * pr * nr), 1, strips);
        // Equal channel blocks: as many as the scratch (or the pool's channelBlocks) needs, strips spread evenly.
        int splits = Math.Max((strips + fitting - 1) / fitting, Math.Min(Math.Max(1, channelBlocks), strips));
        blockStrips = (strips + splits - 1) / splits;
        ChannelBlocks = (strips + blockStrips - 1) / blockStrips;

        var table = new nint[blockTable[^1] + blockPanelCount[^1] * pr];
        for (int b = 0; b < Blocks; b++)
        for (int i = 0; i < blockPanelCount[b] * pr; i++)
        {
            int pixel = blockPixel0[b] + Math.Min(i, blockReal[b] - 1);
            table[blockTable[b] + i] = layout.PixelOffset(pixel / layout.OutWidth, pixel % layout.OutWidth) * Math.Max(1, inputLanes);
        }
        pixels = new PinnedOffsets(table);
        int inPlane = layout.Height * layout.Width;
        if (inputLanes > 0)
        {
            var blocked = new nint[k];
            for (int c = 0; c < k; c++) blocked[c] = ((nint)(c / inputLanes) * inPlane) * inputLanes + c % inputLanes;
            offsets = new PinnedOffsets(blocked);
            inputImage = (nint)ChannelBlockedLayout.Blocks(layout.Channels, inputLanes) * inputLanes * inPlane;
        }
        else offsets = layout.Offsets;
        outputImage = outputLanes > 0
            ? (nint)ChannelBlockedLayout.Blocks(outChannels, outputLanes) * outputLanes * outPlane
            : (nint)outChannels * storedPlane;

        // W at [group][K block][strip][k - pc][j]: output channel strip·NR + j of the group, zero past its last.
        packedWeights = new AlignedFloats((long)layout.Group * mPadded * k);
        var w = packedWeights.Span;
        for (int g = 0; g < layout.Group; g++)
        for (int m = 0; m < groupOut; m++)
        {
            var row = weights.Slice((g * groupOut + m) * k, k);
            for (int p = 0; p < k; p++)
            {
                int pc = p / KBlock * KBlock, kc = Math.Min(KBlock, k - pc);
                w[g * mPadded * k + pc * mPadded + (m / nr * kc + p - pc) * nr + m % nr] = row[p];
            }
        }
        packedBias = new AlignedFloats((long)layout.Group * mPadded);
        for (int g = 0; g < layout.Group && !bias.IsEmpty; g++)
            bias.Slice(g * groupOut, groupOut).CopyTo(packedBias.Span.Slice(g * mPadded));
        // [the block's tiles][its pooled pixels], one row of the tile's channels (RowStride) each.
        pooledScratch = blockPanels * pr * RowStride(blockStrips * nr);
        int pooledRows = maxPool is null ? 0 : blockPooled1.Zip(blockPooled0, (end, first) => end - first).Max() * maxPool.Width;
        ScratchLength = pooledScratch + pooledRows * RowStride(blockStrips * nr);
    }

    /// <summary>Whether a channel-blocked input can feed this lowering: a stride-1 unpadded pointwise convolution of
    /// one group, read in place.</summary>
    public static bool ReadsBlocked(ConvPhaseLayout layout) =>
        layout.TapsPerChannel == 1 && !layout.Strided && layout.Group == 1 && layout.WindowsInside;

    public ConvPhaseLayout Layout { get; }
    public string Description => $"{kernel.PixelRows}x{kernel.Columns} {kernel.Name.Split(' ')[^1]} pixel-major";
    public int KBlock { get; }
    public int Blocks { get; }
    /// <summary>How many tiles share one pixel block, each with its own range of output-channel strips.</summary>
    public int ChannelBlocks { get; }
    public int ScratchLength { get; }
    public int TileCount => Layout.Batch * Layout.Group * Blocks * ChannelBlocks;

    /// <summary>Multiply-adds issued per image, padding included (see <see cref="F32ConvGemm.PaddedWork"/>); a last strip
    /// of at most one vector of real channels (the one-vector kernel's) counts <see cref="HalfStripShare"/> of a strip.</summary>
    public static double PaddedWork(F32GemmKernel kernel, ConvPhaseLayout layout, int groupOut)
    {
        int nr = kernel.Columns, rest = groupOut % nr;
        double strips = rest > 0 && rest <= nr / 2 ? groupOut / nr + HalfStripShare : (groupOut + nr - 1) / nr;
        return (double)F32ConvGemm.RoundUp(layout.OutHeight * layout.OutWidth, kernel.PixelRows) * strips * nr * layout.K * layout.Group;
    }

    /// <summary>
    /// What a last strip run by the one-vector kernel costs, as a share of a whole strip's time: EfficientNet-B0's
    /// 480→80 at 14×14 (two strips and a half) ran 83.5 µs with three whole strips and 75.0 with the last one half, 0.7
    /// of the 27.8 µs a whole strip took. Counting it moved LeNet-5's 6→16 5×5 and two of MobileNetV3-Small's 14×14
    /// projections pixel-major and let EfficientNet-B0's 14×14 projections keep their outputs channel-blocked
    /// (in-process A/B, min of 15 rounds of 200 runs, both orders: LeNet-5 15.63/15.84 → 14.44/14.83 µs, EfficientNet-B0
    /// 6859/7604 → 6835/7549 µs, MobileNetV3-Small 1052/1115 → 1007/1118 µs).
    /// </summary>
    private const double HalfStripShare = 0.7;

    /// <summary>
    /// Floats from one scratch row (pixel) to the next: the row's channels rounded up to whole 64-byte lines, and to an
    /// odd number of lines. A strip's column of scratch is one line per pixel, and at an even stride in lines those
    /// lines share a fraction of the L1 sets: at 256 channels (16 lines) the 54 rows of a 7×7 plane fell into 4 of 64
    /// sets and missed L1 on every access (320→1280 at 7×7: 0.53 ms against 0.43 ms at 6×8, 8 panels of 320 channels).
    /// </summary>
    private static int RowStride(int channels)
    {
        int lines = (channels + 15) / 16;
        return (lines | 1) * 16;
    }

    /// <summary>Image n, group g, one pixel block's panels, one block of the group's strips.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunTile(int tile, float* source, float* y, float* tileScratch)
    {
        var (n, g, block, channelBlock) = ConvTile.Of(tile, ChannelBlocks, Blocks, Layout.Group);
        int strip0 = channelBlock * blockStrips, strip1 = Math.Min(strip0 + blockStrips, strips);
        int nr = kernel.Columns, pr = kernel.PixelRows, k = Layout.K;
        int panels = blockPanelCount[block], real = blockReal[block];
        float* src = inputLanes > 0 ? source + n * inputImage : Layout.GroupStart(source, n, g);
        nint* pixelTable = pixels.Pointer + blockTable[block];
        float* wGroup = packedWeights.Pointer + (nint)g * mPadded * k;
        float* biasGroup = packedBias.Pointer + (nint)g * mPadded;
        // Scratch rows are the tile's pixels, each the tile's strips wide (and padded, see RowStride).
        nint ldc = RowStride((strip1 - strip0) * nr);
        var run = kernel.RunPixels;
        var runOne = kernel.RunPixel;
        // A last panel of at most TailPixels real pixels runs them one by one instead of padding it to 6.
        bool tail = real % pr is > 0 and <= TailPixels;
        int fullPanels = tail ? panels - 1 : panels, tailEnd = tail ? real : 0;
        float alpha = activation.Alpha, beta = activation.Beta;

        for (int pc = 0; pc < k; pc += KBlock)
        {
            int kc = Math.Min(KBlock, k - pc);
            int mode = (pc > 0 ? F32GemmTile.Accumulate : 0) | (pc + kc == k ? F32GemmTile.Finish : 0);
            nint* off = offsets.Pointer + pc;
            for (int j = strip0; j < strip1; j++)
            {
                float* w = wGroup + (nint)pc * mPadded + (nint)j * kc * nr;
                float* bias = biasGroup + j * nr;
                float* c = tileScratch + (nint)(j - strip0) * nr;
                var runStrip = j == strips - 1 && halfLastStrip ? kernel.RunPixelsHalf : run;
                // The tile's next chunk of weights: this K block's next strip, or the next K block's first.
                int nextKc = j + 1 < strip1 ? kc : Math.Min(KBlock, k - pc - kc);
                float* next = j + 1 < strip1 ? w + (nint)kc * nr : wGroup + (nint)(pc + kc) * mPadded + (nint)strip0 * nextKc * nr;
                nint nextLines = fullPanels > 1 && nextKc > 0 ? ((nint)nextKc * nr + LineFloats - 1) / LineFloats : 0;
                nint share = (nextLines + fullPanels - 1) / Math.Max(1, fullPanels);
                for (int i = 0; i < fullPanels; i++)
                {
                    PrefetchShare(next, i * share, Math.Min(nextLines, (i + 1) * share));
                    runStrip(src, pixelTable + i * pr, off, kc, w, c + i * pr * ldc, ldc, bias, mode, alpha, beta);
                }
                for (int t = fullPanels * pr; t < tailEnd; t++)
                    runOne(src, pixelTable + t, off, kc, w, c + t * ldc, ldc, bias, mode, alpha, beta);
            }
        }

        int m0 = strip0 * nr, m1 = Math.Min(strip1 * nr, groupOut);
        if (outputLanes > 0)
        {
            BlockOut(tileScratch, ldc, y + n * outputImage, m0, m1, blockPixel0[block], real);
            return;
        }
        float* yGroup = y + n * outputImage + (nint)g * groupOut * storedPlane;
        if (maxPool is null)
        {
            TransposeOut(tileScratch, ldc, yGroup + blockPixel0[block], m0, m1, real, outPlane);
            return;
        }
        // The block holds every convolution row its pooled rows read: pool them, then store the pooled pixels.
        int p0 = blockPooled0[block], p1 = blockPooled1[block], width = maxPool.Width;
        float* pooled = tileScratch + pooledScratch;
        maxPool.Pool(tileScratch, ldc, (strip1 - strip0) * nr, blockPixel0[block] / Layout.OutWidth, p0, p1, pooled);
        TransposeOut(pooled, ldc, yGroup + p0 * width, m0, m1, (p1 - p0) * width, storedPlane);
    }

    private const int LineFloats = 16;

    /// <summary>
    /// Prefetches lines [first, end) of the chunk at <paramref name="chunk"/> towards L2, a share per panel of the chunk
    /// before it, so that the next chunk arrives while this one is computed. A plane's first panel reads each chunk from
    /// wherever it is, and for the late layers that is L3 or DRAM (1.2–9.4 MB of weights, read once per run): without
    /// this, that panel ran at memory speed and the others waited (MobileNetV2's 960→320 at 7×7 ran 0.150 ms alone and
    /// 0.202 in the model). In-model A/B on AVX-512, min of 8 medians, K blocks capped at 128 in both: MobileNetV2's 7×7
    /// layers 7–14% faster (4.53 → 4.43 ms whole), ResNet-18's 7×7 512→512 8–9% (15.69 → 15.27 ms). No-op without SSE
    /// (.NET has no prefetch intrinsic for ARM64).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchShare(float* chunk, nint first, nint end)
    {
        if (!Sse.IsSupported) return;
        for (nint line = first; line < end; line++) Sse.Prefetch1(chunk + line * LineFloats);
    }

    /// <summary>The input rows [start, end) of its image that <paramref name="tile"/>'s windows read.</summary>
    public (int Start, int End) TileInputRows(int tile)
    {
        int block = ConvTile.Of(tile, ChannelBlocks, Blocks, Layout.Group).Block;
        int first = blockPixel0[block], last = first + blockReal[block] - 1;
        return Layout.InputRows(first / Layout.OutWidth, last / Layout.OutWidth + 1);
    }

    public void TileOutputs(int tile, out int n, out int m0, out int m1, out int p0, out int p1)
    {
        (n, int g, int block, int channelBlock) = ConvTile.Of(tile, ChannelBlocks, Blocks, Layout.Group);
        int strip0 = channelBlock * blockStrips, strip1 = Math.Min(strip0 + blockStrips, strips);
        m0 = g * groupOut + strip0 * kernel.Columns;
        m1 = g * groupOut + Math.Min(strip1 * kernel.Columns, groupOut);
        (p0, p1) = maxPool is null
            ? (blockPixel0[block], blockPixel0[block] + blockReal[block])
            : (blockPooled0[block] * maxPool.Width, blockPooled1[block] * maxPool.Width);
    }

    /// <summary>
    /// Copies the block's real pixels, rows of <paramref name="scratch"/> (channels [m0, m1) of the tile, m0 on a
    /// block boundary), into the channel blocks of the image at <paramref name="to"/>: each pixel's L channels of a block
    /// are one vector of its row, stored at the pixel's place in the block's plane. The last block's lanes past m1
    /// get the tile's values there (zero weights and bias: the activation of 0).
    /// </summary>
    private void BlockOut(float* scratch, nint ldc, float* to, int m0, int m1, int pixel0, int pixels)
    {
        int lanes = outputLanes;
        for (int m = m0; m < m1; m += lanes)
        {
            float* from = scratch + (m - m0), into = to + ((nint)(m / lanes) * outPlane + pixel0) * lanes;
            for (int p = 0; p < pixels; p++, from += ldc, into += lanes) ShortRowCopy.Copy(from, into, lanes);
        }
    }

    /// <summary>
    /// Copies the block's real pixels, rows of <paramref name="scratch"/> (channels [m0, m1) of the tile, starting at
    /// its channel strip0·NR), into the channel planes at <paramref name="to"/>: by 8×8 (4×4 on 128-bit hardware)
    /// register transposes, the ragged edges element by element. It was a scalar loop: 320→1280 and 192→1024 at 7×7
    /// are 7–10% faster this way (AVX2). <paramref name="plane"/>: floats per output channel plane.
    /// </summary>
    private void TransposeOut(float* scratch, nint ldc, float* to, int m0, int m1, int pixels, nint plane)
    {
        // The kernel's vector width picks the block, so the 128-bit kernels (ARM64's) run the 4×4 form on x64 tests too.
        int block = kernel.Columns > 8 && Vector256.IsHardwareAccelerated ? 8 : Vector128.IsHardwareAccelerated ? 4 : 1;
        int mFull = m0 + (m1 - m0) / block * block, pFull = block > 1 ? pixels / block * block : 0;
        for (int m = m0; m < mFull && pFull > 0; m += block)
        {
            ref float from = ref *(scratch + (m - m0)), into = ref *(to + (nint)m * plane);
            for (int p = 0; p < pFull; p += block)
            {
                if (block == 8)
                    F32Vector.F32Vector256.Transpose(ref Unsafe.Add(ref from, (nint)p * ldc), ldc, ref Unsafe.Add(ref into, p), plane);
                else
                    F32Vector.F32Vector128.Transpose(ref Unsafe.Add(ref from, (nint)p * ldc), ldc, ref Unsafe.Add(ref into, p), plane);
            }
        }
        for (int m = m0; m < m1; m++)
        {
            float* row = to + (nint)m * plane, column = scratch + (m - m0);
            for (int p = m < mFull ? pFull : 0; p < pixels; p++) row[p] = column[(nint)p * ldc];
        }
    }
}
