using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Gemm;

namespace Cnnrt.Kernels.F32Winograd;

/// <summary>
/// The F(4×4, 3×3) input and output transforms, vectorized across tiles: lane l of every vector belongs to tile l of
/// a group of <c>TOps.Count</c> tiles, so each 2-D transform is 12 one-dimensional ones on whole vectors (6 columns,
/// then 6 or 4 rows) and the transformed values land exactly where the GEMM reads them: point ξ of the group's tiles
/// is one contiguous vector of a B row. Only multiply-adds by constants are used (the vector abstraction has no
/// subtraction; an FMA by −1 costs the same as a subtraction and rounds the same).
/// </summary>
public static unsafe class F32WinogradTransforms
{
    /// <summary>
    /// V = Bᵀ·d·B for a group of tiles. <paramref name="d"/> holds the gathered input tiles, d[(r·6 + s)·lanes + l],
    /// and is overwritten (it keeps the column pass); point ξ = i·6 + j goes to v + ξ·<paramref name="pointStride"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Input<TOps, TVec>(float* d, float* v, nint pointStride)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        nint n = TOps.Count;
        for (int s = 0; s < WinogradF43.In; s++)
        {
            float* col = d + s * n;
            Input6<TOps, TVec>(TOps.Load(col), TOps.Load(col + 6 * n), TOps.Load(col + 12 * n), TOps.Load(col + 18 * n),
                TOps.Load(col + 24 * n), TOps.Load(col + 30 * n), col, 6 * n);
        }
        for (int i = 0; i < WinogradF43.In; i++)
        {
            float* row = d + i * 6 * n;
            Input6<TOps, TVec>(TOps.Load(row), TOps.Load(row + n), TOps.Load(row + 2 * n), TOps.Load(row + 3 * n),
                TOps.Load(row + 4 * n), TOps.Load(row + 5 * n), v + i * 6 * pointStride, pointStride);
        }
    }

    /// <summary>
    /// Y = Aᵀ·m·A + bias, then the fused activation, for a group of tiles. Point ξ of the GEMM result is at
    /// m + ξ·<paramref name="pointStride"/>; <paramref name="columns"/> holds the column pass (24 vectors); output
    /// (i, j) of lane l goes to y[(i·4 + j)·lanes + l].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Output<TOps, TVec, TAct>(float* m, nint pointStride, float* columns, float bias, float alpha, float beta, float* y)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        nint n = TOps.Count;
        for (int s = 0; s < WinogradF43.In; s++)
        {
            float* col = m + s * pointStride;
            nint r = 6 * pointStride;
            Output6<TOps, TVec>(TOps.Load(col), TOps.Load(col + r), TOps.Load(col + 2 * r), TOps.Load(col + 3 * r),
                TOps.Load(col + 4 * r), TOps.Load(col + 5 * r), out var y0, out var y1, out var y2, out var y3);
            TOps.Store(columns + s * n, y0);
            TOps.Store(columns + (6 + s) * n, y1);
            TOps.Store(columns + (12 + s) * n, y2);
            TOps.Store(columns + (18 + s) * n, y3);
        }
        TVec b = TOps.Splat(bias), va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        for (int i = 0; i < WinogradF43.Out; i++)
        {
            float* row = columns + i * 6 * n;
            Output6<TOps, TVec>(TOps.Load(row), TOps.Load(row + n), TOps.Load(row + 2 * n), TOps.Load(row + 3 * n),
                TOps.Load(row + 4 * n), TOps.Load(row + 5 * n), out var y0, out var y1, out var y2, out var y3);
            float* o = y + i * 4 * n;
            TOps.Store(o, TAct.Apply<TOps, TVec>(TOps.Add(y0, b), va, vb));
            TOps.Store(o + n, TAct.Apply<TOps, TVec>(TOps.Add(y1, b), va, vb));
            TOps.Store(o + 2 * n, TAct.Apply<TOps, TVec>(TOps.Add(y2, b), va, vb));
            TOps.Store(o + 3 * n, TAct.Apply<TOps, TVec>(TOps.Add(y3, b), va, vb));
        }
    }

    /// <summary>One row or column of Bᵀ·d: the six rows of Bᵀ, stored <paramref name="stride"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Input6<TOps, TVec>(TVec d0, TVec d1, TVec d2, TVec d3, TVec d4, TVec d5, float* o, nint stride)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        TVec minus1 = TOps.Splat(-1f);
        TVec d4MinusD2 = TOps.MulAdd(d2, minus1, d4), d3MinusD1 = TOps.MulAdd(d1, minus1, d3);
        TOps.Store(o, TOps.MulAdd(d2, TOps.Splat(-5f), TOps.MulAdd(d0, TOps.Splat(4f), d4)));
        TOps.Store(o + stride, TOps.MulAdd(TOps.Add(d1, d2), TOps.Splat(-4f), TOps.Add(d3, d4)));
        TOps.Store(o + 2 * stride, TOps.MulAdd(TOps.MulAdd(d2, minus1, d1), TOps.Splat(4f), TOps.MulAdd(d3, minus1, d4)));
        TOps.Store(o + 3 * stride, TOps.MulAdd(d3MinusD1, TOps.Splat(2f), d4MinusD2));
        TOps.Store(o + 4 * stride, TOps.MulAdd(d3MinusD1, TOps.Splat(-2f), d4MinusD2));
        TOps.Store(o + 5 * stride, TOps.MulAdd(d3, TOps.Splat(-5f), TOps.MulAdd(d1, TOps.Splat(4f), d5)));
    }

    /// <summary>One row or column of Aᵀ·m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Output6<TOps, TVec>(TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5,
        out TVec y0, out TVec y1, out TVec y2, out TVec y3)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        TVec minus1 = TOps.Splat(-1f);
        TVec sum12 = TOps.Add(m1, m2), diff12 = TOps.MulAdd(m2, minus1, m1);
        TVec sum34 = TOps.Add(m3, m4), diff34 = TOps.MulAdd(m4, minus1, m3);
        y0 = TOps.Add(TOps.Add(m0, sum12), sum34);
        y1 = TOps.MulAdd(diff34, TOps.Splat(2f), diff12);
        y2 = TOps.MulAdd(sum34, TOps.Splat(4f), sum12);
        y3 = TOps.MulAdd(diff34, TOps.Splat(8f), TOps.Add(diff12, m5));
    }
}
