namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Expand and Tile. Expand: out[i] = in[i'] with i' the right-aligned index where every broadcast (size-1 or missing)
/// input dim reads index 0. Tile: out[i_0, ..., i_{n-1}] = in[i_0 mod d_0, ..., i_{n-1} mod d_{n-1}].
/// </summary>
public static class BroadcastReference
{
    /// <summary>Copy plan for Expand of <paramref name="shape"/> to the (already broadcast) <paramref name="outShape"/>.</summary>
    public static StridedCopy ExpandPlan(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape)
    {
        long[] inStrides = StridedCopy.RowMajorStrides(shape);
        var strides = new long[outShape.Length];
        int lead = outShape.Length - shape.Length;
        for (int k = lead; k < outShape.Length; k++)
            strides[k] = shape[k - lead] == 1 ? 0 : inStrides[k - lead];
        return new StridedCopy(outShape, strides, 0, Tensors.ShapeMath.Count(shape));
    }

    /// <summary>
    /// Copy plan for Tile: the output [r_0·d_0, ..., r_{n-1}·d_{n-1}] is, row-major, the same as
    /// [r_0, d_0, ..., r_{n-1}, d_{n-1}], where each repeat dim has stride 0.
    /// </summary>
    public static StridedCopy TilePlan(ReadOnlySpan<int> shape, ReadOnlySpan<int> repeats)
    {
        long[] inStrides = StridedCopy.RowMajorStrides(shape);
        var iterShape = new int[2 * shape.Length];
        var strides = new long[2 * shape.Length];
        for (int k = 0; k < shape.Length; k++)
        {
            iterShape[2 * k] = repeats[k];
            iterShape[2 * k + 1] = shape[k];
            strides[2 * k + 1] = inStrides[k];
        }
        return new StridedCopy(iterShape, strides, 0, Tensors.ShapeMath.Count(shape));
    }

    public static void Expand<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape, Span<T> dst) =>
        ExpandPlan(shape, outShape).Run(src, dst);

    public static void Tile<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> shape, ReadOnlySpan<int> repeats, Span<T> dst) =>
        TilePlan(shape, repeats).Run(src, dst);
}
