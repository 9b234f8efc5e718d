using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// <see cref="F32ConvMicroKernelPixels6x2V"/> for the last strip of output channels when it holds at most one vector of
/// real channels (M an odd multiple of the vector, or less than one past a whole strip: 48 = 32 + 16, 112 = 96 + 16 on
/// AVX-512): 6 pixels × 1 vector, reading the first half of each k's packed 2V weights and storing the first vector of
/// each C row, so the strip's zero half is neither multiplied nor stored. Same arguments and modes.
/// </summary>
public static unsafe class F32ConvMicroKernelPixels6x1V
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct>(float* src, nint* pixels, nint* offsets, int kc, float* w, float* c, nint ldc,
        float* bias, int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        nint v = TOps.Count;
        float* p0 = src + pixels[0], p1 = src + pixels[1], p2 = src + pixels[2];
        float* p3 = src + pixels[3], p4 = src + pixels[4], p5 = src + pixels[5];
        TVec c0, c1, c2, c3, c4, c5;
        if ((mode & F32GemmTile.Accumulate) != 0)
        {
            c0 = TOps.Load(c); c1 = TOps.Load(c + ldc); c2 = TOps.Load(c + 2 * ldc);
            c3 = TOps.Load(c + 3 * ldc); c4 = TOps.Load(c + 4 * ldc); c5 = TOps.Load(c + 5 * ldc);
        }
        else if (bias != null) c0 = c1 = c2 = c3 = c4 = c5 = TOps.Load(bias);
        else c0 = c1 = c2 = c3 = c4 = c5 = TOps.Zero;

        // Two k per iteration, as the 2V kernel: six FMAs a k leave the loop's own instructions a larger share.
        int k = 0;
        for (; k + 1 < kc; k += 2)
        {
            nint o = offsets[k], o1 = offsets[k + 1];
            TOps.Prefetch(w + 512);
            TVec b = TOps.Load(w), b1 = TOps.Load(w + 2 * v);
            c0 = TOps.MulAdd(TOps.Splat(p0[o]), b, c0); c1 = TOps.MulAdd(TOps.Splat(p1[o]), b, c1);
            c2 = TOps.MulAdd(TOps.Splat(p2[o]), b, c2); c3 = TOps.MulAdd(TOps.Splat(p3[o]), b, c3);
            c4 = TOps.MulAdd(TOps.Splat(p4[o]), b, c4); c5 = TOps.MulAdd(TOps.Splat(p5[o]), b, c5);
            c0 = TOps.MulAdd(TOps.Splat(p0[o1]), b1, c0); c1 = TOps.MulAdd(TOps.Splat(p1[o1]), b1, c1);
            c2 = TOps.MulAdd(TOps.Splat(p2[o1]), b1, c2); c3 = TOps.MulAdd(TOps.Splat(p3[o1]), b1, c3);
            c4 = TOps.MulAdd(TOps.Splat(p4[o1]), b1, c4); c5 = TOps.MulAdd(TOps.Splat(p5[o1]), b1, c5);
            w += 4 * v;
        }
        if (k < kc)
        {
            nint o = offsets[k];
            TVec b = TOps.Load(w);
            c0 = TOps.MulAdd(TOps.Splat(p0[o]), b, c0); c1 = TOps.MulAdd(TOps.Splat(p1[o]), b, c1);
            c2 = TOps.MulAdd(TOps.Splat(p2[o]), b, c2); c3 = TOps.MulAdd(TOps.Splat(p3[o]), b, c3);
            c4 = TOps.MulAdd(TOps.Splat(p4[o]), b, c4); c5 = TOps.MulAdd(TOps.Splat(p5[o]), b, c5);
        }

        if ((mode & F32GemmTile.Finish) != 0 && !TAct.AfterStore)
        {
            TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
            c0 = TAct.InRegisters<TOps, TVec>(c0, va, vb); c1 = TAct.InRegisters<TOps, TVec>(c1, va, vb);
            c2 = TAct.InRegisters<TOps, TVec>(c2, va, vb); c3 = TAct.InRegisters<TOps, TVec>(c3, va, vb);
            c4 = TAct.InRegisters<TOps, TVec>(c4, va, vb); c5 = TAct.InRegisters<TOps, TVec>(c5, va, vb);
        }
        TOps.Store(c, c0); TOps.Store(c + ldc, c1); TOps.Store(c + 2 * ldc, c2);
        TOps.Store(c + 3 * ldc, c3); TOps.Store(c + 4 * ldc, c4); TOps.Store(c + 5 * ldc, c5);
        if ((mode & F32GemmTile.Finish) != 0 && TAct.AfterStore)
            F32TileEpilogue.ApplyStored<TOps, TVec, TAct>(c, ldc, F32ConvMicroKernelPixels6x2V.Rows, alpha, beta, vectors: 1);
    }
}
