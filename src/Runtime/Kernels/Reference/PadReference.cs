namespace Cnnrt.Kernels.Reference;

/// <summary>ONNX Pad modes.</summary>
public enum PadMode { Constant, Reflect, Edge, Wrap }

/// <summary>
/// Pad from the ONNX definition, for any element type. Negative pads crop; cropping applies first, so edge, reflect
/// and wrap padding mirror the cropped extent (as onnxruntime does).
/// </summary>
public static class PadReference
{
    /// <summary>
    /// Pads <paramref name="x"/> (shape <paramref name="inShape"/>) into <paramref name="y"/>, whose axis i has
    /// inShape[i] + padsBegin[i] + padsEnd[i] elements. Allocates nothing.
    /// </summary>
    public static void Pad<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> inShape, Span<T> y, ReadOnlySpan<int> padsBegin,
        ReadOnlySpan<int> padsEnd, PadMode mode, T value)
    {
        int rank = inShape.Length;
        if (rank == 0) { y[0] = x[0]; return; }
        Span<int> inStrides = stackalloc int[rank];
        Span<int> counter = stackalloc int[rank];
        int stride = 1;
        for (int a = rank - 1; a >= 0; a--) { inStrides[a] = stride; stride *= inShape[a]; }

        int last = rank - 1;
        int rowLength = inShape[last] + padsBegin[last] + padsEnd[last];
        if (rowLength == 0) return;
        int rows = y.Length / rowLength;
        for (int r = 0; r < rows; r++)
        {
            var row = y.Slice(r * rowLength, rowLength);
            int source = 0;
            bool padded = false;
            for (int a = 0; a < last && !padded; a++)
            {
                int s = SourceIndex(counter[a], inShape[a], padsBegin[a], padsEnd[a], mode);
                if (s < 0) padded = true;
                else source += s * inStrides[a];
            }
            if (padded) row.Fill(value);
            else
                for (int o = 0; o < rowLength; o++)
                {
                    int s = SourceIndex(o, inShape[last], padsBegin[last], padsEnd[last], mode);
                    row[o] = s < 0 ? value : x[source + s];
                }
            // Advance the output coordinates of the leading axes, last leading axis fastest.
            for (int a = last - 1; a >= 0; a--)
            {
                if (++counter[a] < inShape[a] + padsBegin[a] + padsEnd[a]) break;
                counter[a] = 0;
            }
        }
    }

    /// <summary>
    /// The input index that output index <paramref name="o"/> of an axis of <paramref name="n"/> elements reads, or −1
    /// for the constant. The axis is first cropped by its negative pads, then padded by its positive ones.
    /// </summary>
    public static int SourceIndex(int o, int n, int padBegin, int padEnd, PadMode mode)
    {
        int cropBegin = Math.Max(0, -padBegin);
        int kept = n - cropBegin - Math.Max(0, -padEnd);
        int i = o - Math.Max(0, padBegin);
        if (i >= 0 && i < kept) return i + cropBegin;
        switch (mode)
        {
            case PadMode.Edge:
                return Math.Clamp(i, 0, kept - 1) + cropBegin;
            case PadMode.Reflect:
            {
                if (kept == 1) return cropBegin;
                int period = 2 * (kept - 1);
                int m = ((i % period) + period) % period;
                return (m < kept ? m : period - m) + cropBegin;
            }
            case PadMode.Wrap:
                return ((i % kept) + kept) % kept + cropBegin;
            default:
                return -1;
        }
    }
}
