using Cnnrt.Tensors;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// The common core of Transpose, Slice, Expand, Tile, DepthToSpace and SpaceToDepth: every one of them fills its
/// output row-major over some shape S, taking element (i_0, ..., i_{n-1}) from
/// <c>src[Offset + Σ i_k · Strides[k]]</c> (strides may be negative for reversed slices, or zero for broadcasting).
/// Built once (plan time); <see cref="Run{T}"/> allocates nothing.
/// </summary>
public sealed class StridedCopy
{
    /// <summary>Deepest odometer <see cref="Run{T}"/> keeps on the stack (twice the largest tensor rank, for Tile).</summary>
    private const int MaxDims = 64;

    private readonly int[] _shape;
    private readonly int[] _strides;
    private readonly int _offset;

    /// <summary>Number of elements written.</summary>
    public int Count { get; }

    /// <param name="shape">The iteration shape (its row-major order is the output order).</param>
    /// <param name="strides">Source stride of each iteration dimension.</param>
    /// <param name="offset">Source index of the first element.</param>
    /// <param name="sourceLength">Length of the source; every read index is checked against it here, once.</param>
    public StridedCopy(ReadOnlySpan<int> shape, ReadOnlySpan<long> strides, long offset, int sourceLength)
    {
        if (shape.Length != strides.Length) throw new ArgumentException("shape and strides differ in rank");
        if (shape.Length > MaxDims) throw CnnrtException.Limit($"strided copy of rank {shape.Length} exceeds {MaxDims}");
        Count = ShapeMath.Count(shape);

        // Lowest and highest source index reached, so Run can never index outside the source.
        long lo = offset, hi = offset;
        if (Count > 0)
            for (int k = 0; k < shape.Length; k++)
            {
                long reach = strides[k] * (shape[k] - 1);
                if (reach < 0) lo += reach; else hi += reach;
            }
        if (Count > 0 && (lo < 0 || hi >= sourceLength))
            throw new ArgumentException($"strided copy reads [{lo}, {hi}] outside a source of {sourceLength} elements");

        // Coalesce: drop unit dims and merge a dim into its inner neighbour when they walk memory contiguously, so
        // the innermost loop runs as long as possible (a transpose that keeps the last axes becomes a block copy).
        var dims = new List<(int Size, long Stride)>();
        for (int k = 0; k < shape.Length; k++)
        {
            if (shape[k] == 1) continue;
            if (dims.Count > 0 && dims[^1].Stride == strides[k] * shape[k])
                dims[^1] = (dims[^1].Size * shape[k], strides[k]);
            else dims.Add((shape[k], strides[k]));
        }
        _shape = new int[dims.Count];
        _strides = new int[dims.Count];
        for (int k = 0; k < dims.Count; k++) { _shape[k] = dims[k].Size; _strides[k] = (int)dims[k].Stride; }
        _offset = (int)offset;
    }

    /// <summary>Reads <paramref name="src"/> through the view into the first <see cref="Count"/> elements of dst.</summary>
    public void Run<T>(ReadOnlySpan<T> src, Span<T> dst)
    {
        if (Count == 0) return;
        int rank = _shape.Length;
        if (rank == 0) { dst[0] = src[_offset]; return; }

        int inner = _shape[rank - 1], innerStride = _strides[rank - 1];
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int s = _offset, d = 0;
        while (true)
        {
            if (innerStride == 1) src.Slice(s, inner).CopyTo(dst.Slice(d, inner));
            else for (int i = 0, p = s; i < inner; i++, p += innerStride) dst[d + i] = src[p];
            d += inner;

            int k = rank - 2;
            for (; k >= 0; k--)
            {
                s += _strides[k];
                if (++index[k] < _shape[k]) break;
                s -= _strides[k] * _shape[k];
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }

    /// <summary>Row-major strides as longs (the unit every view below is built from).</summary>
    public static long[] RowMajorStrides(ReadOnlySpan<int> shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }
}
