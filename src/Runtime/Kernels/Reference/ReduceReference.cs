using System.Numerics;
using Cnnrt.Tensors;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Reductions over any set of axes: the input is walked once in order and each element is folded into the output
/// element it maps to (a <see cref="LoopNest"/> over the input shape whose output strides are 0 on reduced axes).
/// </summary>
public static class ReduceReference
{
    /// <summary>The nest of a reduction: operands are the input (contiguous) and the output (0 on reduced axes).</summary>
    public static LoopNest Nest(int[] inputShape, bool[] reduced)
    {
        var outputDims = new int[inputShape.Length];
        for (int d = 0; d < inputShape.Length; d++) outputDims[d] = reduced[d] ? 1 : inputShape[d];
        var outputStrides = ShapeMath.Strides(outputDims);
        for (int d = 0; d < inputShape.Length; d++) if (reduced[d]) outputStrides[d] = 0;
        return LoopNest.Create(inputShape, ShapeMath.Strides(inputShape), outputStrides);
    }

    /// <summary>y = fold of op over each reduced group, starting from <paramref name="identity"/> (empty groups keep it).</summary>
    public static void Reduce<T, TOp>(ReadOnlySpan<T> x, Span<T> y, LoopNest nest, T identity) where T : INumber<T> where TOp : IBinaryOp
    {
        y.Fill(identity);
        int n = nest.InnerCount, sx = nest.InnerStride(0), sy = nest.InnerStride(1);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
        {
            int ox = cursor[0], oy = cursor[1];
            if (sy == 0)
            {
                T acc = y[oy];
                for (int i = 0; i < n; i++) acc = TOp.Invoke(acc, x[ox + i * sx]);
                y[oy] = acc;
            }
            else
            {
                for (int i = 0; i < n; i++) y[oy + i * sy] = TOp.Invoke(y[oy + i * sy], x[ox + i * sx]);
            }
        }
    }

    public static void Sum<T>(ReadOnlySpan<T> x, Span<T> y, LoopNest nest) where T : INumber<T> =>
        Reduce<T, AddOp>(x, y, nest, T.Zero);

    /// <summary>Maximum; an empty group gives −inf (the most negative value for integers).</summary>
    public static void Max<T>(ReadOnlySpan<T> x, Span<T> y, LoopNest nest) where T : INumber<T> =>
        Reduce<T, MaxOp>(x, y, nest, T.CreateSaturating(double.NegativeInfinity));

    /// <summary>Sum divided by the group size <paramref name="count"/> (integers truncate; an empty group gives NaN or 0).</summary>
    public static void Mean<T>(ReadOnlySpan<T> x, Span<T> y, LoopNest nest, int count) where T : INumber<T>
    {
        Sum(x, y, nest);
        T n = T.CreateSaturating(count);
        for (int i = 0; i < y.Length; i++) y[i] = DivOp.Invoke(y[i], n);
    }
}
