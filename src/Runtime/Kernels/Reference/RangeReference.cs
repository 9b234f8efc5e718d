using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>Range: out[i] = start + i·delta for i in [0, max(ceil((limit - start) / delta), 0)).</summary>
public static class RangeReference
{
    /// <summary>
    /// The element count. Integer types divide exactly (no rounding through floating point); floating types use
    /// float64 arithmetic. Returns -1 when delta is 0 or the count exceeds <paramref name="max"/>.
    /// </summary>
    public static long Count<T>(T start, T limit, T delta, long max) where T : INumberBase<T>
    {
        if (T.IsZero(delta)) return -1;
        double count;
        if (typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half))
        {
            count = Math.Ceiling((double.CreateTruncating(limit) - double.CreateTruncating(start)) / double.CreateTruncating(delta));
        }
        else
        {
            // Int128 holds the difference of any two 64-bit integers
            Int128 span = Int128.CreateTruncating(limit) - Int128.CreateTruncating(start), step = Int128.CreateTruncating(delta);
            Int128 q = span / step;
            if (q * step != span && (span > 0) == (step > 0)) q++;   // ceil of a positive quotient
            count = q > max ? double.PositiveInfinity : (double)q;
        }
        if (double.IsNaN(count) || count <= 0) return 0;
        return count > max ? -1 : (long)count;
    }

    public static void Range<T>(T start, T delta, Span<T> dst) where T : INumberBase<T>
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = start + T.CreateTruncating(i) * delta;
    }
}
