namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Slice: along each sliced axis, out index i reads in index start + i·step for the count of indices from start
/// towards end (exclusive). Starts and ends are clamped exactly as ONNX defines.
/// </summary>
public static class SliceReference
{
    /// <summary>
    /// ONNX's clamping for one axis of size <paramref name="dim"/>: negative start/end count from the end; then for
    /// step &gt; 0 both clamp to [0, dim], for step &lt; 0 start clamps to [0, dim-1] and end to [-1, dim-1]; the count is
    /// max(0, ceil((end - start) / step)). Works for the INT64_MAX / INT64_MIN sentinels exporters use.
    /// </summary>
    public static (int Start, int Count) Resolve(int dim, long start, long end, long step)
    {
        if (step == 0) throw new ArgumentException("slice step 0");
        if (dim == 0) return (0, 0);
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
        }
        else
        {
            start = Math.Clamp(start, 0, Math.Max(dim - 1, 0));
            end = Math.Clamp(end, -1, dim - 1);
        }
        // ceil(span / step), written so a huge step cannot overflow
        long span = end - start;
        long count = step > 0 ? (span <= 0 ? 0 : (span - 1) / step + 1) : (span >= 0 ? 0 : (span + 1) / step + 1);
        return ((int)start, (int)count);
    }

    /// <summary>
    /// The copy plan for resolved per-axis starts, counts and steps (every axis of <paramref name="shape"/>; an
    /// unsliced axis has start 0, count dim, step 1).
    /// </summary>
    public static StridedCopy Plan(ReadOnlySpan<int> shape, ReadOnlySpan<int> starts, ReadOnlySpan<int> counts, ReadOnlySpan<long> steps)
    {
        long[] inStrides = StridedCopy.RowMajorStrides(shape);
        var strides = new long[shape.Length];
        long offset = 0;
        for (int k = 0; k < shape.Length; k++)
        {
            // a step only matters when it is taken; a single element may have a step far beyond the axis
            strides[k] = counts[k] > 1 ? inStrides[k] * steps[k] : 0;
            if (counts[k] > 0) offset += inStrides[k] * starts[k];
        }
        return new StridedCopy(counts, strides, offset, Tensors.ShapeMath.Count(shape));
    }

    public static void Slice<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> shape, ReadOnlySpan<int> starts, ReadOnlySpan<int> counts,
        ReadOnlySpan<long> steps, Span<T> dst) => Plan(shape, starts, counts, steps).Run(src, dst);
}
