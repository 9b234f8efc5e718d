using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Matrix-vector product for fully-connected layers at batch 1: y[j] = Σ_k W[j, k]·x[k] with the weight rows
/// contiguous (packed that way at plan time), vectorized along K, four output features at a time so each load of x
/// feeds four rows; two vectors per row per step give eight independent FMA chains. Memory-bound on W.
/// </summary>
public static unsafe class F32Gemv
{
    /// <summary>w: n rows of k floats; x: k floats; y: n floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec>(float* w, float* x, int k, int n, float* y)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        int v = TOps.Count;
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            float* w0 = w + (nint)j * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            TVec t0 = TOps.Zero, t1 = TOps.Zero, t2 = TOps.Zero, t3 = TOps.Zero;
            int p = 0;
            for (; p + 2 * v <= k; p += 2 * v)
            {
                TVec x0 = TOps.Load(x + p), x1 = TOps.Load(x + p + v);
                s0 = TOps.MulAdd(TOps.Load(w0 + p), x0, s0); t0 = TOps.MulAdd(TOps.Load(w0 + p + v), x1, t0);
                s1 = TOps.MulAdd(TOps.Load(w1 + p), x0, s1); t1 = TOps.MulAdd(TOps.Load(w1 + p + v), x1, t1);
                s2 = TOps.MulAdd(TOps.Load(w2 + p), x0, s2); t2 = TOps.MulAdd(TOps.Load(w2 + p + v), x1, t2);
                s3 = TOps.MulAdd(TOps.Load(w3 + p), x0, s3); t3 = TOps.MulAdd(TOps.Load(w3 + p + v), x1, t3);
            }
            for (; p + v <= k; p += v)
            {
                TVec x0 = TOps.Load(x + p);
                s0 = TOps.MulAdd(TOps.Load(w0 + p), x0, s0);
                s1 = TOps.MulAdd(TOps.Load(w1 + p), x0, s1);
                s2 = TOps.MulAdd(TOps.Load(w2 + p), x0, s2);
                s3 = TOps.MulAdd(TOps.Load(w3 + p), x0, s3);
            }
            float r0 = TOps.Sum(TOps.Add(s0, t0)), r1 = TOps.Sum(TOps.Add(s1, t1));
            float r2 = TOps.Sum(TOps.Add(s2, t2)), r3 = TOps.Sum(TOps.Add(s3, t3));
            for (; p < k; p++)
            {
                float xp = x[p];
                r0 += w0[p] * xp; r1 += w1[p] * xp; r2 += w2[p] * xp; r3 += w3[p] * xp;
            }
            y[j] = r0; y[j + 1] = r1; y[j + 2] = r2; y[j + 3] = r3;
        }
        for (; j < n; j++)
        {
            float* wj = w + (nint)j * k;
            TVec s = TOps.Zero;
            int p = 0;
            for (; p + v <= k; p += v) s = TOps.MulAdd(TOps.Load(wj + p), TOps.Load(x + p), s);
            float r = TOps.Sum(s);
            for (; p < k; p++) r += wj[p] * x[p];
            y[j] = r;
        }
    }

    /// <summary>The instantiation for a fast path.</summary>
    public static delegate*<float*, float*, int, int, float*, void> For(KernelIsa isa) => isa switch
    {
        KernelIsa.Vector128 => &Run<F32Vector128, System.Runtime.Intrinsics.Vector128<float>>,
        KernelIsa.Avx2 => &Run<F32Vector256Avx2, System.Runtime.Intrinsics.Vector256<float>>,
        KernelIsa.Avx512 => &Run<F32Vector512Avx512, System.Runtime.Intrinsics.Vector512<float>>,
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "the reference path has no GEMV kernel"),
    };
}
