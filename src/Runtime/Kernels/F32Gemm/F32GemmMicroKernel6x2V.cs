using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Register-blocked GEMM micro-kernel, 6 rows × 2 vectors of columns (6×8 with Vector128, 6×16 with AVX2, 6×32 with
/// AVX-512): C[6×2V] (+)= A[6×kc]·B[kc×2V]. 12 accumulators + 2 B vectors + 1 broadcast = 15 registers: fits the 16
/// ymm/xmm of x64 AVX2/SSE. Per k: 2 vector loads and 6 broadcasts feed 12 FMAs, enough independent chains (≥ 8) to
/// cover FMA latency on two FMA ports.
/// </summary>
/// <remarks>
/// A is one packed panel slice, k-major: a[k·6 + r]. Row k of B starts at b + offsets[k], so the same kernel reads
/// packed panels, rows of the input itself (1×1 convolutions) or shifted windows of a padded input. C rows are ldc
/// apart. Without <see cref="F32GemmTile.Accumulate"/> the accumulators start from bias[r] (or 0 when bias is null),
/// otherwise from C; with <see cref="F32GemmTile.Finish"/> the activation is applied before the store.
/// </remarks>
public static unsafe class F32GemmMicroKernel6x2V
{
    public const int Rows = 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct>(float* a, float* b, nint* offsets, int kc, float* c, nint ldc, float* bias,
        int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        nint v = TOps.Count;
        TVec c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            c0_0 = TOps.Load(c); c0_1 = TOps.Load(c + v);
            c1_0 = TOps.Load(c + 1 * ldc); c1_1 = TOps.Load(c + 1 * ldc + v);
            c2_0 = TOps.Load(c + 2 * ldc); c2_1 = TOps.Load(c + 2 * ldc + v);
            c3_0 = TOps.Load(c + 3 * ldc); c3_1 = TOps.Load(c + 3 * ldc + v);
            c4_0 = TOps.Load(c + 4 * ldc); c4_1 = TOps.Load(c + 4 * ldc + v);
            c5_0 = TOps.Load(c + 5 * ldc); c5_1 = TOps.Load(c + 5 * ldc + v);
        }
        else if (bias != null)
        {
            c0_0 = c0_1 = TOps.Splat(bias[0]);
            c1_0 = c1_1 = TOps.Splat(bias[1]);
            c2_0 = c2_1 = TOps.Splat(bias[2]);
            c3_0 = c3_1 = TOps.Splat(bias[3]);
            c4_0 = c4_1 = TOps.Splat(bias[4]);
            c5_0 = c5_1 = TOps.Splat(bias[5]);
        }
        else
        {
            c0_0 = c0_1 = c1_0 = c1_1 = c2_0 = c2_1 = c3_0 = c3_1 = c4_0 = c4_1 = c5_0 = c5_1 = TOps.Zero;
        }

        // Two k per iteration: the loop's own instructions (offset load, address, counter, branch) are a fifth of
        // each iteration's at one k, enough to keep the front end from issuing the 12 FMAs every 6 cycles.
        int k = 0;
        for (; k + 1 < kc; k += 2)
        {
            float* bk = b + offsets[k];
            TVec b0 = TOps.Load(bk), b1 = TOps.Load(bk + v);
            TVec x;
            x = TOps.Splat(a[0]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(a[1]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(a[2]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(a[3]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(a[4]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(a[5]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
            bk = b + offsets[k + 1];
            b0 = TOps.Load(bk); b1 = TOps.Load(bk + v);
            x = TOps.Splat(a[6]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(a[7]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(a[8]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(a[9]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(a[10]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(a[11]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
            a += 12;
        }
        if (k < kc)
        {
            float* bk = b + offsets[k];
            TVec b0 = TOps.Load(bk), b1 = TOps.Load(bk + v);
            TVec x;
            x = TOps.Splat(a[0]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(a[1]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(a[2]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(a[3]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(a[4]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(a[5]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
        }

        if ((mode & F32GemmTile.Finish) != 0 && !TAct.AfterStore)
        {
            TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
            c0_0 = TAct.InRegisters<TOps, TVec>(c0_0, va, vb); c0_1 = TAct.InRegisters<TOps, TVec>(c0_1, va, vb);
            c1_0 = TAct.InRegisters<TOps, TVec>(c1_0, va, vb); c1_1 = TAct.InRegisters<TOps, TVec>(c1_1, va, vb);
            c2_0 = TAct.InRegisters<TOps, TVec>(c2_0, va, vb); c2_1 = TAct.InRegisters<TOps, TVec>(c2_1, va, vb);
            c3_0 = TAct.InRegisters<TOps, TVec>(c3_0, va, vb); c3_1 = TAct.InRegisters<TOps, TVec>(c3_1, va, vb);
            c4_0 = TAct.InRegisters<TOps, TVec>(c4_0, va, vb); c4_1 = TAct.InRegisters<TOps, TVec>(c4_1, va, vb);
            c5_0 = TAct.InRegisters<TOps, TVec>(c5_0, va, vb); c5_1 = TAct.InRegisters<TOps, TVec>(c5_1, va, vb);
        }
        TOps.Store(c, c0_0); TOps.Store(c + v, c0_1);
        TOps.Store(c + 1 * ldc, c1_0); TOps.Store(c + 1 * ldc + v, c1_1);
        TOps.Store(c + 2 * ldc, c2_0); TOps.Store(c + 2 * ldc + v, c2_1);
        TOps.Store(c + 3 * ldc, c3_0); TOps.Store(c + 3 * ldc + v, c3_1);
        TOps.Store(c + 4 * ldc, c4_0); TOps.Store(c + 4 * ldc + v, c4_1);
        TOps.Store(c + 5 * ldc, c5_0); TOps.Store(c + 5 * ldc + v, c5_1);
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, Rows, alpha, beta);
    }
}
