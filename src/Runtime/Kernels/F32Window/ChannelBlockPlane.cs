using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// The scratch of a sliding-window op (depthwise Conv, MaxPool) that puts channels in the vector lanes: a block of
/// <c>V.Count</c> channel planes is transposed into one padded plane of pixels, each pixel the <c>V.Count</c> channels'
/// values side by side, so every tap of every output is one vector load and one vector op for all the block's
/// channels, whatever the plane's width, stride or dilation. Outputs are computed as pixel vectors into
/// <see cref="Output"/> and transposed back into the channels' output planes.
/// <para>
/// For planes narrower than a vector this wastes no lanes (a row kernel computes a 7-wide row in an 8-wide vector and
/// copies it out element by element) and needs no per-channel padding pass; the price is the two transposes, a few
/// shuffles per pixel vector, which on small planes cost less than what they save.
/// </para>
/// <para>
/// The padding (and the room past the last window) is filled with <c>padValue</c> once, at plan time: runs overwrite
/// only the input positions, which never move. In a block of fewer channels than lanes, the extra lanes hold zeros (rows
/// of at least a vector of pixels, <see cref="ChannelInterleave"/>) or whatever an earlier block left there (finite or
/// not, they are never stored).
/// </para>
/// </summary>
public sealed unsafe class ChannelBlockPlane
{
    private readonly int lanes, padTop, padLeft, cols;
    /// <summary>Scratch pixel (not float) index of each input pixel, row-major.</summary>
    private readonly int[] inputPixels;
    // The padded input plane, the output pixels and one transposed block of pixels for inputs narrower than a vector
    // (then scattered to their pixels), in memory of this object's own, which keeps it.
    private readonly GuardedFloats scratch;
    private readonly float* buffer, output, tile;

    /// <param name="vectorCount">Floats per vector of the kernel that reads the plane: the channels of a block.</param>
    public ChannelBlockPlane(SpatialAxis h, SpatialAxis w, float padValue, int vectorCount)
    {
        lanes = vectorCount;
        InH = h.Input;
        InW = w.Input;
        OutH = h.Output;
        OutW = w.Output;
        padTop = h.PadBegin;
        padLeft = w.PadBegin;
        int rows = h.PaddedExtent;
        cols = w.PaddedExtent;
        Span<long> offsets = stackalloc long[3];
        long bufferFloats = checked((long)rows * cols * lanes);
        scratch = new GuardedFloats(GuardedFloats.Layout([bufferFloats, checked((long)OutH * OutW * lanes), lanes * lanes], offsets));
        buffer = scratch.Pointer;
        output = scratch.Pointer + offsets[1];
        tile = scratch.Pointer + offsets[2];
        new Span<float>(buffer, checked((int)bufferFloats)).Fill(padValue);

        Taps = new int[h.Kernel * w.Kernel];
        for (int kh = 0; kh < h.Kernel; kh++)
            for (int kw = 0; kw < w.Kernel; kw++)
                Taps[kh * w.Kernel + kw] = (kh * h.Dilation * cols + kw * w.Dilation) * lanes;
        KernelH = h.Kernel;
        KernelW = w.Kernel;
        StrideW = w.Stride;
        DilationW = w.Dilation;
        RowOffsets = new int[OutH * h.Kernel];
        for (int oh = 0; oh < OutH; oh++)
            for (int kh = 0; kh < h.Kernel; kh++)
                RowOffsets[oh * h.Kernel + kh] = (oh * h.Stride + kh * h.Dilation) * cols * lanes;
        Windows = new int[OutH * OutW];
        for (int oh = 0; oh < OutH; oh++)
            for (int ow = 0; ow < OutW; ow++)
                Windows[oh * OutW + ow] = (oh * h.Stride * cols + ow * w.Stride) * lanes;
        inputPixels = new int[InH * InW];
        for (int ih = 0; ih < InH; ih++)
            for (int iw = 0; iw < InW; iw++)
                inputPixels[ih * InW + iw] = (ih + padTop) * cols + iw + padLeft;
    }

    public int InH { get; }
    public int InW { get; }
    public int OutH { get; }
    public int OutW { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int StrideW { get; }
    public int DilationW { get; }
    /// <summary>Per output row, the offset from <see cref="Buffer"/> of each kernel row's first window (its tap 0):
    /// [row][kernel row], for a kernel that walks rows (<see cref="F32Depthwise.ChannelBlockRowKernel"/>).</summary>
    public int[] RowOffsets { get; }
    public int InputPlaneSize => InH * InW;
    public int OutputPlaneSize => OutH * OutW;
    /// <summary>The padded input plane, channel-interleaved: pixel (row, column) at this float + (row·columns +
    /// column)·lanes. On a cache line, in this thread's own memory (<see cref="GuardedFloats"/>).</summary>
    public ref float Buffer => ref *buffer;
    /// <summary>The output pixels from this float, channel-interleaved, row-major: what the kernel writes and
    /// <see cref="Store"/> reads. On a cache line.</summary>
    public ref float Output => ref *output;
    /// <summary>Scratch offset (floats) of each tap, kh-major as the weights, relative to its window's first tap.</summary>
    public int[] Taps { get; }
    /// <summary>Scratch offset (floats) of each output pixel's first tap, row-major.</summary>
    public int[] Windows { get; }

    /// <summary>
    /// Copies the <paramref name="channels"/> (≤ lanes) consecutive input planes starting at <paramref name="x"/>'s
    /// start into the scratch's input pixels, lane i holding channel i.
    /// </summary>
    public void Fill<V, TVec>(ReadOnlySpan<float> x, int channels) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = lanes, inSize = InputPlaneSize;
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float dst = ref Buffer;
        ReadOnlySpan<int> pixels = inputPixels;
        if (InW >= c)
        {
            // Whole rows of pixels, each straight into its padded row.
            for (int ih = 0; ih < InH; ih++)
                ChannelInterleave.FromPlanes<V, TVec>(ref Unsafe.Add(ref src, ih * InW), inSize, channels, InW,
                    ref Unsafe.Add(ref dst, pixels[ih * InW] * c));
            return;
        }
        if (channels < c || inSize < c)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < inSize; p++)
                    Unsafe.Add(ref dst, pixels[p] * c + ch) = Unsafe.Add(ref src, ch * inSize + p);
            return;
        }
        // Rows narrower than a vector: blocks of consecutive pixels across rows, through the tile.
        ref float t = ref *tile;
        for (int p = 0; ; p += c)
        {
            if (p > inSize - c) p = inSize - c;
            V.Transpose(ref Unsafe.Add(ref src, p), inSize, ref t, c);
            for (int i = 0; i < c; i++) V.Store(V.Load(ref Unsafe.Add(ref t, i * c)), ref Unsafe.Add(ref dst, pixels[p + i] * c));
            if (p == inSize - c) return;
        }
    }

    /// <summary>
    /// Copies one channel block of a channel-blocked input (<see cref="ChannelBlockedLayout"/>: its pixels already
    /// hold the lanes side by side) into the scratch's input pixels: a row copy per input row, no transpose.
    /// </summary>
    public void FillBlocked(ReadOnlySpan<float> block)
    {
        ref float src = ref MemoryMarshal.GetReference(block[..(InputPlaneSize * lanes)]);
        ref float dst = ref Buffer;
        int row = InW * lanes;
        for (int ih = 0; ih < InH; ih++)
            ShortRowCopy.Copy(ref Unsafe.Add(ref src, ih * row), ref Unsafe.Add(ref dst, inputPixels[ih * InW] * lanes), row);
    }

    /// <summary>Copies <see cref="Output"/> into one channel block of a channel-blocked output, as it is.</summary>
    public void StoreBlocked(Span<float> block) => new ReadOnlySpan<float>(output, OutputPlaneSize * lanes).CopyTo(block);

    /// <summary>Transposes <see cref="Output"/> back into the <paramref name="channels"/> (≤ lanes) output planes at
    /// <paramref name="y"/>'s start.</summary>
    public void Store<V, TVec>(Span<float> y, int channels) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        ChannelInterleave.ToPlanes<V, TVec>(ref Output, channels,
            OutputPlaneSize, ref MemoryMarshal.GetReference(y), OutputPlaneSize);
    }
}
