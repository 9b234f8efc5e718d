using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Reference kernels of the elementwise operators: one unary kernel and one broadcasting binary kernel, each generic
/// over the element type and an operator struct, plus Equal and Where. The broadcast index arithmetic lives in a
/// <see cref="LoopNest"/> built at plan time; these methods only walk it and allocate nothing.
/// </summary>
public static class ElementwiseReference
{
    /// <summary>y[i] = op(x[i]) over x's length.</summary>
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op) where TOp : struct, IUnaryOp<T>
    {
        y = y[..x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = op.Invoke(x[i]);
    }

    /// <summary>
    /// y = op(a, b) over <paramref name="nest"/>, whose operands are a, b and y. Inner runs where each input is
    /// contiguous or a single repeated element (equal shapes, a scalar, a per-channel vector) get their own loops.
    /// y may be a or b itself (an accumulation) when it is read at the same index it is written.
    /// </summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y, LoopNest nest)
        where T : INumber<T> where TOp : IBinaryOp
    {
        int n = nest.InnerCount, sa = nest.InnerStride(0), sb = nest.InnerStride(1), sy = nest.InnerStride(2);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
        {
            int oa = cursor[0], ob = cursor[1], oy = cursor[2];
            if (sy == 1 && sa == 1 && sb == 1)
            {
                var ra = a.Slice(oa, n);
                var rb = b.Slice(ob, n);
                var ry = y.Slice(oy, n);
                for (int i = 0; i < ry.Length; i++) ry[i] = TOp.Invoke(ra[i], rb[i]);
            }
            else if (sy == 1 && sa == 1 && sb == 0)
            {
                var ra = a.Slice(oa, n);
                var ry = y.Slice(oy, n);
                T s = b[ob];
                for (int i = 0; i < ry.Length; i++) ry[i] = TOp.Invoke(ra[i], s);
            }
            else if (sy == 1 && sa == 0 && sb == 1)
            {
                var rb = b.Slice(ob, n);
                var ry = y.Slice(oy, n);
                T s = a[oa];
                for (int i = 0; i < ry.Length; i++) ry[i] = TOp.Invoke(s, rb[i]);
            }
            else
            {
                for (int i = 0; i < n; i++) y[oy + i * sy] = TOp.Invoke(a[oa + i * sa], b[ob + i * sb]);
            }
        }
    }

    /// <summary>y = (a == b) over <paramref name="nest"/> (operands a, b, y); NaN equals nothing.</summary>
    public static void Equal<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> y, LoopNest nest) where T : INumber<T>
    {
        int n = nest.InnerCount, sa = nest.InnerStride(0), sb = nest.InnerStride(1), sy = nest.InnerStride(2);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
        {
            int oa = cursor[0], ob = cursor[1], oy = cursor[2];
            for (int i = 0; i < n; i++) y[oy + i * sy] = a[oa + i * sa] == b[ob + i * sb];
        }
    }

    /// <summary>z = condition ? x : y over <paramref name="nest"/> (operands condition, x, y, z).</summary>
    public static void Where<T>(ReadOnlySpan<bool> condition, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> z, LoopNest nest)
    {
        int n = nest.InnerCount;
        int sc = nest.InnerStride(0), sx = nest.InnerStride(1), sy = nest.InnerStride(2), sz = nest.InnerStride(3);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
        {
            int oc = cursor[0], ox = cursor[1], oy = cursor[2], oz = cursor[3];
            for (int i = 0; i < n; i++)
                z[oz + i * sz] = condition[oc + i * sc] ? x[ox + i * sx] : y[oy + i * sy];
        }
    }
}
