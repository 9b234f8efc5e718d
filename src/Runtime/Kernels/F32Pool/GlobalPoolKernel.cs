using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Pool;

/// <summary>
/// GlobalAveragePool and GlobalMaxPool: one reduction per (image, channel) plane, four vector accumulators along the
/// plane (H·W contiguous floats), combined lane-wise, then across lanes, then the scalar remainder. The sum's order
/// differs from the reference's sequential one (rounding differs within the accumulation bound).
/// </summary>
public static class GlobalPoolKernel
{
    public static void Average<V, TVec>(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        for (int p = 0; p < planes; p++) y[p] = Sum<V, TVec>(x.Slice(p * planeSize, planeSize)) / planeSize;
    }

    public static void Max<V, TVec>(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        for (int p = 0; p < planes; p++) y[p] = Max<V, TVec>(x.Slice(p * planeSize, planeSize));
    }

    private static float Sum<V, TVec>(ReadOnlySpan<float> x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int n = x.Length, c = V.Count, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        float sum = 0f;
        if (n >= c)
        {
            TVec a0 = V.Zero, a1 = V.Zero, a2 = V.Zero, a3 = V.Zero;
            for (; i <= n - 4 * c; i += 4 * c)
            {
                a0 = V.Add(a0, V.Load(ref Unsafe.Add(ref r, i)));
                a1 = V.Add(a1, V.Load(ref Unsafe.Add(ref r, i + c)));
                a2 = V.Add(a2, V.Load(ref Unsafe.Add(ref r, i + 2 * c)));
                a3 = V.Add(a3, V.Load(ref Unsafe.Add(ref r, i + 3 * c)));
            }
            for (; i <= n - c; i += c) a0 = V.Add(a0, V.Load(ref Unsafe.Add(ref r, i)));
            sum = V.Sum(V.Add(V.Add(a0, a1), V.Add(a2, a3)));
        }
        for (; i < n; i++) sum += Unsafe.Add(ref r, i);
        return sum;
    }

    private static float Max<V, TVec>(ReadOnlySpan<float> x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int n = x.Length, c = V.Count, i = 0;
        ref float r = ref MemoryMarshal.GetReference(x);
        float best = float.NegativeInfinity;
        if (n >= c)
        {
            var m = V.Load(ref r);
            for (i = c; i <= n - c; i += c) m = V.MaxNative(m, V.Load(ref Unsafe.Add(ref r, i)));
            best = V.MaxAcross(m);
        }
        for (; i < n; i++) if (Unsafe.Add(ref r, i) > best) best = Unsafe.Add(ref r, i);
        return best;
    }
}
