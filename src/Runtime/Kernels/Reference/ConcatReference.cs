namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Concat and Split along an axis. With every tensor viewed as [outer, axisDim·inner], the output row o is the
/// inputs' rows o laid end to end; Split is the inverse. Each call moves one part.
/// </summary>
public static class ConcatReference
{
    /// <summary>Writes one input (rows of <paramref name="partRow"/> elements) at <paramref name="rowOffset"/> of each output row.</summary>
    public static void CopyInto<T>(ReadOnlySpan<T> part, int outer, int partRow, Span<T> dst, int dstRow, int rowOffset)
    {
        if (partRow == 0) return;
        for (int o = 0; o < outer; o++)
            part.Slice(o * partRow, partRow).CopyTo(dst.Slice(o * dstRow + rowOffset, partRow));
    }

    /// <summary>Reads one output part of Split from <paramref name="rowOffset"/> of each input row.</summary>
    public static void CopyOut<T>(ReadOnlySpan<T> src, int outer, int srcRow, int rowOffset, Span<T> part, int partRow)
    {
        if (partRow == 0) return;
        for (int o = 0; o < outer; o++)
            src.Slice(o * srcRow + rowOffset, partRow).CopyTo(part.Slice(o * partRow, partRow));
    }
}
