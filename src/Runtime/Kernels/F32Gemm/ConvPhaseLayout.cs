using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// The input of a 1-D/2-D convolution as the GEMM lowerings read it: every tap becomes a constant shift.
/// </summary>
/// <remarks>
/// For strides sh×sw each channel is split into sh·sw "phase" planes — the rows ≡ a (mod sh) and columns ≡ b (mod sw)
/// of the zero-padded input — each <see cref="PhaseRows"/>×<see cref="PhaseCols"/>. Output pixel (oh, ow) is virtual
/// column q = oh·PhaseCols + ow, and tap k = (c, kh, kw) reads plane (kh·dh mod sh, kw·dw mod sw) of channel c at
/// q + (kh·dh div sh)·PhaseCols + (kw·dw div sw): row k of the im2col matrix is the staged input shifted by
/// <see cref="Offsets"/>[k], so it never has to be built. Virtual columns with ow ≥ OW read across a row end and are
/// discarded by the readers. The staging copy runs once per inference and only writes input pixels, so the padding
/// written as zeros at plan time stays zero; a stride-1 unpadded convolution skips it and reads X in place when the
/// array holding X extends far enough past it for the readers' overreach. A reader that takes each output pixel's
/// position from <see cref="PixelOffset"/> (the pixel-major lowering) reads X in place whenever every window of a
/// real output pixel lies inside it, whatever the strides (<see cref="PixelsInPlace"/>): the strides go into the
/// pixel offsets, and it reads no column past the last pixel, so no room past X is needed either.
/// </remarks>
public sealed unsafe class ConvPhaseLayout
{
    /// <summary>Most columns a reader may touch past the last virtual column (its widest tile, rounded up).</summary>
    public const int MaxOverreach = 64;

    private readonly bool[] rowPhaseUsed, colPhaseUsed;
    private readonly int strideH, strideW, padTop, padLeft, phasePlane, pixelRowStep, pixelColumnStep, windowRowReach;
    private readonly AlignedFloats? staged;

    /// <param name="readableInput">Floats readable from the start of X (its slot and whatever follows in its array).</param>
    /// <param name="allocateStaging">False for a layout that only answers questions about the geometry (plan-time
    /// costs): it cannot stage.</param>
    /// <param name="pixelReader">The layout is for the pixel-major lowering, which reads pixels through
    /// <see cref="PixelOffset"/>: X is read in place wherever every real output's window lies inside it.</param>
    public ConvPhaseLayout(int batch, int channels, int group, SpatialParams geometry, long readableInput, bool allocateStaging = true,
        bool pixelReader = false)
    {
        if (geometry.Rank is < 1 or > 2) throw new ArgumentException("only 1-D and 2-D convolutions lower to a GEMM", nameof(geometry));
        Batch = batch;
        Channels = channels;
        Group = group;
        GroupChannels = channels / group;
        SpatialAxis ah = geometry.Axis3(1), aw = geometry.Axis3(2);
        Height = ah.Input; Width = aw.Input;
        OutHeight = ah.Output; OutWidth = aw.Output;
        strideH = ah.Stride; strideW = aw.Stride;
        padTop = ah.PadBegin; padLeft = aw.PadBegin;
        int kh = ah.Kernel, kw = aw.Kernel, dh = ah.Dilation, dw = aw.Dilation;
        windowRowReach = (kh - 1) * dh;

        TapsPerChannel = kh * kw;
        Strided = strideH * strideW > 1;
        K = GroupChannels * kh * kw;
        WindowsInside = padTop == 0 && padLeft == 0 && (OutHeight - 1) * strideH + (kh - 1) * dh < Height
            && (OutWidth - 1) * strideW + (kw - 1) * dw < Width;
        if (pixelReader && WindowsInside && (long)batch * channels * Height * Width <= readableInput)
        {
            // X itself: channel planes of H×W, tap (c, kh, kw) at its plane's row kh·dh, column kw·dw from the window's
            // start, which PixelOffset puts at (oh·sh, ow·sw).
            (PhaseRows, PhaseCols, phasePlane, PlaneSize) = (Height, Width, Height * Width, Height * Width);
            (pixelRowStep, pixelColumnStep) = (strideH * Width, strideW);
            var direct = new nint[K];
            for (int c = 0, k = 0; c < GroupChannels; c++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++, k++)
                direct[k] = (nint)c * PlaneSize + i * dh * Width + j * dw;
            Offsets = new PinnedOffsets(direct);
            VirtualColumns = OutHeight * PhaseCols;
            rowPhaseUsed = colPhaseUsed = [];
            ReadsInputInPlace = true;
            PixelsInPlace = true;
            return;
        }

        // Large enough for every input pixel and for every tap of every real output pixel.
        PhaseRows = Math.Max(OutHeight - 1 + (kh - 1) * dh / strideH, (Height - 1 + padTop) / strideH) + 1;
        PhaseCols = Math.Max(OutWidth - 1 + (kw - 1) * dw / strideW, (Width - 1 + padLeft) / strideW) + 1;
        (pixelRowStep, pixelColumnStep) = (PhaseCols, 1);
        rowPhaseUsed = new bool[strideH];
        colPhaseUsed = new bool[strideW];
        for (int i = 0; i < kh; i++) rowPhaseUsed[i * dh % strideH] = true;
        for (int j = 0; j < kw; j++) colPhaseUsed[j * dw % strideW] = true;
        phasePlane = PhaseRows * PhaseCols;
        PlaneSize = strideH * strideW * phasePlane;

        var offs = new nint[K];
        for (int c = 0, k = 0; c < GroupChannels; c++)
        for (int i = 0; i < kh; i++)
        for (int j = 0; j < kw; j++, k++)
        {
            int phase = i * dh % strideH * strideW + j * dw % strideW;
            offs[k] = (nint)c * PlaneSize + (nint)phase * phasePlane + i * dh / strideH * PhaseCols + j * dw / strideW;
        }
        Offsets = new PinnedOffsets(offs);
        VirtualColumns = OutHeight * PhaseCols;

        long maxOffset = K == 0 ? 0 : offs.Max();
        long lastGroupStart = ((long)(batch - 1) * channels + (long)(group - 1) * GroupChannels) * PlaneSize;
        long sourceNeeded = Math.Max((long)batch * channels * PlaneSize, lastGroupStart + maxOffset + VirtualColumns + MaxOverreach);
        bool unpadded = strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && PhaseRows == Height && PhaseCols == Width;
        ReadsInputInPlace = unpadded && sourceNeeded <= readableInput;
        StagedLength = ReadsInputInPlace ? 0 : sourceNeeded;
        if (!ReadsInputInPlace && allocateStaging) staged = new AlignedFloats(sourceNeeded);
    }

    public int Batch { get; }
    public int Channels { get; }
    public int Group { get; }
    public int GroupChannels { get; }
    public int Height { get; }
    public int Width { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }
    public int PhaseRows { get; }
    public int PhaseCols { get; }
    /// <summary>Floats per input channel in the staged layout (H·W when read in place).</summary>
    public int PlaneSize { get; }
    /// <summary>GEMM depth per group: (C/group)·kh·kw.</summary>
    public int K { get; }
    /// <summary>kh·kw.</summary>
    public int TapsPerChannel { get; }
    public bool Strided { get; }
    /// <summary>Offsets[k]: where row k of B starts relative to the group's first channel.</summary>
    public PinnedOffsets Offsets { get; }
    /// <summary>OutHeight·PhaseCols: output pixels plus the discarded columns between rows.</summary>
    public int VirtualColumns { get; }
    /// <summary>No staging copy: stride 1, no padding and room to read past X, or a pixel reader's windows all inside X.</summary>
    public bool ReadsInputInPlace { get; }
    /// <summary>X read in place through <see cref="PixelOffset"/>, strides and all, with no room past it: only the
    /// pixel-major lowering reads this layout (the channel-major one reads virtual columns, a stride apart, and past
    /// the last pixel).</summary>
    public bool PixelsInPlace { get; }

    /// <summary>Every real output pixel's window lies inside X (no padding before it): a pixel reader reads X in place.</summary>
    public bool WindowsInside { get; }

    /// <summary>Where output pixel (<paramref name="oh"/>, <paramref name="ow"/>)'s window starts, relative to its
    /// group's first channel in <see cref="Source"/>: its virtual column, or its place in X read in place.</summary>
    public nint PixelOffset(int oh, int ow) => (nint)oh * pixelRowStep + (nint)ow * pixelColumnStep;

    /// <summary>Channels to stage before the tiles run (0 when the input is read in place).</summary>
    public int StageCount => ReadsInputInPlace ? 0 : Batch * Channels;

    /// <summary>The input rows [start, end) that output rows [<paramref name="outRowStart"/>,
    /// <paramref name="outRowEnd"/>)'s windows read (the padding left out).</summary>
    public (int Start, int End) InputRows(int outRowStart, int outRowEnd) =>
        (Math.Clamp(outRowStart * strideH - padTop, 0, Height),
         Math.Clamp((outRowEnd - 1) * strideH - padTop + windowRowReach + 1, 0, Height));

    /// <summary>Floats of the staged copy (0 when the input is read in place): what another copy must hold, zeroed.</summary>
    public long StagedLength { get; }

    /// <summary>What the tiles read: X itself, or the staged copy.</summary>
    public float* Source(float* x) => ReadsInputInPlace ? x : staged!.Pointer;

    /// <summary>Group g of image n in <see cref="Source"/>.</summary>
    public float* GroupStart(float* source, int n, int g) => source + ((nint)n * Channels + (nint)g * GroupChannels) * PlaneSize;

    /// <summary>Copies channel <paramref name="index"/> (image·C + c) of X into the phase layout; padding stays zero.</summary>
    public void Stage(int index, float* x) => Stage(index, 0, Height, x);

    /// <summary>Copies input rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of channel
    /// <paramref name="index"/> into the phase layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Stage(int index, int rowStart, int rowEnd, float* x) => Stage(index, rowStart, rowEnd, x, staged!.Pointer);

    /// <summary>Copies input rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) of channel
    /// <paramref name="index"/> into a staged copy at <paramref name="into"/> (<see cref="StagedLength"/> floats, its
    /// padding zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Stage(int index, int rowStart, int rowEnd, float* x, float* into)
    {
        float* src = x + ((nint)index * Height + rowStart) * Width;
        float* plane = into + (nint)index * PlaneSize;
        if (!Strided)
        {
            // One phase: row ih lands at row ih + padTop of the plane (no divisions per row; rows are short).
            float* to = plane + (nint)(rowStart + padTop) * PhaseCols + padLeft;
            for (int ih = rowStart; ih < rowEnd; ih++, src += Width, to += PhaseCols) ShortRowCopy.Copy(src, to, Width);
            return;
        }
        for (int ih = rowStart; ih < rowEnd; ih++, src += Width)
        {
            int pr = ih + padTop, a = pr % strideH;
            if (!rowPhaseUsed[a]) continue;
            float* row = plane + (nint)a * strideW * phasePlane + (nint)(pr / strideH) * PhaseCols;
            if (strideW == 1)
            {
                ShortRowCopy.Copy(src, row + padLeft, Width);
                continue;
            }
            if (strideW == 2)
            {
                // Column iw lands in phase (iw + padLeft) mod 2 at column (iw + padLeft) div 2.
                int b0 = padLeft & 1;
                float* first = colPhaseUsed[b0] ? row + (nint)b0 * phasePlane + padLeft / 2 : null;
                float* second = colPhaseUsed[1 - b0] ? row + (nint)(1 - b0) * phasePlane + (padLeft + 1) / 2 : null;
                StrideTwoSplit.Run(src, Width, first, second);
                continue;
            }
            for (int b = 0; b < strideW; b++)
            {
                if (!colPhaseUsed[b]) continue;
                // Input columns iw with (iw + padLeft) mod strideW = b go to consecutive columns of phase plane b.
                int iw = ((b - padLeft) % strideW + strideW) % strideW;
                float* dst = row + (nint)b * phasePlane + (iw + padLeft) / strideW;
                for (; iw < Width; iw += strideW) *dst++ = src[iw];
            }
        }
    }
}
