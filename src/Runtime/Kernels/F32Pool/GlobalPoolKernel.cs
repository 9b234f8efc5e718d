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

    /// <summary>
    /// Either pool over a channel-blocked X (<see cref="ChannelBlockedLayout"/>, blocks of V.Count): each block's pixels
    /// are vectors of its channels, reduced lane-wise by four accumulators over the pixels in turn (as
    /// <see cref="Sum{V,TVec}"/> runs along a plane) and stored as the block's channels of Y.
    /// </summary>
    [SkipLocalsInit]
    public static void Blocked<V, TVec>(bool max, ReadOnlySpan<float> x, Span<float> y, int batch, int channels, int planeSize)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count, blocks = ChannelBlockedLayout.Blocks(channels, c);
        Span<float> lanes = stackalloc float[c];
        ref float r = ref MemoryMarshal.GetReference(x);
        var scale = V.Create(1f / planeSize);
        for (int n = 0; n < batch; n++)
        for (int b = 0; b < blocks; b++)
        {
            ref float block = ref Unsafe.Add(ref r, (nint)(n * blocks + b) * planeSize * c);
            // Max starts every accumulator at pixel 0 (which it may count twice), the sum at zero.
            TVec a0 = max ? V.Load(ref block) : V.Zero, a1 = a0, a2 = a0, a3 = a0;
            int p = 0;
            for (; p + 3 < planeSize; p += 4)
            {
                ref float at = ref Unsafe.Add(ref block, p * c);
                TVec v0 = V.Load(ref at), v1 = V.Load(ref Unsafe.Add(ref at, c));
                TVec v2 = V.Load(ref Unsafe.Add(ref at, 2 * c)), v3 = V.Load(ref Unsafe.Add(ref at, 3 * c));
                if (max) (a0, a1, a2, a3) = (V.MaxNative(a0, v0), V.MaxNative(a1, v1), V.MaxNative(a2, v2), V.MaxNative(a3, v3));
                else (a0, a1, a2, a3) = (V.Add(a0, v0), V.Add(a1, v1), V.Add(a2, v2), V.Add(a3, v3));
            }
            for (; p < planeSize; p++)
            {
                var v = V.Load(ref Unsafe.Add(ref block, p * c));
                a0 = max ? V.MaxNative(a0, v) : V.Add(a0, v);
            }
            var result = max ? V.MaxNative(V.MaxNative(a0, a1), V.MaxNative(a2, a3)) : V.Multiply(V.Add(V.Add(a0, a1), V.Add(a2, a3)), scale);
            V.Store(result, ref MemoryMarshal.GetReference(lanes));
            int first = b * c;
            lanes[..Math.Min(c, channels - first)].CopyTo(y.Slice(n * channels + first));
        }
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
