using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// The scratch copy of one input plane of a 2-D sliding-window op (depthwise Conv, MaxPool, AveragePool), laid out so
/// that the window kernel needs no border logic: every tap of every output is an in-bounds read, and a tap of
/// consecutive outputs along a row reads consecutive floats, i.e. one vector load.
/// <para>
/// Rows are the padded input rows. Each row holds its padded columns split by phase (column mod the horizontal
/// stride s): phase r holds columns r, r + s, r + 2s, ... in a segment of <see cref="PhaseLength"/> floats. Output
/// column ow's tap kw reads padded column ow·s + kw·d, which is entry ow + ⌊kw·d/s⌋ of phase (kw·d) mod s, so the
/// taps of consecutive outputs are consecutive. For s = 1 this is the plain padded row; for s = 2 the input row is
/// deinterleaved once per run with vector shuffles instead of per tap.
/// </para>
/// <para>
/// The padding (and the room past the last window read by a whole last vector, and the ceil_mode overhang) is filled
/// with <c>padValue</c> once, at plan time: runs overwrite only the input positions, which never move.
/// </para>
/// </summary>
public sealed unsafe class PaddedPlane
{
    private readonly int padTop, padLeft, strideW;
    /// <summary>Offset within a scratch row of each input column.</summary>
    private readonly int[] columnPositions;
    // The padded plane and the narrow rows' output, in memory of this object's own, which keeps it.
    private readonly GuardedFloats scratch;
    private readonly float* buffer, narrowOutput;

    /// <param name="vectorCount">Floats per vector of the kernel that reads the plane.</param>
    public PaddedPlane(SpatialAxis h, SpatialAxis w, float padValue, int vectorCount)
    {
        InH = h.Input;
        InW = w.Input;
        OutH = h.Output;
        OutW = w.Output;
        padTop = h.PadBegin;
        padLeft = w.PadBegin;
        strideW = w.Stride;
        int rows = h.PaddedExtent;
        int cols = w.PaddedExtent;
        // A row's last vector ends at max(OutW, vectorCount) outputs, plus the farthest tap.
        PhaseLength = Math.Max((cols + strideW - 1) / strideW, Math.Max(OutW, vectorCount) + (w.Kernel - 1) * w.Dilation / strideW);
        Pitch = PhaseLength * strideW;
        RowStep = h.Stride * Pitch;
        Span<long> offsets = stackalloc long[2];
        long bufferFloats = checked((long)rows * Pitch);
        bool narrow = OutW < vectorCount;
        scratch = new GuardedFloats(GuardedFloats.Layout([bufferFloats, narrow ? (long)OutH * vectorCount : 0], offsets));
        buffer = scratch.Pointer;
        new Span<float>(buffer, checked((int)bufferFloats)).Fill(padValue);
        if (narrow) narrowOutput = scratch.Pointer + offsets[1];

        Taps = new int[h.Kernel * w.Kernel];
        for (int kh = 0; kh < h.Kernel; kh++)
            for (int kw = 0; kw < w.Kernel; kw++)
            {
                int col = kw * w.Dilation;
                Taps[kh * w.Kernel + kw] = kh * h.Dilation * Pitch + col % strideW * PhaseLength + col / strideW;
            }
        columnPositions = new int[InW];
        for (int iw = 0; iw < InW; iw++)
        {
            int col = iw + padLeft;
            columnPositions[iw] = col % strideW * PhaseLength + col / strideW;
        }

        Jobs = PlanJobs(vectorCount);
    }

    public int InH { get; }
    public int InW { get; }
    public int OutH { get; }
    public int OutW { get; }
    public int InputPlaneSize => InH * InW;
    public int OutputPlaneSize => OutH * OutW;
    /// <summary>Floats per phase segment of a row.</summary>
    public int PhaseLength { get; }
    /// <summary>Floats per padded row (all phases).</summary>
    public int Pitch { get; }
    /// <summary>Scratch offset between the windows of consecutive output rows (vertical stride · pitch).</summary>
    public int RowStep { get; }
    /// <summary>Scratch offset of each tap (kh-major, as the weights) relative to its output's first tap.</summary>
    public int[] Taps { get; }
    /// <summary>The padded plane's first float, on a cache line, in this thread's own memory (<see cref="GuardedFloats"/>).</summary>
    public ref float Buffer => ref *buffer;
    /// <summary>Whether rows are narrower than a vector: computed into <see cref="NarrowOutput"/> (one vector per row)
    /// and then copied out.</summary>
    public bool Narrow => narrowOutput != null;
    /// <summary>Where narrow rows are computed, one vector per row (see <see cref="Narrow"/>).</summary>
    public ref float NarrowOutput => ref *narrowOutput;
    /// <summary>The output vectors of the plane, a multiple of four long (see <see cref="WindowRowKernel"/>).</summary>
    public WindowJob[] Jobs { get; }

    /// <summary>
    /// Each output row as whole vectors from column 0, the last one shifted left to end at the row's end (it overlaps
    /// its neighbour and recomputes a few outputs to the same values); rows narrower than a vector as one vector into
    /// <see cref="NarrowOutput"/>. The list is padded to a multiple of four by repeating its last job.
    /// </summary>
    private WindowJob[] PlanJobs(int c)
    {
        var jobs = new List<WindowJob>();
        for (int oh = 0; oh < OutH; oh++)
        {
            if (Narrow) { jobs.Add(new WindowJob(oh * RowStep, oh * c, oh, 0)); continue; }
            for (int ow = 0; ow < OutW; ow += c)
            {
                int at = Math.Min(ow, OutW - c);
                jobs.Add(new WindowJob(oh * RowStep + at, oh * OutW + at, oh, at));
            }
        }
        while (jobs.Count % 4 != 0) jobs.Add(jobs[^1]);
        return [.. jobs];
    }

    /// <summary>Copies one input plane (InH × InW, row-major) into the scratch's input positions.</summary>
    public void Fill<V, TVec>(ReadOnlySpan<float> plane) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        ref float src0 = ref MemoryMarshal.GetReference(plane);
        ref float dst0 = ref Buffer;
        for (int ih = 0; ih < InH; ih++)
        {
            ref float src = ref Unsafe.Add(ref src0, ih * InW);
            ref float dst = ref Unsafe.Add(ref dst0, (ih + padTop) * Pitch);
            if (strideW == 1)
                ShortRowCopy.Copy(ref src, ref Unsafe.Add(ref dst, padLeft), InW);
            else
                FillPhases<V, TVec>(ref src, ref dst);
        }
    }

    /// <summary>
    /// Stride 2: a vector pair of input columns splits into its even and odd columns, each a run of consecutive
    /// entries of one phase; the last pair is shifted back to end at the row's end (it rewrites some entries with the
    /// same values). Other strides, and rows shorter than a pair, go column by column.
    /// </summary>
    private void FillPhases<V, TVec>(ref float src, ref float dst) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        ReadOnlySpan<int> positions = columnPositions;
        if (strideW != 2 || InW < 2 * c)
        {
            for (int iw = 0; iw < positions.Length; iw++) Unsafe.Add(ref dst, positions[iw]) = Unsafe.Add(ref src, iw);
            return;
        }
        for (int iw = 0; ; iw += 2 * c)
        {
            if (iw > InW - 2 * c) iw = InW - 2 * c;
            V.Deinterleave(ref Unsafe.Add(ref src, iw), out var even, out var odd);
            V.Store(even, ref Unsafe.Add(ref dst, positions[iw]));
            V.Store(odd, ref Unsafe.Add(ref dst, positions[iw + 1]));
            if (iw == InW - 2 * c) return;
        }
    }
}

/// <summary>One output vector of a plane: where its first window starts in the scratch, where it is stored, its position.</summary>
public readonly record struct WindowJob(int Source, int Destination, int Row, int Column);
