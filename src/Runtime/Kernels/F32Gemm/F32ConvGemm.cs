using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A 1-D or 2-D float32 convolution lowered to one GEMM per image and group, C[M×N] = A[M×K]·B[K×N] with M the
/// group's output channels, K = (C/group)·kh·kw and N the output pixels, without an im2col matrix.
/// </summary>
/// <remarks>
/// <para><b>Shifted windows instead of im2col.</b> The input is viewed in a "phase" layout: for strides sh×sw each
/// channel is split into sh·sw planes (the rows ≡ a mod sh and columns ≡ b mod sw of the padded input), each
/// <see cref="PhaseRows"/>×<see cref="PhaseCols"/>. Output pixel (oh, ow) becomes the virtual column
/// q = oh·PhaseCols + ow, and tap (c, kh, kw) reads plane (kh·dh mod sh, kw·dw mod sw) of channel c at
/// q + (kh·dh div sh)·PhaseCols + (kw·dw div sw): row k of B is the input shifted by a constant offset. The
/// micro-kernel reads B through that per-k offset table, so the K×N matrix is never materialized; the per-run cost is
/// one copy of the input into the padded phase layout (skipped for stride-1 unpadded convolutions, which read the
/// NCHW input in place — 1×1 convolutions become a plain GEMM on it). Virtual columns with ow ≥ OW are computed and
/// discarded: the kernel writes the block into scratch and a compaction copies the real pixels out, unless
/// PhaseCols = OW (no horizontal window), where tiles are stored straight into the NCHW output.</para>
/// <para><b>Blocking.</b> Weights are packed once into panels of MR rows, [group][panel][K][MR] (last panel
/// zero-padded), so each k is MR consecutive broadcasts. Work is cut into tiles (image, group, block of
/// <see cref="BlockColumns"/> virtual columns); inside a tile K is split into blocks of at most
/// <see cref="KBlock"/> so the NR-wide strip of B the kernel streams over the M panels stays in L1 (GotoBLAS' KC).
/// Tiles are independent given the staged input: a worker pool can run <see cref="Stage"/> over
/// <see cref="StageCount"/> channels, then <see cref="RunTile"/> over <see cref="TileCount"/> tiles, each thread with
/// its own scratch of <see cref="ScratchLength"/> floats.</para>
/// </remarks>
public sealed unsafe class F32ConvGemm
{
    /// <summary>Most k per micro-kernel call: a 16-wide strip of B is kc·64 bytes (128 when unaligned) — L1-resident.</summary>
    public const int DefaultKBlock = 256;
    /// <summary>Target floats of one tile's scratch (partial sums of all M rows of a column block): 64 KB, L2-resident.</summary>
    public const int DefaultScratchFloats = 16384;

    private readonly F32GemmKernel kernel;
    private readonly FusedActivation activation;
    private readonly int batch, channels, outChannels, group, groupChannels, groupOut;
    private readonly int height, width, outHeight, outWidth, strideH, strideW, padTop, padLeft;
    private readonly bool[] rowPhaseUsed, colPhaseUsed;
    private readonly int planeSize, phasePlane, mPadded, panels, outPlane;
    private readonly AlignedFloats packedWeights, packedBias, scratch;
    private readonly AlignedFloats? staged;
    private readonly PinnedOffsets offsets;

    /// <param name="geometry">1 or 2 spatial axes.</param>
    /// <param name="weights">[M, C/group, kernel...] as ONNX stores it.</param>
    /// <param name="bias">[M], or empty.</param>
    /// <param name="readableInput">Floats readable from the start of X (its slot and whatever follows it in the
    /// same array): decides whether an unpadded stride-1 convolution may read X in place, including the garbage
    /// columns past the last pixel of the last block.</param>
    public F32ConvGemm(F32GemmKernel kernel, int batch, int channels, int outChannels, int group, SpatialParams geometry,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, FusedActivation activation, long readableInput,
        int kBlock = DefaultKBlock, int scratchFloats = DefaultScratchFloats)
    {
        if (geometry.Rank is < 1 or > 2) throw new ArgumentException("only 1-D and 2-D convolutions lower to this GEMM", nameof(geometry));
        this.kernel = kernel;
        this.activation = activation;
        this.batch = batch;
        this.channels = channels;
        this.outChannels = outChannels;
        this.group = group;
        groupChannels = channels / group;
        groupOut = outChannels / group;
        SpatialAxis ah = geometry.Axis3(1), aw = geometry.Axis3(2);
        height = ah.Input; width = aw.Input;
        outHeight = ah.Output; outWidth = aw.Output;
        strideH = ah.Stride; strideW = aw.Stride;
        padTop = ah.PadBegin; padLeft = aw.PadBegin;
        int kh = ah.Kernel, kw = aw.Kernel, dh = ah.Dilation, dw = aw.Dilation;
        outPlane = outHeight * outWidth;

        // Phase planes: large enough for every input pixel and for every tap of every real output pixel.
        PhaseRows = Math.Max(outHeight - 1 + (kh - 1) * dh / strideH, (height - 1 + padTop) / strideH) + 1;
        PhaseCols = Math.Max(outWidth - 1 + (kw - 1) * dw / strideW, (width - 1 + padLeft) / strideW) + 1;
        rowPhaseUsed = new bool[strideH];
        colPhaseUsed = new bool[strideW];
        for (int i = 0; i < kh; i++) rowPhaseUsed[i * dh % strideH] = true;
        for (int j = 0; j < kw; j++) colPhaseUsed[j * dw % strideW] = true;
        bool unpadded = strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && PhaseRows == height && PhaseCols == width;
        phasePlane = PhaseRows * PhaseCols;
        planeSize = strideH * strideW * phasePlane;

        K = groupChannels * kh * kw;
        var offs = new nint[K];
        for (int c = 0, k = 0; c < groupChannels; c++)
        for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++, k++)
        {
            int phase = i * dh % strideH * strideW + j * dw % strideW;
            offs[k] = (nint)c * planeSize + (nint)phase * phasePlane + i * dh / strideH * PhaseCols + j * dw / strideW;
        }
        offsets = new PinnedOffsets(offs);
        long maxOffset = K == 0 ? 0 : offs.Max();

        VirtualColumns = outHeight * PhaseCols;
        int nr = kernel.Columns, mr = kernel.Rows;
        int paddedColumns = (VirtualColumns + nr - 1) / nr * nr;
        mPadded = (groupOut + mr - 1) / mr * mr;
        panels = mPadded / mr;
        InPlace = PhaseCols == outWidth;
        int strips = Math.Clamp(scratchFloats / (mPadded * nr), 1, paddedColumns / nr);
        BlockColumns = strips * nr;
        Blocks = (paddedColumns + BlockColumns - 1) / BlockColumns;
        KBlock = Math.Max(1, K == 0 ? 1 : (K + (K + kBlock - 1) / kBlock - 1) / ((K + kBlock - 1) / kBlock));

        // Reads reach maxOffset + the last padded column past the start of the last image's last group.
        long lastGroupStart = ((long)(batch - 1) * channels + (long)(group - 1) * groupChannels) * planeSize;
        long sourceNeeded = Math.Max((long)batch * channels * planeSize, lastGroupStart + maxOffset + paddedColumns);
        ReadsInputInPlace = unpadded && sourceNeeded <= readableInput;
        if (!ReadsInputInPlace) staged = new AlignedFloats(sourceNeeded);

        packedWeights = PackWeights(weights, mr);
        packedBias = new AlignedFloats((long)group * mPadded);
        for (int g = 0; g < group; g++)
        for (int m = 0; m < groupOut && !bias.IsEmpty; m++)
            packedBias.Span[g * mPadded + m] = bias[g * groupOut + m];
        ScratchLength = InPlace ? mr * nr : mPadded * BlockColumns;
        scratch = new AlignedFloats(ScratchLength);
    }

    public F32GemmKernel Kernel => kernel;
    /// <summary>GEMM depth per group: (C/group)·kh·kw.</summary>
    public int K { get; }
    public int KBlock { get; }
    public int PhaseRows { get; }
    public int PhaseCols { get; }
    /// <summary>outHeight·PhaseCols: the GEMM's N including the discarded columns.</summary>
    public int VirtualColumns { get; }
    public int BlockColumns { get; }
    public int Blocks { get; }
    /// <summary>Tiles are stored into the output directly (no virtual columns to drop).</summary>
    public bool InPlace { get; }
    /// <summary>Stride 1, no padding, and room to read past X: no staging copy.</summary>
    public bool ReadsInputInPlace { get; }
    public int ScratchLength { get; }

    /// <summary>Channels to stage before the tiles run (0 when the input is read in place).</summary>
    public int StageCount => ReadsInputInPlace ? 0 : batch * channels;
    public int TileCount => batch * group * Blocks;

    /// <summary>A at [group][panel][k][r]: row r of the panel's MR output channels, zero past the group's last.</summary>
    private AlignedFloats PackWeights(ReadOnlySpan<float> weights, int mr)
    {
        var packed = new AlignedFloats((long)group * mPadded * K);
        var dst = packed.Span;
        for (int g = 0; g < group; g++)
        for (int m = 0; m < groupOut; m++)
        {
            int panel = m / mr, r = m % mr;
            var row = weights.Slice((g * groupOut + m) * K, K);
            int baseIndex = (g * panels + panel) * K * mr + r;
            for (int k = 0; k < K; k++) dst[baseIndex + k * mr] = row[k];
        }
        return packed;
    }

    /// <summary>x and y point at the step's X and Y (NCHW). Allocates nothing.</summary>
    public void Run(float* x, float* y)
    {
        for (int i = 0; i < StageCount; i++) Stage(i, x);
        float* source = ReadsInputInPlace ? x : staged!.Pointer;
        for (int t = 0; t < TileCount; t++) RunTile(t, source, y, scratch.Pointer);
    }

    /// <summary>Copies channel <paramref name="index"/> (image·C + c) of X into the phase layout; padding stays zero.</summary>
    public void Stage(int index, float* x)
    {
        float* src = x + (nint)index * height * width;
        float* plane = staged!.Pointer + (nint)index * planeSize;
        for (int ih = 0; ih < height; ih++, src += width)
        {
            int pr = ih + padTop, a = pr % strideH;
            if (!rowPhaseUsed[a]) continue;
            float* row = plane + (nint)a * strideW * phasePlane + (nint)(pr / strideH) * PhaseCols;
            if (strideW == 1)
            {
                new ReadOnlySpan<float>(src, width).CopyTo(new Span<float>(row + padLeft, width));
                continue;
            }
            if (strideW == 2)
            {
                // Column iw lands in phase (iw + padLeft) mod 2 at column (iw + padLeft) div 2.
                int b0 = padLeft & 1;
                float* first = colPhaseUsed[b0] ? row + (nint)b0 * phasePlane + padLeft / 2 : null;
                float* second = colPhaseUsed[1 - b0] ? row + (nint)(1 - b0) * phasePlane + (padLeft + 1) / 2 : null;
                StrideTwoSplit.Run(src, width, first, second);
                continue;
            }
            for (int b = 0; b < strideW; b++)
            {
                if (!colPhaseUsed[b]) continue;
                // Input columns iw with (iw + padLeft) mod strideW = b go to consecutive columns of phase plane b.
                int iw = ((b - padLeft) % strideW + strideW) % strideW;
                float* dst = row + (nint)b * phasePlane + (iw + padLeft) / strideW;
                for (; iw < width; iw += strideW) *dst++ = src[iw];
            }
        }
    }

    /// <summary>
    /// One tile: image n, group g, virtual columns [block·BlockColumns, +BlockColumns), all of the group's output
    /// channels. <paramref name="source"/> is X itself or the staged phase layout; <paramref name="tileScratch"/> holds
    /// <see cref="ScratchLength"/> floats private to the calling thread.
    /// </summary>
    public void RunTile(int tile, float* source, float* y, float* tileScratch)
    {
        int block = tile % Blocks, rest = tile / Blocks, g = rest % group, n = rest / group;
        int nr = kernel.Columns, mr = kernel.Rows;
        int q0 = block * BlockColumns;
        int columns = Math.Min(BlockColumns, (VirtualColumns + nr - 1) / nr * nr - q0);
        float* src = source + ((nint)n * channels + (nint)g * groupChannels) * planeSize + q0;
        float* yGroup = y + ((nint)n * outChannels + (nint)g * groupOut) * outPlane;
        float* aGroup = packedWeights.Pointer + (nint)g * mPadded * K;
        float* biasGroup = packedBias.Pointer + (nint)g * mPadded;
        var run = kernel.Run;
        float alpha = activation.Alpha, beta = activation.Beta;

        for (int pc = 0; pc < K; pc += KBlock)
        {
            int kc = Math.Min(KBlock, K - pc);
            int mode = (pc > 0 ? F32GemmTile.Accumulate : 0) | (pc + kc == K ? F32GemmTile.Finish : 0);
            nint* off = offsets.Pointer + pc;
            for (int j = 0; j < columns; j += nr)
            {
                float* b = src + j;
                int q = q0 + j;
                for (int i = 0; i < panels; i++)
                {
                    float* a = aGroup + ((nint)i * K + pc) * mr;
                    float* bias = biasGroup + i * mr;
                    if (!InPlace)
                    {
                        run(a, b, off, kc, tileScratch + (nint)i * mr * BlockColumns + j, BlockColumns, bias, mode, alpha, beta);
                        continue;
                    }
                    int rows = Math.Min(mr, groupOut - i * mr), cols = Math.Min(nr, outPlane - q);
                    float* c = yGroup + (nint)i * mr * outPlane + q;
                    if (rows == mr && cols == nr)
                    {
                        run(a, b, off, kc, c, outPlane, bias, mode, alpha, beta);
                        continue;
                    }
                    // Edge tile: the kernel writes a whole tile, so it goes through scratch and only the real part is copied.
                    if ((mode & F32GemmTile.Accumulate) != 0) CopyTile(c, outPlane, tileScratch, nr, rows, cols);
                    run(a, b, off, kc, tileScratch, nr, bias, mode, alpha, beta);
                    CopyTile(tileScratch, nr, c, outPlane, rows, cols);
                }
            }
        }

        if (!InPlace) Compact(tileScratch, yGroup, q0, columns);
        else if (kernel.ScalarActivation)
        {
            int end = Math.Min(q0 + columns, outPlane);
            for (int m = 0; m < groupOut; m++) activation.Apply(new Span<float>(yGroup + (nint)m * outPlane + q0, end - q0));
        }
    }

    private static void CopyTile(float* from, nint fromStride, float* to, nint toStride, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(from + r * fromStride, cols).CopyTo(new Span<float>(to + r * toStride, cols));
    }

    /// <summary>Copies the real pixels of virtual columns [q0, q0 + columns) from the scratch block into Y.</summary>
    private void Compact(float* block, float* yGroup, int q0, int columns)
    {
        int end = Math.Min(q0 + columns, VirtualColumns);
        for (int oh = q0 / PhaseCols; oh * PhaseCols < end; oh++)
        {
            int rowStart = oh * PhaseCols;
            int ow0 = Math.Max(q0 - rowStart, 0), ow1 = Math.Min(end - rowStart, outWidth);
            if (ow1 <= ow0) continue;
            int count = ow1 - ow0;
            float* from = block + (rowStart + ow0 - q0);
            float* to = yGroup + oh * outWidth + ow0;
            for (int m = 0; m < groupOut; m++)
            {
                var dst = new Span<float>(to + (nint)m * outPlane, count);
                new ReadOnlySpan<float>(from + (nint)m * BlockColumns, count).CopyTo(dst);
                if (kernel.ScalarActivation) activation.Apply(dst);
            }
        }
    }
}
