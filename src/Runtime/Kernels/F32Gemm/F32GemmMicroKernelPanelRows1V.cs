using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// <see cref="F32GemmMicroKernelPanelRows"/> one vector wide: the first 4, 8 or 12 rows of a packed MR-row panel × 1
/// vector of columns, C[rows×V] (+)= A[rows×kc]·B[kc×V] (12×16 with AVX-512). For GEMMs whose N fills a vector but
/// only half of the 2V kernel's strip: Winograd's 14×14 layers on AVX-512 (16 tiles), which otherwise ran on half of
/// a 32-column strip or on the 256-bit kernels at half the FMA width. Per k: 1 vector load of B and 12 broadcasts of
/// A feed 12 FMAs (12 accumulators cover the FMA latency of two ports). Same arguments, packing and modes as the 2V
/// kernel (and the same prefetch of A); C rows are one vector.
/// </summary>
public static unsafe class F32GemmMicroKernelPanelRows1V
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct, TShape>(float* a, float* b, nint* offsets, int kc, float* c, nint ldc, float* bias,
        int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
        where TShape : unmanaged, IPanelRows
    {
        TVec c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11;
        c4 = c5 = c6 = c7 = c8 = c9 = c10 = c11 = TOps.Zero;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            c0 = TOps.Load(c); c1 = TOps.Load(c + ldc); c2 = TOps.Load(c + 2 * ldc); c3 = TOps.Load(c + 3 * ldc);
            if (TShape.Rows >= 8)
            {
                c4 = TOps.Load(c + 4 * ldc); c5 = TOps.Load(c + 5 * ldc); c6 = TOps.Load(c + 6 * ldc); c7 = TOps.Load(c + 7 * ldc);
            }
            if (TShape.Rows == 12)
            {
                c8 = TOps.Load(c + 8 * ldc); c9 = TOps.Load(c + 9 * ldc); c10 = TOps.Load(c + 10 * ldc); c11 = TOps.Load(c + 11 * ldc);
            }
        }
        else if (bias != null)
        {
            c0 = TOps.Splat(bias[0]); c1 = TOps.Splat(bias[1]); c2 = TOps.Splat(bias[2]); c3 = TOps.Splat(bias[3]);
            if (TShape.Rows >= 8)
            {
                c4 = TOps.Splat(bias[4]); c5 = TOps.Splat(bias[5]); c6 = TOps.Splat(bias[6]); c7 = TOps.Splat(bias[7]);
            }
            if (TShape.Rows == 12)
            {
                c8 = TOps.Splat(bias[8]); c9 = TOps.Splat(bias[9]); c10 = TOps.Splat(bias[10]); c11 = TOps.Splat(bias[11]);
            }
        }
        else c0 = c1 = c2 = c3 = TOps.Zero;

        nint stride = TShape.PanelRows;
        for (int k = 0; k < kc; k++)
        {
            TVec bk = TOps.Load(b + offsets[k]);
            TOps.Prefetch(a + F32GemmTile.PrefetchAheadFloats);
            c0 = TOps.MulAdd(TOps.Splat(a[0]), bk, c0); c1 = TOps.MulAdd(TOps.Splat(a[1]), bk, c1);
            c2 = TOps.MulAdd(TOps.Splat(a[2]), bk, c2); c3 = TOps.MulAdd(TOps.Splat(a[3]), bk, c3);
            if (TShape.Rows >= 8)
            {
                c4 = TOps.MulAdd(TOps.Splat(a[4]), bk, c4); c5 = TOps.MulAdd(TOps.Splat(a[5]), bk, c5);
                c6 = TOps.MulAdd(TOps.Splat(a[6]), bk, c6); c7 = TOps.MulAdd(TOps.Splat(a[7]), bk, c7);
            }
            if (TShape.Rows == 12)
            {
                c8 = TOps.MulAdd(TOps.Splat(a[8]), bk, c8); c9 = TOps.MulAdd(TOps.Splat(a[9]), bk, c9);
                c10 = TOps.MulAdd(TOps.Splat(a[10]), bk, c10); c11 = TOps.MulAdd(TOps.Splat(a[11]), bk, c11);
            }
            a += stride;
        }

        if ((mode & F32GemmTile.Finish) != 0 && !TAct.AfterStore)
        {
            TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
            c0 = TAct.InRegisters<TOps, TVec>(c0, va, vb); c1 = TAct.InRegisters<TOps, TVec>(c1, va, vb);
            c2 = TAct.InRegisters<TOps, TVec>(c2, va, vb); c3 = TAct.InRegisters<TOps, TVec>(c3, va, vb);
            if (TShape.Rows >= 8)
            {
                c4 = TAct.InRegisters<TOps, TVec>(c4, va, vb); c5 = TAct.InRegisters<TOps, TVec>(c5, va, vb);
                c6 = TAct.InRegisters<TOps, TVec>(c6, va, vb); c7 = TAct.InRegisters<TOps, TVec>(c7, va, vb);
            }
            if (TShape.Rows == 12)
            {
                c8 = TAct.InRegisters<TOps, TVec>(c8, va, vb); c9 = TAct.InRegisters<TOps, TVec>(c9, va, vb);
                c10 = TAct.InRegisters<TOps, TVec>(c10, va, vb); c11 = TAct.InRegisters<TOps, TVec>(c11, va, vb);
            }
        }
        TOps.Store(c, c0); TOps.Store(c + ldc, c1); TOps.Store(c + 2 * ldc, c2); TOps.Store(c + 3 * ldc, c3);
        if (TShape.Rows >= 8)
        {
            TOps.Store(c + 4 * ldc, c4); TOps.Store(c + 5 * ldc, c5); TOps.Store(c + 6 * ldc, c6); TOps.Store(c + 7 * ldc, c7);
        }
        if (TShape.Rows == 12)
        {
            TOps.Store(c + 8 * ldc, c8); TOps.Store(c + 9 * ldc, c9); TOps.Store(c + 10 * ldc, c10); TOps.Store(c + 11 * ldc, c11);
        }
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, TShape.Rows, alpha, beta, vectors: 1);
    }
}
