using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// One output pixel × 2 vectors of channels: the tail of a plane whose pixel count leaves 1 or 2 over a multiple of
/// 6 (7×7 = 8·6 + 1), which <see cref="F32ConvMicroKernelPixels6x2V"/> would pad to a whole panel of 6. Same
/// arguments and storage as that kernel (pixels[0] only, C one row). Four pairs of accumulators take k in turn and are
/// summed at the end, so the FMA latency is covered and the pixel costs about a quarter of a 6-pixel panel (a 7×7
/// plane's tail panel was a ninth of a 1×1 layer's time).
/// </summary>
public static unsafe class F32ConvMicroKernelPixel1x2V
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct>(float* src, nint* pixels, nint* offsets, int kc, float* w, float* c, nint ldc,
        float* bias, int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        nint v = TOps.Count;
        float* p = src + pixels[0];
        TVec a0, a1, b0 = TOps.Zero, b1 = TOps.Zero, d0 = TOps.Zero, d1 = TOps.Zero, e0 = TOps.Zero, e1 = TOps.Zero;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            a0 = TOps.Load(c); a1 = TOps.Load(c + v);
        }
        else if (bias != null)
        {
            a0 = TOps.Load(bias); a1 = TOps.Load(bias + v);
        }
        else
        {
            a0 = a1 = TOps.Zero;
        }

        int k = 0;
        for (; k + 3 < kc; k += 4)
        {
            TVec x = TOps.Splat(p[offsets[k]]);
            a0 = TOps.MulAdd(x, TOps.Load(w), a0); a1 = TOps.MulAdd(x, TOps.Load(w + v), a1);
            x = TOps.Splat(p[offsets[k + 1]]);
            b0 = TOps.MulAdd(x, TOps.Load(w + 2 * v), b0); b1 = TOps.MulAdd(x, TOps.Load(w + 3 * v), b1);
            x = TOps.Splat(p[offsets[k + 2]]);
            d0 = TOps.MulAdd(x, TOps.Load(w + 4 * v), d0); d1 = TOps.MulAdd(x, TOps.Load(w + 5 * v), d1);
            x = TOps.Splat(p[offsets[k + 3]]);
            e0 = TOps.MulAdd(x, TOps.Load(w + 6 * v), e0); e1 = TOps.MulAdd(x, TOps.Load(w + 7 * v), e1);
            w += 8 * v;
        }
        for (; k < kc; k++)
        {
            TVec x = TOps.Splat(p[offsets[k]]);
            a0 = TOps.MulAdd(x, TOps.Load(w), a0); a1 = TOps.MulAdd(x, TOps.Load(w + v), a1);
            w += 2 * v;
        }
        a0 = TOps.Add(TOps.Add(a0, b0), TOps.Add(d0, e0));
        a1 = TOps.Add(TOps.Add(a1, b1), TOps.Add(d1, e1));

        if ((mode & F32GemmTile.Finish) != 0 && !TAct.AfterStore)
        {
            TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
            a0 = TAct.InRegisters<TOps, TVec>(a0, va, vb); a1 = TAct.InRegisters<TOps, TVec>(a1, va, vb);
        }
        TOps.Store(c, a0); TOps.Store(c + v, a1);
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, 1, alpha, beta);
    }
}
