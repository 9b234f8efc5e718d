using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// The scratch of a sliding-window op that puts a block of <c>V.Count</c> channels in the vector lanes (as
/// <see cref="ChannelBlockPlane"/>) and streams the plane one output row at a time: a ring of as many padded,
/// channel-interleaved input rows as one output row's windows span, and one output row. Each output row transposes
/// in the input rows it newly needs, is computed, and is transposed out to the channel planes at once, so the
/// transposed pixels are read while still in L1. A whole transposed plane (112×112 pixels of 8 channels: 400 KB)
/// was written to and read back from L2, which cost as much as the arithmetic (MobileNetV2's 96-channel stride-2
/// layer).
/// <para>
/// For planes whose input and output rows are at least a vector wide (the row transposes need that many pixels).
/// The left and right padding columns are filled with <c>padValue</c> once, at plan time (runs write only the input
/// columns); padding rows are written when the ring reaches them, unless the ring holds the whole padded plane, where
/// plan-time fill serves them as well.
/// </para>
/// </summary>
public sealed unsafe class ChannelBlockRows
{
    private readonly int lanes, padTop, padLeft, strideH, dilationH, ringRows, paddedRows, rowFloats;
    private readonly float padValue;
    // The ring and the output row, in memory of this object's own, which keeps it.
    private readonly GuardedFloats scratch;
    private readonly float* buffer, outputRow;
    /// <summary>The next padded row to be transposed in (rows below it are in the ring).</summary>
    private int nextRow;

    /// <param name="vectorCount">Floats per vector of the kernel that reads the rows: the channels of a block.</param>
    public ChannelBlockRows(SpatialAxis h, SpatialAxis w, float padValue, int vectorCount)
    {
        if (w.Input < vectorCount || w.Output < vectorCount)
            throw new ArgumentException("Rows narrower than a vector need a ChannelBlockPlane.");
        lanes = vectorCount;
        this.padValue = padValue;
        InH = h.Input;
        InW = w.Input;
        OutH = h.Output;
        OutW = w.Output;
        padTop = h.PadBegin;
        padLeft = w.PadBegin;
        strideH = h.Stride;
        dilationH = h.Dilation;
        KernelH = h.Kernel;
        KernelW = w.Kernel;
        StrideW = w.Stride;
        DilationW = w.Dilation;
        paddedRows = h.PaddedExtent;
        ringRows = Math.Min(h.DilatedKernel, paddedRows);
        rowFloats = w.PaddedExtent * lanes;
        Span<long> offsets = stackalloc long[2];
        scratch = new GuardedFloats(GuardedFloats.Layout([checked(ringRows * rowFloats), (long)OutW * lanes], offsets));
        buffer = scratch.Pointer;
        outputRow = scratch.Pointer + offsets[1];
        new Span<float>(buffer, ringRows * rowFloats).Fill(padValue);
        Windows = new int[OutW];
        for (int ow = 0; ow < OutW; ow++) Windows[ow] = ow * w.Stride * lanes;
        Taps = new int[h.Kernel * w.Kernel];
        RowOffsets = new int[h.Kernel];
    }

    public int InH { get; }
    public int InW { get; }
    public int OutH { get; }
    public int OutW { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int StrideW { get; }
    public int DilationW { get; }
    public int InputPlaneSize => InH * InW;
    public int OutputPlaneSize => OutH * OutW;
    /// <summary>The ring of padded input rows, channel-interleaved: pixel (slot, column) at this float +
    /// (slot·columns + column)·lanes; padded row r in slot r mod the ring's rows. On a cache line, in this thread's own
    /// memory (<see cref="GuardedFloats"/>).</summary>
    public ref float Buffer => ref *buffer;
    /// <summary>One row of output pixels from this float, channel-interleaved: what the kernel writes and
    /// <see cref="StoreRow"/> reads. On a cache line.</summary>
    public ref float OutputRow => ref *outputRow;
    /// <summary>Offset from <see cref="Buffer"/> of each tap (kh-major, as the weights) of the current output row's
    /// first window, set by <see cref="PrepareRow"/>.</summary>
    public int[] Taps { get; }
    /// <summary>Offset from <see cref="Buffer"/> of each kernel row of the current output row's first window (its
    /// tap 0), set by <see cref="PrepareRow"/>.</summary>
    public int[] RowOffsets { get; }
    /// <summary>Offset of each output pixel's window from the row's first (ow·stride·lanes).</summary>
    public int[] Windows { get; }

    /// <summary>Starts a block of channels: the ring holds none of its rows yet.</summary>
    public void Begin() => nextRow = 0;

    /// <summary>
    /// Transposes in the padded rows output row <paramref name="oh"/> reads that the ring lacks (overwriting rows no
    /// later output reads) from the <paramref name="channels"/> (≤ lanes) input planes at <paramref name="x"/>'s
    /// start, and points <see cref="Taps"/> at them. Output rows must come in order after <see cref="Begin"/>.
    /// </summary>
    public void PrepareRow<V, TVec>(ReadOnlySpan<float> x, int channels, int oh) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int first = oh * strideH, end = first + (KernelH - 1) * dilationH + 1;
        if (nextRow < first) nextRow = first;
        for (; nextRow < end; nextRow++)
        {
            ref float row = ref InputRow(nextRow, out int ih);
            if (ih >= 0)
                ChannelInterleave.FromPlanes<V, TVec>(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), ih * InW), InputPlaneSize, channels, InW,
                    ref row);
        }
        PointTaps(first);
    }

    /// <summary><see cref="PrepareRow{V, TVec}"/> with the rows the ring lacks computed by <paramref name="source"/>.</summary>
    public void PrepareRow<TSource>(ref TSource source, int oh) where TSource : struct, IChannelBlockRowSource
    {
        int first = oh * strideH, end = first + (KernelH - 1) * dilationH + 1;
        if (nextRow < first) nextRow = first;
        for (; nextRow < end; nextRow++)
        {
            ref float row = ref InputRow(nextRow, out int ih);
            if (ih >= 0) source.Fill(ih, ref row);
        }
        PointTaps(first);
    }

    /// <summary>
    /// <see cref="PrepareRow{TSource}"/> for this ring and <paramref name="nextBlock"/>'s (the same geometry, the next
    /// block of channels, begun together), each missing row of both computed by one call of <paramref name="source"/>.
    /// </summary>
    public void PrepareRows<TSource>(ChannelBlockRows nextBlock, ref TSource source, int oh) where TSource : struct, IChannelBlockRowSource
    {
        int first = oh * strideH, end = first + (KernelH - 1) * dilationH + 1;
        if (nextRow < first) nextRow = first;
        for (; nextRow < end; nextRow++)
        {
            ref float row = ref InputRow(nextRow, out int ih);
            ref float next = ref nextBlock.InputRow(nextRow, out _);
            if (ih >= 0) source.Fill(ih, ref row, ref next);
        }
        nextBlock.nextRow = nextRow;
        PointTaps(first);
        nextBlock.PointTaps(first);
    }

    /// <summary>Where padded row <paramref name="paddedRow"/>'s input pixels go in the ring, and which input row it is
    /// (−1 for a padding row, which this fills with the pad value where the ring reuses its slot).</summary>
    private ref float InputRow(int paddedRow, out int inputRow)
    {
        inputRow = paddedRow - padTop;
        ref float slot = ref Unsafe.Add(ref Buffer, paddedRow % ringRows * rowFloats);
        if (inputRow < 0 || inputRow >= InH)
        {
            if (ringRows < paddedRows) MemoryMarshal.CreateSpan(ref slot, rowFloats).Fill(padValue);
            inputRow = -1;
        }
        return ref Unsafe.Add(ref slot, padLeft * lanes);
    }

    private void PointTaps(int first)
    {
        for (int kh = 0; kh < KernelH; kh++)
        {
            int row = (first + kh * dilationH) % ringRows * rowFloats;
            RowOffsets[kh] = row;
            for (int kw = 0; kw < KernelW; kw++) Taps[kh * KernelW + kw] = row + kw * DilationW * lanes;
        }
    }

    /// <summary>Transposes <see cref="OutputRow"/> into row <paramref name="oh"/> of the <paramref name="channels"/>
    /// (≤ lanes) output planes at <paramref name="y"/>'s start.</summary>
    public void StoreRow<V, TVec>(Span<float> y, int channels, int oh) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        ChannelInterleave.ToPlanes<V, TVec>(ref OutputRow, channels, OutW,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(y), oh * OutW), OutputPlaneSize);
    }
}
