using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Pad;

/// <summary>
/// Float32 Pad by rows: each output row (a line along the last axis) is either all constant, or the kept part of one
/// input row copied as a block with the few border elements around it looked up in a plan-time table — instead of
/// the reference's index arithmetic per element. Every mode (constant, edge, reflect, wrap) and negative pads (crops)
/// come from <see cref="PadReference.SourceIndex"/> at plan time, so results are the reference's, bit for bit.
/// </summary>
public sealed class F32PadStep : Step
{
    private readonly Slot x, y, value;
    private readonly float attributeValue;
    private readonly int rowLength, interiorStart, interiorSource, interiorLength;
    /// <summary>Per output row: the input offset of its source row, or −1 for a row of the constant.</summary>
    private readonly int[] rowSources;
    /// <summary>Output positions along the last axis outside the interior, and the input index each reads (−1: the constant).</summary>
    private readonly int[] borderPositions, borderSources;

    /// <param name="inShape">The input's shape, rank ≥ 1.</param>
    /// <param name="value">The constant_value input, or empty to use <paramref name="attributeValue"/>.</param>
    public F32PadStep(Slot x, Slot y, Slot value, float attributeValue, int[] inShape, int[] begin, int[] end, PadMode mode)
    {
        this.x = x;
        this.y = y;
        this.value = value;
        this.attributeValue = attributeValue;
        int rank = inShape.Length, last = rank - 1;
        int n = inShape[last];
        rowLength = n + begin[last] + end[last];
        interiorStart = Math.Max(0, begin[last]);
        interiorSource = Math.Max(0, -begin[last]);
        interiorLength = Math.Max(0, n - interiorSource - Math.Max(0, -end[last]));
        var positions = new List<int>();
        for (int o = 0; o < rowLength; o++)
            if (o < interiorStart || o >= interiorStart + interiorLength) positions.Add(o);
        borderPositions = [.. positions];
        borderSources = positions.Select(o => PadReference.SourceIndex(o, n, begin[last], end[last], mode)).ToArray();

        // The leading axes, last fastest, as the reference walks them.
        int rows = 1;
        for (int a = 0; a < last; a++) rows *= inShape[a] + begin[a] + end[a];
        rowSources = new int[rowLength == 0 ? 0 : rows];
        var counter = new int[rank];
        var strides = new int[rank];
        for (int a = last, s = 1; a >= 0; a--) { strides[a] = s; s *= inShape[a]; }
        for (int r = 0; r < rowSources.Length; r++)
        {
            int source = 0;
            for (int a = 0; a < last && source >= 0; a++)
            {
                int i = PadReference.SourceIndex(counter[a], inShape[a], begin[a], end[a], mode);
                source = i < 0 ? -1 : source + i * strides[a];
            }
            rowSources[r] = source;
            for (int a = last - 1; a >= 0; a--)
            {
                if (++counter[a] < inShape[a] + begin[a] + end[a]) break;
                counter[a] = 0;
            }
        }
    }

    public override void Run()
    {
        var input = x.ReadOnly;
        var output = y.Span;
        float v = value.IsEmpty ? attributeValue : value.ReadOnly[0];
        for (int r = 0; r < rowSources.Length; r++)
        {
            var row = output.Slice(r * rowLength, rowLength);
            int source = rowSources[r];
            if (source < 0) { row.Fill(v); continue; }
            input.Slice(source + interiorSource, interiorLength).CopyTo(row.Slice(interiorStart, interiorLength));
            for (int i = 0; i < borderPositions.Length; i++)
            {
                int s = borderSources[i];
                row[borderPositions[i]] = s < 0 ? v : input[source + s];
            }
        }
    }
}
