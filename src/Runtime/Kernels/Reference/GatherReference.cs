namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Gather along an axis: with data viewed as [outer, axisDim, inner] and q indices,
/// out[o, j, i] = data[o, indices[j], i] (the output shape is data.shape[:axis] + indices.shape + data.shape[axis+1:]).
/// </summary>
public static class GatherReference
{
    /// <summary>
    /// Indices in [0, axisDim) (negative ones already counted from the end); returns the position of the first one
    /// that is not, or -1 when all are valid.
    /// </summary>
    public static int Normalize(ReadOnlySpan<long> indices, int axisDim, Span<int> normalized)
    {
        for (int j = 0; j < indices.Length; j++)
        {
            long v = indices[j] < 0 ? indices[j] + axisDim : indices[j];
            if (v < 0 || v >= axisDim) return j;
            normalized[j] = (int)v;
        }
        return -1;
    }

    /// <summary>Gathers with validated, non-negative indices.</summary>
    public static void Gather<T>(ReadOnlySpan<T> src, int outer, int axisDim, int inner, ReadOnlySpan<int> indices, Span<T> dst)
    {
        int d = 0;
        for (int o = 0; o < outer; o++)
        {
            int rowBase = o * axisDim;
            for (int j = 0; j < indices.Length; j++, d += inner)
                src.Slice((rowBase + indices[j]) * inner, inner).CopyTo(dst.Slice(d, inner));
        }
    }
}
