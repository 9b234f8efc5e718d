using Cnnrt.Operators;

namespace Cnnrt.Kernels.Reference;

/// <summary>Matrix products from the ONNX Gemm and MatMul definitions (row-major, float32, K-ordered sums).</summary>
public static class GemmReference
{
    /// <summary>
    /// Y = act(alpha·A'·B' + beta·C), Y is M×N; A' = Aᵀ when <paramref name="transA"/> (A stored K×M, else M×K), B' = Bᵀ
    /// when <paramref name="transB"/> (B stored N×K, else K×N). C is read at i·cRowStride + j·cColStride, so a stride of
    /// 0 broadcasts a dimension of size 1; an empty C adds nothing.
    /// </summary>
    public static void Gemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> y,
        int m, int n, int k, bool transA, bool transB, float alpha, float beta, int cRowStride, int cColStride,
        FusedActivation activation)
    {
        int aRow = transA ? 1 : k, aCol = transA ? m : 1;
        int bRow = transB ? 1 : n, bCol = transB ? k : 1;
        bool hasC = !c.IsEmpty;
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float sum = 0f;
            for (int p = 0; p < k; p++) sum += a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
            float v = alpha * sum;
            if (hasC) v += beta * c[i * cRowStride + j * cColStride];
            y[i * n + j] = activation.Apply(v);
        }
    }

    /// <summary>
    /// Batched Y[t] = A[t]·B[t] for t in [0, batch): A[t] (M×K) starts at <paramref name="aOffsets"/>[t], B[t] (K×N) at
    /// <paramref name="bOffsets"/>[t]; Y is batch×M×N contiguous. Broadcast batches share offsets.
    /// </summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y,
        ReadOnlySpan<int> aOffsets, ReadOnlySpan<int> bOffsets, int m, int n, int k)
    {
        for (int t = 0; t < aOffsets.Length; t++)
        {
            int ao = aOffsets[t], bo = bOffsets[t], yo = t * m * n;
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[ao + i * k + p] * b[bo + p * n + j];
                y[yo + i * n + j] = sum;
            }
        }
    }
}
