using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// y = f(x) over a span, f a vector activation: one vector per iteration, then the last partial vector through a
/// small stack buffer. Not unrolled on purpose: four chains of the exp-based functions need more than AVX2's 16
/// registers with their constants, and the spills made Exp and Sigmoid 40% slower (measured on 1.2 M floats). Each element
/// is read once before it is written, so y may be x itself.
/// </summary>
public static class VectorUnaryKernel
{
    public static void Apply<V, TVec, TAct>(ReadOnlySpan<float> x, Span<float> y, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        int n = Math.Min(x.Length, y.Length), c = V.Count, i = 0;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        for (; i <= n - c; i += c)
            V.Store(activation.Apply<V, TVec>(V.Load(ref Unsafe.Add(ref xs, i))), ref Unsafe.Add(ref ys, i));
        if (i < n) Tail<V, TVec, TAct>(ref Unsafe.Add(ref xs, i), ref Unsafe.Add(ref ys, i), n - i, activation);
    }

    /// <summary>The last count &lt; Count elements, computed as one vector in a zero-filled stack buffer.</summary>
    private static void Tail<V, TVec, TAct>(ref float x, ref float y, int count, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        Span<float> buffer = stackalloc float[VectorWidth.MaxFloats];
        MemoryMarshal.CreateReadOnlySpan(ref x, count).CopyTo(buffer);
        ref float b = ref MemoryMarshal.GetReference(buffer);
        V.Store(activation.Apply<V, TVec>(V.Load(ref b)), ref b);
        buffer[..count].CopyTo(MemoryMarshal.CreateSpan(ref y, count));
    }
}
