using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Register-blocked convolution micro-kernel with output pixels as rows and output channels as columns: C[6 pixels ×
/// 2V channels] (+)= X[6×kc]·W[kc×2V] (6×8 Vector128, 6×16 AVX2, 6×32 AVX-512; 12 accumulators + 2 weight vectors + 1
/// broadcast = 15 registers). The transpose of <see cref="F32GemmMicroKernel6x2V"/>, for convolutions whose output
/// planes are small (late CNN layers): padding the pixel count to 6 wastes far less than padding the layout's virtual
/// columns to 2V.
/// </summary>
/// <remarks>
/// Pixel r's input for tap k is read straight from the staged input at src + pixels[r] + offsets[k] and broadcast (no
/// im2col); the weights are packed k-major, w[k·2V + j]. C rows (pixels) are ldc apart. Without <see
/// cref="F32GemmTile.Accumulate"/> every row starts from the per-channel bias vector (or 0 when bias is null),
/// otherwise from C; with <see cref="F32GemmTile.Finish"/> the activation is applied before the store.
/// </remarks>
public static unsafe class F32ConvMicroKernelPixels6x2V
{
    public const int Rows = 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct>(float* src, nint* pixels, nint* offsets, int kc, float* w, float* c, nint ldc,
        float* bias, int mode, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        nint v = TOps.Count;
        float* p0 = src + pixels[0], p1 = src + pixels[1], p2 = src + pixels[2];
        float* p3 = src + pixels[3], p4 = src + pixels[4], p5 = src + pixels[5];
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
            TVec bias0 = TOps.Load(bias), bias1 = TOps.Load(bias + v);
            c0_0 = c1_0 = c2_0 = c3_0 = c4_0 = c5_0 = bias0;
            c0_1 = c1_1 = c2_1 = c3_1 = c4_1 = c5_1 = bias1;
        }
        else
        {
            c0_0 = c0_1 = c1_0 = c1_1 = c2_0 = c2_1 = c3_0 = c3_1 = c4_0 = c4_1 = c5_0 = c5_1 = TOps.Zero;
        }

        // Two k per iteration, as in F32GemmMicroKernel6x2V: at one k the loop's own instructions (offset load,
        // prefetch, pointer and counter updates, branch) left the front end short of issuing the 12 FMAs every 6 cycles.
        int k = 0;
        for (; k + 1 < kc; k += 2)
        {
            nint o = offsets[k];
            // The weights stream from L2/L3 (late layers hold megabytes); 2 KB ahead covers the page-crossing
            // gaps of the hardware prefetcher.
            TOps.Prefetch(w + 512);
            TVec b0 = TOps.Load(w), b1 = TOps.Load(w + v);
            TVec x;
            x = TOps.Splat(p0[o]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(p1[o]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(p2[o]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(p3[o]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(p4[o]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(p5[o]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
            o = offsets[k + 1];
            TOps.Prefetch(w + 512 + 2 * v);
            b0 = TOps.Load(w + 2 * v); b1 = TOps.Load(w + 3 * v);
            x = TOps.Splat(p0[o]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(p1[o]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(p2[o]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(p3[o]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(p4[o]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(p5[o]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
            w += 4 * v;
        }
        if (k < kc)
        {
            nint o = offsets[k];
            TVec b0 = TOps.Load(w), b1 = TOps.Load(w + v);
            TVec x;
            x = TOps.Splat(p0[o]); c0_0 = TOps.MulAdd(x, b0, c0_0); c0_1 = TOps.MulAdd(x, b1, c0_1);
            x = TOps.Splat(p1[o]); c1_0 = TOps.MulAdd(x, b0, c1_0); c1_1 = TOps.MulAdd(x, b1, c1_1);
            x = TOps.Splat(p2[o]); c2_0 = TOps.MulAdd(x, b0, c2_0); c2_1 = TOps.MulAdd(x, b1, c2_1);
            x = TOps.Splat(p3[o]); c3_0 = TOps.MulAdd(x, b0, c3_0); c3_1 = TOps.MulAdd(x, b1, c3_1);
            x = TOps.Splat(p4[o]); c4_0 = TOps.MulAdd(x, b0, c4_0); c4_1 = TOps.MulAdd(x, b1, c4_1);
            x = TOps.Splat(p5[o]); c5_0 = TOps.MulAdd(x, b0, c5_0); c5_1 = TOps.MulAdd(x, b1, c5_1);
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
