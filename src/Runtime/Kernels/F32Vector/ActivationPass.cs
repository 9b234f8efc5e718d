using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// A fused activation applied as a separate pass over a just-stored, cache-hot block of outputs instead of at the
/// store of the kernel that computed them. For the exp-based activations (Sigmoid, Tanh, Swish) this is faster: beside
/// a window kernel's four accumulators and their operands, the exp's constants and temporaries made the JIT spill
/// (measured on AVX2, depthwise 3×3 with Swish: 144 channels at 56×56 0.67 → 0.55 ms, 32 at 112×112 0.59 → 0.51),
/// the same reason the GEMM applies them in <c>F32TileEpilogue</c>. The piecewise-linear ones stay at the store, where
/// they cost a few instructions on registers. Either way each value goes through the same vector formula, so results
/// are bit-identical.
/// </summary>
public static class ActivationPass
{
    /// <summary>Whether <typeparamref name="TAct"/> is applied by <see cref="Apply"/> rather than at the store (a JIT-time
    /// constant per instantiation).</summary>
    public static bool Separate<TAct>() where TAct : struct, IVectorActivation =>
        typeof(TAct) == typeof(SwishActivation) || typeof(TAct) == typeof(SigmoidActivation) || typeof(TAct) == typeof(TanhActivation);

    /// <summary>Applies the activation to every value of <paramref name="y"/> in place; a tail shorter than a vector
    /// goes through a stack vector (re-applying an overlapping vector would apply it twice).</summary>
    public static void Apply<V, TVec, TAct>(Span<float> y, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        int c = V.Count, n = y.Length, i = 0;
        ref float d = ref MemoryMarshal.GetReference(y);
        for (; i + c <= n; i += c)
            V.Store(activation.Apply<V, TVec>(V.Load(ref Unsafe.Add(ref d, i))), ref Unsafe.Add(ref d, i));
        if (i == n) return;
        Span<float> tail = stackalloc float[c];
        y[i..].CopyTo(tail);
        V.Store(activation.Apply<V, TVec>(V.Load(ref MemoryMarshal.GetReference(tail))), ref MemoryMarshal.GetReference(tail));
        tail[..(n - i)].CopyTo(y[i..]);
    }
}
