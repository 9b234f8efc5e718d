using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Kernels.F32Pool;

/// <summary>
/// MaxPool of one plane with horizontal stride 1 or 2, read in place: no padded copy of the plane. Per output row,
/// the window's rows inside the input are known at plan time; the output columns whose windows lie inside the input
/// (all but a few at the borders) are computed a vector at a time, each tap column's vector being the max over those
/// rows of one unaligned load, and for stride 2 a pair of such vectors split into even and odd columns in registers
/// (taps 2m and 2m + 1 come from the pair that starts m pairs on). The border columns are taken one by one over the
/// taps inside the input. A max does not depend on the order of its taps (but for the NaN and ±0 cases ARCHITECTURE.md
/// lists), so this is the reference's window max.
/// <para>
/// The padded copy was 40% of SqueezeNet's first pool (3×3 stride 2 over 64 planes of 111×111): the input came from L3
/// for the copy and the scratch went through L2 again. A row-by-row version through a one-row scratch (column max,
/// phase split, row max) was slower still, probably because each pass's loads straddle the previous pass's stores,
/// which the core cannot forward. Measured on AVX-512, that pool alone: 0.17 ms (padded copy) → 0.12–0.13 ms; inside
/// SqueezeNet 0.20 → 0.15 ms.
/// </para>
/// </summary>
internal sealed class InPlaceMaxPlane
{
    private readonly int inW, outW, strideW, kernelW, dilationW, padLeft, rowStride;
    /// <summary>Per output row: the first input row its window reads inside the input, and how many it reads.</summary>
    private readonly int[] firstRow, rowCount;
    /// <summary>Stride 1: each tap's column offset from the window's start.</summary>
    private readonly int[] taps;
    /// <summary>Stride 2: the start (an even offset from the window's start) of each pair of vectors whose even and
    /// odd columns are both taps, whose even columns only are, and whose odd columns only are; fixed lists rather than
    /// a choice per pair, which the JIT's profile-guided layout made 2× slower in some processes.</summary>
    private readonly int[] bothPairs, evenPairs, oddPairs;
    /// <summary>Output columns [vectorFirst, vectorEnd) are computed by vectors (empty when fewer than a vector).</summary>
    private readonly int vectorFirst, vectorEnd;
    /// <summary>The other output columns, computed one by one.</summary>
    private readonly int[] borderColumns;

    /// <summary>Whether this kernel computes the pool: 1-D or 2-D windows (the caller passes the unit axis for H in 1-D)
    /// with horizontal stride 1 or 2.</summary>
    public static bool Handles(SpatialAxis w) => w.Stride is 1 or 2;

    public InPlaceMaxPlane(SpatialAxis h, SpatialAxis w, int vectorCount)
    {
        if (!Handles(w)) throw new ArgumentException($"Horizontal stride {w.Stride} is not 1 or 2.");
        int c = vectorCount;
        inW = w.Input;
        outW = w.Output;
        strideW = w.Stride;
        kernelW = w.Kernel;
        dilationW = w.Dilation;
        padLeft = w.PadBegin;
        InputPlaneSize = h.Input * w.Input;
        OutputPlaneSize = h.Output * w.Output;
        rowStride = h.Dilation * w.Input;
        firstRow = new int[h.Output];
        rowCount = new int[h.Output];
        for (int oh = 0; oh < h.Output; oh++)
        {
            h.Taps(oh, 0, h.Input, out int first, out int end);
            firstRow[oh] = h.WindowStart(oh) + first * h.Dilation;
            rowCount[oh] = end - first;
        }

        taps = Enumerable.Range(0, w.Kernel).Select(k => k * w.Dilation).ToArray();
        var pairs = taps.Select(t => t & ~1).Distinct().ToArray();
        bothPairs = pairs.Where(p => taps.Contains(p) && taps.Contains(p + 1)).ToArray();
        evenPairs = pairs.Where(p => taps.Contains(p) && !taps.Contains(p + 1)).ToArray();
        oddPairs = pairs.Where(p => !taps.Contains(p) && taps.Contains(p + 1)).ToArray();
        // Vectors cover the outputs whose windows lie inside the input (a stride-2 vector pair reads one float past
        // the last column it uses: the next row's first, or the arena's read slack after the last row).
        int first0 = (padLeft + strideW - 1) / strideW;
        int reach = inW - 1 + padLeft - (w.Kernel - 1) * w.Dilation;
        int last0 = reach >= 0 ? Math.Min(outW - 1, reach / strideW) : -1;
        (vectorFirst, vectorEnd) = last0 + 1 - first0 >= c ? (first0, last0 + 1) : (0, 0);
        borderColumns = Enumerable.Range(0, outW).Where(ow => ow < vectorFirst || ow >= vectorEnd).ToArray();
    }

    public int InputPlaneSize { get; }
    public int OutputPlaneSize { get; }
    public int OutH => firstRow.Length;
    public int OutW => outW;

    /// <summary>Computes the output plane <paramref name="y"/> from the input plane <paramref name="x"/>. Outputs whose
    /// window has no tap inside the input are left as they were (rows) or −∞ (columns); the caller patches both.</summary>
    public void Compute<V, TVec>(ReadOnlySpan<float> x, Span<float> y) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        for (int oh = 0; oh < firstRow.Length; oh++)
        {
            int rows = rowCount[oh];
            if (rows == 0) continue;
            ref float top = ref Unsafe.Add(ref x0, firstRow[oh] * inW);
            ref float yRow = ref Unsafe.Add(ref y0, oh * outW);
            if (vectorEnd > 0)
            {
                // Three rows (every 3×3 window off the borders) as a constant, which the inlined loops fold.
                if (strideW == 1)
                {
                    if (rows == 3) VectorsStride1<V, TVec>(ref top, 3, ref yRow);
                    else VectorsStride1<V, TVec>(ref top, rows, ref yRow);
                }
                else if (rows == 3) VectorsStride2<V, TVec>(ref top, 3, ref yRow);
                else VectorsStride2<V, TVec>(ref top, rows, ref yRow);
            }
            foreach (int ow in borderColumns) Border(ref top, rows, ow, ref yRow);
        }
    }

    /// <summary>The max over <paramref name="rows"/> rows (<paramref name="stride"/> floats apart) of the vector at
    /// <paramref name="at"/>; the usual two and three rows unrolled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ColumnMax<V, TVec>(ref float at, int rows, nint stride) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var m = V.Load(ref at);
        if (rows == 3)
            return V.MaxNative(V.MaxNative(m, V.Load(ref Unsafe.Add(ref at, stride))), V.Load(ref Unsafe.Add(ref at, 2 * stride)));
        if (rows == 2) return V.MaxNative(m, V.Load(ref Unsafe.Add(ref at, stride)));
        for (int r = 1; r < rows; r++) m = V.MaxNative(m, V.Load(ref Unsafe.Add(ref at, r * stride)));
        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void VectorsStride1<V, TVec>(ref float top, int rows, ref float yRow) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        nint stride = rowStride;
        ReadOnlySpan<int> taps = this.taps;
        for (int ow = vectorFirst; ; ow += c)
        {
            if (ow > vectorEnd - c) ow = vectorEnd - c;
            ref float start = ref Unsafe.Add(ref top, ow - padLeft);
            var m = ColumnMax<V, TVec>(ref Unsafe.Add(ref start, taps[0]), rows, stride);
            for (int t = 1; t < taps.Length; t++) m = V.MaxNative(m, ColumnMax<V, TVec>(ref Unsafe.Add(ref start, taps[t]), rows, stride));
            V.Store(m, ref Unsafe.Add(ref yRow, ow));
            if (ow == vectorEnd - c) return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void VectorsStride2<V, TVec>(ref float top, int rows, ref float yRow) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        nint stride = rowStride;
        ReadOnlySpan<int> both = bothPairs, even = evenPairs, odd = oddPairs;
        for (int ow = vectorFirst; ; ow += c)
        {
            if (ow > vectorEnd - c) ow = vectorEnd - c;
            ref float start = ref Unsafe.Add(ref top, 2 * ow - padLeft);
            var m = V.Create(float.NegativeInfinity);
            for (int p = 0; p < both.Length; p++)
            {
                Pair<V, TVec>(ref Unsafe.Add(ref start, both[p]), rows, stride, out var e, out var o);
                m = V.MaxNative(V.MaxNative(m, e), o);
            }
            for (int p = 0; p < even.Length; p++)
            {
                Pair<V, TVec>(ref Unsafe.Add(ref start, even[p]), rows, stride, out var e, out _);
                m = V.MaxNative(m, e);
            }
            for (int p = 0; p < odd.Length; p++)
            {
                Pair<V, TVec>(ref Unsafe.Add(ref start, odd[p]), rows, stride, out _, out var o);
                m = V.MaxNative(m, o);
            }
            V.Store(m, ref Unsafe.Add(ref yRow, ow));
            if (ow == vectorEnd - c) return;
        }
    }

    /// <summary>The even and odd columns of the row max of the 2·Count columns at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair<V, TVec>(ref float at, int rows, nint stride, out TVec even, out TVec odd)
        where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Deinterleave(ColumnMax<V, TVec>(ref at, rows, stride), ColumnMax<V, TVec>(ref Unsafe.Add(ref at, V.Count), rows, stride),
            out even, out odd);

    /// <summary>
    /// Output column <paramref name="ow"/> over the taps inside the input, by the same hardware max as the vectors,
    /// branch-free (a compare and branch per tap mispredicts on data like activations). A window with no tap inside
    /// stays −∞ and is patched by the caller.
    /// </summary>
    private void Border(ref float top, int rows, int ow, ref float yRow)
    {
        int start = ow * strideW - padLeft;
        var m = Vector128.Create(float.NegativeInfinity);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < kernelW; k++)
            {
                int col = start + k * dilationW;
                if ((uint)col < (uint)inW) m = Vector128.MaxNative(m, Vector128.CreateScalarUnsafe(Unsafe.Add(ref top, r * rowStride + col)));
            }
        Unsafe.Add(ref yRow, ow) = m.ToScalar();
    }
}
