namespace Cnnrt.Kernels.Reference;

/// <summary>Transpose: out[i_0, ..., i_{n-1}] = in[j] where j[perm[k]] = i_k, i.e. output dim k is input dim perm[k].</summary>
public static class TransposeReference
{
    /// <summary>Output shape: out_shape[k] = shape[perm[k]]. The permutation must already be validated.</summary>
    public static int[] OutputShape(ReadOnlySpan<int> shape, ReadOnlySpan<int> perm)
    {
        var r = new int[perm.Length];
        for (int k = 0; k < perm.Length; k++) r[k] = shape[perm[k]];
        return r;
    }

    /// <summary>The copy plan: iterate the output shape, stepping the input by the stride of dim perm[k].</summary>
    public static StridedCopy Plan(ReadOnlySpan<int> shape, ReadOnlySpan<int> perm)
    {
        long[] inStrides = StridedCopy.RowMajorStrides(shape);
        var strides = new long[perm.Length];
        for (int k = 0; k < perm.Length; k++) strides[k] = inStrides[perm[k]];
        return new StridedCopy(OutputShape(shape, perm), strides, 0, Tensors.ShapeMath.Count(shape));
    }

    public static void Transpose<T>(ReadOnlySpan<T> src, ReadOnlySpan<int> shape, ReadOnlySpan<int> perm, Span<T> dst) =>
        Plan(shape, perm).Run(src, dst);
}
