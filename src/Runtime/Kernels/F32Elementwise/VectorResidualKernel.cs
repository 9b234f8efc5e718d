using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// y = f(y + r) over a span: a residual Add and the activation after it, applied to a layer's just-written output.
/// The same vector Add and activation as the standalone Add and activation steps, so the result is theirs bit for bit.
/// y and r must not overlap (the last vector is computed before the loop overwrites any of y).
/// </summary>
public static class VectorResidualKernel
{
    public static void Apply<V, TVec, TAct>(Span<float> y, ReadOnlySpan<float> r, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        int n = Math.Min(y.Length, r.Length), c = V.Count, i = 0;
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float rs = ref MemoryMarshal.GetReference(r);
        if (n < c)
        {
            if (n > 0) Tail<V, TVec, TAct>(ref ys, ref rs, n, activation);
            return;
        }
        // The last whole vector, from the values as they are now: stored after the loop, it also covers a partial
        // vector's worth the loop leaves, and gives the lanes the loop did compute the same values again.
        var last = activation.Apply<V, TVec>(V.Add(V.Load(ref Unsafe.Add(ref ys, n - c)), V.Load(ref Unsafe.Add(ref rs, n - c))));
        for (; i <= n - 2 * c; i += 2 * c)
        {
            ref float y0 = ref Unsafe.Add(ref ys, i);
            ref float r0 = ref Unsafe.Add(ref rs, i);
            var a = V.Add(V.Load(ref y0), V.Load(ref r0));
            var b = V.Add(V.Load(ref Unsafe.Add(ref y0, c)), V.Load(ref Unsafe.Add(ref r0, c)));
            V.Store(activation.Apply<V, TVec>(a), ref y0);
            V.Store(activation.Apply<V, TVec>(b), ref Unsafe.Add(ref y0, c));
        }
        if (i <= n - c)
            V.Store(activation.Apply<V, TVec>(V.Add(V.Load(ref Unsafe.Add(ref ys, i)), V.Load(ref Unsafe.Add(ref rs, i)))), ref Unsafe.Add(ref ys, i));
        V.Store(last, ref Unsafe.Add(ref ys, n - c));
    }

    /// <summary>A run shorter than a vector: the sums (a float add, as the vector's), activated as a vector in a stack
    /// buffer.</summary>
    private static void Tail<V, TVec, TAct>(ref float y, ref float r, int count, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        Span<float> buffer = stackalloc float[VectorWidth.MaxFloats];
        for (int j = 0; j < count; j++) buffer[j] = Unsafe.Add(ref y, j) + Unsafe.Add(ref r, j);
        ref float b = ref MemoryMarshal.GetReference(buffer);
        V.Store(activation.Apply<V, TVec>(V.Load(ref b)), ref b);
        buffer[..count].CopyTo(MemoryMarshal.CreateSpan(ref y, count));
    }
}
