using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>The shape of a <see cref="F32GemmMicroKernelPanelRows"/> instantiation: the rows it computes, and the rows of
/// the packed panel it reads.</summary>
public interface IPanelRows
{
    /// <summary>Rows computed and stored: 4, 8 or 12.</summary>
    static abstract int Rows { get; }
    /// <summary>MR of the packed panel (6 or 12): the stride of A per k.</summary>
    static abstract int PanelRows { get; }
}

/// <summary>A whole 12-row panel: the AVX-512 and ARM64 NEON kernel.</summary>
public readonly struct TwelveOfTwelve : IPanelRows
{
    public static int Rows => 12;
    public static int PanelRows => 12;
}

public readonly struct FourOfSix : IPanelRows
{
    public static int Rows => 4;
    public static int PanelRows => 6;
}

public readonly struct FourOfTwelve : IPanelRows
{
    public static int Rows => 4;
    public static int PanelRows => 12;
}

public readonly struct EightOfTwelve : IPanelRows
{
    public static int Rows => 8;
    public static int PanelRows => 12;
}

/// <summary>
/// Register-blocked GEMM micro-kernel: the first 4, 8 or 12 rows of a packed MR-row panel × 2 vectors of columns,
/// C[rows×2V] (+)= A[rows×kc]·B[kc×2V]. The shape is a type argument, so each instantiation is compiled with only its
/// own rows (the others' code is folded away).
/// <list type="bullet">
/// <item>12 of 12 (12×32 with AVX-512, 12×8 with ARM64 NEON): 24 accumulators + 2 B vectors + 1 broadcast = 27
/// registers, for the 32 zmm of AVX-512 and the 32 vector registers of NEON. Per k: 2 vector loads and 12 broadcasts
/// feed 24 FMAs. On a 16-register target (x64 SSE/AVX2) it is correct but spills, so it is chosen only where 32
/// registers exist.</item>
/// <item>4 or 8 of a 6- or 12-row panel: the last panel of a layer whose output channels are not a multiple of MR
/// (16 = 12 + 4, 32 = 24 + 8 on AVX-512's 12-row panels; 16 = 12 + 4 on AVX2's 6), which the full kernel computed
/// whole, padding rows included, into scratch and then copied out (MobileNetV2's 32→16 layer at 112×112 ran at 86
/// GF/s against 150 for its full-panel layers). With 4 rows a k is 8 FMAs on 2 loads of B and 4 broadcasts, still
/// enough independent chains for two FMA ports.</item>
/// </list>
/// </summary>
/// <remarks>
/// A is one packed panel slice, k-major: a[k·MR + r], of which the kernel reads the first rows. Row k of B starts at
/// b + offsets[k], so the same kernel reads packed panels, rows of the input itself (1×1 convolutions) or shifted
/// windows of a padded input. C rows are ldc apart. Without <see cref="F32GemmTile.Accumulate"/> the accumulators start
/// from bias[r] (or 0 when bias is null), otherwise from C; with <see cref="F32GemmTile.Finish"/> the activation is
/// applied before the store. Each k also prefetches A <see cref="F32GemmTile.PrefetchAheadFloats"/> ahead (streamed weights;
/// past the end of the packed weights it is harmless, a prefetch never faults).
/// </remarks>
public static unsafe class F32GemmMicroKernelPanelRows
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct, TShape>(float* a, float* b, nint* offsets, int kc, float* c, nint ldc, float* bias,
        int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
        where TShape : unmanaged, IPanelRows
    {
        nint v = TOps.Count;
        TVec c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1, c6_0, c6_1, c7_0, c7_1, c8_0, c8_1, c9_0, c9_1, c10_0, c10_1, c11_0, c11_1;
        c4_0 = c4_1 = c5_0 = c5_1 = c6_0 = c6_1 = c7_0 = c7_1 = c8_0 = c8_1 = c9_0 = c9_1 = c10_0 = c10_1 = c11_0 = c11_1 = TOps.Zero;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            c0_0 = TOps.Load(c + 0 * ldc); c0_1 = TOps.Load(c + 0 * ldc + v);
            c1_0 = TOps.Load(c + 1 * ldc); c1_1 = TOps.Load(c + 1 * ldc + v);
            c2_0 = TOps.Load(c + 2 * ldc); c2_1 = TOps.Load(c + 2 * ldc + v);
            c3_0 = TOps.Load(c + 3 * ldc); c3_1 = TOps.Load(c + 3 * ldc + v);
            if (TShape.Rows >= 8)
            {
                c4_0 = TOps.Load(c + 4 * ldc); c4_1 = TOps.Load(c + 4 * ldc + v);
                c5_0 = TOps.Load(c + 5 * ldc); c5_1 = TOps.Load(c + 5 * ldc + v);
                c6_0 = TOps.Load(c + 6 * ldc); c6_1 = TOps.Load(c + 6 * ldc + v);
                c7_0 = TOps.Load(c + 7 * ldc); c7_1 = TOps.Load(c + 7 * ldc + v);
            }
            if (TShape.Rows == 12)
            {
                c8_0 = TOps.Load(c + 8 * ldc); c8_1 = TOps.Load(c + 8 * ldc + v);
                c9_0 = TOps.Load(c + 9 * ldc); c9_1 = TOps.Load(c + 9 * ldc + v);
                c10_0 = TOps.Load(c + 10 * ldc); c10_1 = TOps.Load(c + 10 * ldc + v);
                c11_0 = TOps.Load(c + 11 * ldc); c11_1 = TOps.Load(c + 11 * ldc + v);
            }
        }
        else if (bias != null)
        {
            c0_0 = c0_1 = TOps.Splat(bias[0]);
            c1_0 = c1_1 = TOps.Splat(bias[1]);
            c2_0 = c2_1 = TOps.Splat(bias[2]);
            c3_0 = c3_1 = TOps.Splat(bias[3]);
            if (TShape.Rows >= 8)
            {
                c4_0 = c4_1 = TOps.Splat(bias[4]);
                c5_0 = c5_1 = TOps.Splat(bias[5]);
                c6_0 = c6_1 = TOps.Splat(bias[6]);
                c7_0 = c7_1 = TOps.Splat(bias[7]);
            }
            if (TShape.Rows == 12)
            {
                c8_0 = c8_1 = TOps.Splat(bias[8]);
                c9_0 = c9_1 = TOps.Splat(bias[9]);
                c10_0 = c10_1 = TOps.Splat(bias[10]);
                c11_0 = c11_1 = TOps.Splat(bias[11]);
            }
        }
        else
        {
            c0_0 = c0_1 = c1_0 = c1_1 = c2_0 = c2_1 = c3_0 = c3_1 = TOps.Zero;
        }

        nint stride = TShape.PanelRows;
        for (int k = 0; k < kc; k++)
        {
            float* bk = b + offsets[k];
            TOps.Prefetch(a + F32GemmTile.PrefetchAheadFloats);
            TVec b0 = TOps.Load(bk), b1 = TOps.Load(bk + v);
            TVec x;
            x = TOps.Splat(a[0]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(a[1]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(a[2]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(a[3]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            if (TShape.Rows >= 8)
            {
                x = TOps.Splat(a[4]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
                x = TOps.Splat(a[5]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
                x = TOps.Splat(a[6]); c6_0 = TOps.MulAdd(x, b0, c6_0); c6_1 = TOps.MulAdd(x, b1, c6_1);
                x = TOps.Splat(a[7]); c7_0 = TOps.MulAdd(x, b0, c7_0); c7_1 = TOps.MulAdd(x, b1, c7_1);
            }
            if (TShape.Rows == 12)
            {
                x = TOps.Splat(a[8]); c8_0 = TOps.MulAdd(x, b0, c8_0); c8_1 = TOps.MulAdd(x, b1, c8_1);
                x = TOps.Splat(a[9]); c9_0 = TOps.MulAdd(x, b0, c9_0); c9_1 = TOps.MulAdd(x, b1, c9_1);
                x = TOps.Splat(a[10]); c10_0 = TOps.MulAdd(x, b0, c10_0); c10_1 = TOps.MulAdd(x, b1, c10_1);
                x = TOps.Splat(a[11]); c11_0 = TOps.MulAdd(x, b0, c11_0); c11_1 = TOps.MulAdd(x, b1, c11_1);
            }
            a += stride;
        }

        if ((mode & F32GemmTile.Finish) != 0 && !TAct.AfterStore)
        {
            TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
            c0_0 = TAct.InRegisters<TOps, TVec>(c0_0, va, vb); c0_1 = TAct.InRegisters<TOps, TVec>(c0_1, va, vb);
            c1_0 = TAct.InRegisters<TOps, TVec>(c1_0, va, vb); c1_1 = TAct.InRegisters<TOps, TVec>(c1_1, va, vb);
            c2_0 = TAct.InRegisters<TOps, TVec>(c2_0, va, vb); c2_1 = TAct.InRegisters<TOps, TVec>(c2_1, va, vb);
            c3_0 = TAct.InRegisters<TOps, TVec>(c3_0, va, vb); c3_1 = TAct.InRegisters<TOps, TVec>(c3_1, va, vb);
            if (TShape.Rows >= 8)
            {
                c4_0 = TAct.InRegisters<TOps, TVec>(c4_0, va, vb); c4_1 = TAct.InRegisters<TOps, TVec>(c4_1, va, vb);
                c5_0 = TAct.InRegisters<TOps, TVec>(c5_0, va, vb); c5_1 = TAct.InRegisters<TOps, TVec>(c5_1, va, vb);
                c6_0 = TAct.InRegisters<TOps, TVec>(c6_0, va, vb); c6_1 = TAct.InRegisters<TOps, TVec>(c6_1, va, vb);
                c7_0 = TAct.InRegisters<TOps, TVec>(c7_0, va, vb); c7_1 = TAct.InRegisters<TOps, TVec>(c7_1, va, vb);
            }
            if (TShape.Rows == 12)
            {
                c8_0 = TAct.InRegisters<TOps, TVec>(c8_0, va, vb); c8_1 = TAct.InRegisters<TOps, TVec>(c8_1, va, vb);
                c9_0 = TAct.InRegisters<TOps, TVec>(c9_0, va, vb); c9_1 = TAct.InRegisters<TOps, TVec>(c9_1, va, vb);
                c10_0 = TAct.InRegisters<TOps, TVec>(c10_0, va, vb); c10_1 = TAct.InRegisters<TOps, TVec>(c10_1, va, vb);
                c11_0 = TAct.InRegisters<TOps, TVec>(c11_0, va, vb); c11_1 = TAct.InRegisters<TOps, TVec>(c11_1, va, vb);
            }
        }
        TOps.Store(c + 0 * ldc, c0_0); TOps.Store(c + 0 * ldc + v, c0_1);
        TOps.Store(c + 1 * ldc, c1_0); TOps.Store(c + 1 * ldc + v, c1_1);
        TOps.Store(c + 2 * ldc, c2_0); TOps.Store(c + 2 * ldc + v, c2_1);
        TOps.Store(c + 3 * ldc, c3_0); TOps.Store(c + 3 * ldc + v, c3_1);
        if (TShape.Rows >= 8)
        {
            TOps.Store(c + 4 * ldc, c4_0); TOps.Store(c + 4 * ldc + v, c4_1);
            TOps.Store(c + 5 * ldc, c5_0); TOps.Store(c + 5 * ldc + v, c5_1);
            TOps.Store(c + 6 * ldc, c6_0); TOps.Store(c + 6 * ldc + v, c6_1);
            TOps.Store(c + 7 * ldc, c7_0); TOps.Store(c + 7 * ldc + v, c7_1);
        }
        if (TShape.Rows == 12)
        {
            TOps.Store(c + 8 * ldc, c8_0); TOps.Store(c + 8 * ldc + v, c8_1);
            TOps.Store(c + 9 * ldc, c9_0); TOps.Store(c + 9 * ldc + v, c9_1);
            TOps.Store(c + 10 * ldc, c10_0); TOps.Store(c + 10 * ldc + v, c10_1);
            TOps.Store(c + 11 * ldc, c11_0); TOps.Store(c + 11 * ldc + v, c11_1);
        }
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, TShape.Rows, alpha, beta);
    }
}
