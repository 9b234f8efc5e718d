using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>The shape of a partial-panel kernel: the rows it computes, and the rows of the packed panel it reads.</summary>
public interface IPartialPanel
{
    /// <summary>Rows computed and stored: 4 or 8.</summary>
    static abstract int Rows { get; }
    /// <summary>MR of the packed panel (6 or 12): the stride of A per k.</summary>
    static abstract int PanelRows { get; }
}

public readonly struct FourOfSix : IPartialPanel
{
    public static int Rows => 4;
    public static int PanelRows => 6;
}

public readonly struct FourOfTwelve : IPartialPanel
{
    public static int Rows => 4;
    public static int PanelRows => 12;
}

public readonly struct EightOfTwelve : IPartialPanel
{
    public static int Rows => 8;
    public static int PanelRows => 12;
}

/// <summary>
/// The first 4 or 8 rows of a packed MR-row panel × 2 vectors of columns: the last panel of a layer whose output
/// channels are not a multiple of MR (16 = 12 + 4, 32 = 24 + 8 on AVX-512's 12-row panels; 16 = 12 + 4 on AVX2's 6),
/// which the full kernel computed whole, padding rows included, into scratch and then copied out (MobileNetV2's
/// 32→16 layer at 112×112 ran at 86 GF/s against 150 for its full-panel layers). It reads the panel as packed (A
/// advances MR floats per k), stores its rows straight into C, and otherwise behaves as
/// <see cref="F32GemmMicroKernel12x2V"/>. With 4 rows a k is 8 FMAs on 2 loads of B and 4 broadcasts, still enough
/// independent chains for two FMA ports.
/// </summary>
public static unsafe class F32GemmMicroKernelPartialPanel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct, TShape>(float* a, float* b, nint* offsets, int kc, float* c, nint ldc, float* bias,
        int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
        where TShape : unmanaged, IPartialPanel
    {
        nint v = TOps.Count;
        bool eight = TShape.Rows == 8;
        TVec c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1, c6_0, c6_1, c7_0, c7_1;
        c4_0 = c4_1 = c5_0 = c5_1 = c6_0 = c6_1 = c7_0 = c7_1 = TOps.Zero;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            c0_0 = TOps.Load(c); c0_1 = TOps.Load(c + v);
            c1_0 = TOps.Load(c + 1 * ldc); c1_1 = TOps.Load(c + 1 * ldc + v);
            c2_0 = TOps.Load(c + 2 * ldc); c2_1 = TOps.Load(c + 2 * ldc + v);
            c3_0 = TOps.Load(c + 3 * ldc); c3_1 = TOps.Load(c + 3 * ldc + v);
            if (eight)
            {
                c4_0 = TOps.Load(c + 4 * ldc); c4_1 = TOps.Load(c + 4 * ldc + v);
                c5_0 = TOps.Load(c + 5 * ldc); c5_1 = TOps.Load(c + 5 * ldc + v);
                c6_0 = TOps.Load(c + 6 * ldc); c6_1 = TOps.Load(c + 6 * ldc + v);
                c7_0 = TOps.Load(c + 7 * ldc); c7_1 = TOps.Load(c + 7 * ldc + v);
            }
        }
        else if (bias != null)
        {
            c0_0 = c0_1 = TOps.Splat(bias[0]);
            c1_0 = c1_1 = TOps.Splat(bias[1]);
            c2_0 = c2_1 = TOps.Splat(bias[2]);
            c3_0 = c3_1 = TOps.Splat(bias[3]);
            if (eight)
            {
                c4_0 = c4_1 = TOps.Splat(bias[4]);
                c5_0 = c5_1 = TOps.Splat(bias[5]);
                c6_0 = c6_1 = TOps.Splat(bias[6]);
                c7_0 = c7_1 = TOps.Splat(bias[7]);
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
            TVec b0 = TOps.Load(bk), b1 = TOps.Load(bk + v);
            TVec x;
            x = TOps.Splat(a[0]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(a[1]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(a[2]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(a[3]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            if (eight)
            {
                x = TOps.Splat(a[4]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
                x = TOps.Splat(a[5]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
                x = TOps.Splat(a[6]); c6_0 = TOps.MulAdd(x, b0, c6_0); c6_1 = TOps.MulAdd(x, b1, c6_1);
                x = TOps.Splat(a[7]); c7_0 = TOps.MulAdd(x, b0, c7_0); c7_1 = TOps.MulAdd(x, b1, c7_1);
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
            if (eight)
            {
                c4_0 = TAct.InRegisters<TOps, TVec>(c4_0, va, vb); c4_1 = TAct.InRegisters<TOps, TVec>(c4_1, va, vb);
                c5_0 = TAct.InRegisters<TOps, TVec>(c5_0, va, vb); c5_1 = TAct.InRegisters<TOps, TVec>(c5_1, va, vb);
                c6_0 = TAct.InRegisters<TOps, TVec>(c6_0, va, vb); c6_1 = TAct.InRegisters<TOps, TVec>(c6_1, va, vb);
                c7_0 = TAct.InRegisters<TOps, TVec>(c7_0, va, vb); c7_1 = TAct.InRegisters<TOps, TVec>(c7_1, va, vb);
            }
        }
        TOps.Store(c, c0_0); TOps.Store(c + v, c0_1);
        TOps.Store(c + 1 * ldc, c1_0); TOps.Store(c + 1 * ldc + v, c1_1);
        TOps.Store(c + 2 * ldc, c2_0); TOps.Store(c + 2 * ldc + v, c2_1);
        TOps.Store(c + 3 * ldc, c3_0); TOps.Store(c + 3 * ldc + v, c3_1);
        if (eight)
        {
            TOps.Store(c + 4 * ldc, c4_0); TOps.Store(c + 4 * ldc + v, c4_1);
            TOps.Store(c + 5 * ldc, c5_0); TOps.Store(c + 5 * ldc + v, c5_1);
            TOps.Store(c + 6 * ldc, c6_0); TOps.Store(c + 6 * ldc + v, c6_1);
            TOps.Store(c + 7 * ldc, c7_0); TOps.Store(c + 7 * ldc + v, c7_1);
        }
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, TShape.Rows, alpha, beta);
    }
}
