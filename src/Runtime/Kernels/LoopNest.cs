using System.Runtime.CompilerServices;
using Cnnrt.Tensors;

namespace Cnnrt.Kernels;

/// <summary>
/// A loop nest over an iteration shape in which each operand addresses its elements through its own strides (0 along
/// a broadcast or reduced dimension). Built once at plan time: dimensions of size 1 are dropped and adjacent
/// dimensions that every operand walks contiguously are merged, so equal shapes become one flat loop, a scalar operand
/// an inner stride of 0 and a per-channel vector against NCHW the three loops [N, C, H·W]. Kernels walk the outer
/// dimensions with a <see cref="LoopCursor"/> and run the innermost one themselves.
/// </summary>
public sealed class LoopNest
{
    /// <summary>Most operands one nest addresses (Where: condition, x, y and the output).</summary>
    public const int MaxOperands = 4;

    private readonly int[] shape;
    /// <summary>Stride of operand k along merged dimension d at [k * Rank + d].</summary>
    private readonly int[] strides;

    private LoopNest(int[] shape, int[] strides, int operands, int total)
    {
        this.shape = shape;
        this.strides = strides;
        OperandCount = operands;
        Total = total;
    }

    public int OperandCount { get; }
    /// <summary>Merged rank, at least 1; the last dimension is the inner loop.</summary>
    public int Rank => shape.Length;
    /// <summary>Iterations of the whole nest (0 when any dimension is 0).</summary>
    public int Total { get; }
    public int InnerCount => shape[^1];
    public int InnerStride(int operand) => strides[operand * Rank + Rank - 1];
    public int Dim(int d) => shape[d];
    public int Stride(int operand, int d) => strides[operand * Rank + d];

    /// <summary>The merged dimensions, for tests and diagnostics.</summary>
    public int[] MergedShape => (int[])shape.Clone();

    /// <summary>A nest over <paramref name="iterationShape"/>; each operand gives one stride per dimension.</summary>
    public static LoopNest Create(ReadOnlySpan<int> iterationShape, params int[][] operandStrides)
    {
        int operands = operandStrides.Length;
        if (operands is < 1 or > MaxOperands) throw new ArgumentException($"a loop nest takes 1 to {MaxOperands} operands, not {operands}");
        foreach (var s in operandStrides)
            if (s.Length != iterationShape.Length) throw new ArgumentException("one stride per dimension and operand");

        int total = ShapeMath.Count(iterationShape);
        if (total == 0) return new LoopNest([0], new int[operands], operands, 0);

        // Keep the dimensions longer than 1, merging each into the previous kept one when every operand steps
        // through the pair as through one dimension.
        var dims = new List<int>(iterationShape.Length);
        var kept = new List<int[]>(iterationShape.Length);
        for (int d = 0; d < iterationShape.Length; d++)
        {
            int n = iterationShape[d];
            if (n == 1) continue;
            if (dims.Count > 0 && Contiguous(kept[^1], operandStrides, d, n))
            {
                dims[^1] *= n;
                var merged = kept[^1];
                for (int k = 0; k < operands; k++) merged[k] = operandStrides[k][d];
                continue;
            }
            dims.Add(n);
            var column = new int[operands];
            for (int k = 0; k < operands; k++) column[k] = operandStrides[k][d];
            kept.Add(column);
        }
        if (dims.Count == 0)
        {
            dims.Add(1);
            kept.Add(new int[operands]);
        }

        int rank = dims.Count;
        var strides = new int[operands * rank];
        for (int d = 0; d < rank; d++)
            for (int k = 0; k < operands; k++) strides[k * rank + d] = kept[d][k];
        return new LoopNest([.. dims], strides, operands, total);
    }

    private static bool Contiguous(int[] outerStrides, int[][] operandStrides, int d, int n)
    {
        for (int k = 0; k < outerStrides.Length; k++)
            if ((long)outerStrides[k] != (long)operandStrides[k][d] * n) return false;
        return true;
    }

    /// <summary>
    /// The nest of a multidirectional (numpy) broadcast: operands are the inputs, read through
    /// <see cref="BroadcastStrides"/>, then the contiguous output of shape <paramref name="outputShape"/>.
    /// </summary>
    public static LoopNest ForBroadcast(int[] outputShape, params int[][] inputShapes)
    {
        var all = new int[inputShapes.Length + 1][];
        for (int i = 0; i < inputShapes.Length; i++) all[i] = BroadcastStrides(inputShapes[i], outputShape);
        all[^1] = ShapeMath.Strides(outputShape);
        return Create(outputShape, all);
    }

    /// <summary>
    /// Strides that read a tensor of <paramref name="inputShape"/> at each index of <paramref name="outputShape"/>
    /// (numpy alignment from the right; 0 along the dimensions the input broadcasts).
    /// </summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> inputShape, ReadOnlySpan<int> outputShape)
    {
        int offset = outputShape.Length - inputShape.Length;
        if (offset < 0) throw new ArgumentException("input has a higher rank than the output");
        var own = ShapeMath.Strides(inputShape);
        var s = new int[outputShape.Length];
        for (int d = 0; d < inputShape.Length; d++)
        {
            int n = inputShape[d];
            if (n != 1 && n != outputShape[d + offset])
                throw new ArgumentException($"shape {ShapeMath.Format(inputShape)} does not broadcast to {ShapeMath.Format(outputShape)}");
            s[d + offset] = n == 1 ? 0 : own[d];
        }
        return s;
    }
}

/// <summary>
/// Walks the outer dimensions of a <see cref="LoopNest"/> (an odometer), giving each operand's offset at the start of
/// every inner run. Allocates nothing: the caller provides the index counters (stackalloc of <c>Rank - 1</c>).
/// </summary>
public ref struct LoopCursor
{
    private readonly LoopNest nest;
    private readonly Span<int> index;
    private readonly int runs;
    private int runsLeft;
    private Offsets offsets;

    /// <param name="index">Scratch of at least <c>nest.Rank</c> ints (stackalloc); the cursor clears it.</param>
    public LoopCursor(LoopNest nest, Span<int> index)
    {
        this.nest = nest;
        this.index = index[..(nest.Rank - 1)];
        this.index.Clear();
        runs = runsLeft = nest.Total == 0 ? 0 : nest.Total / nest.InnerCount;
        offsets = default;
    }

    /// <summary>Offset of operand k at the start of the current inner run.</summary>
    public readonly int this[int operand] => offsets[operand];

    /// <summary>Advances to the next inner run (the first call to the first); false when the nest is done.</summary>
    public bool MoveNext()
    {
        if (runsLeft == 0) return false;
        if (runsLeft-- < runs) Advance();
        return true;
    }

    private void Advance()
    {
        int k = nest.OperandCount;
        for (int d = index.Length - 1; d >= 0; d--)
        {
            if (++index[d] < nest.Dim(d))
            {
                for (int o = 0; o < k; o++) offsets[o] += nest.Stride(o, d);
                return;
            }
            index[d] = 0;
            int back = nest.Dim(d) - 1;
            for (int o = 0; o < k; o++) offsets[o] -= nest.Stride(o, d) * back;
        }
    }

    [InlineArray(LoopNest.MaxOperands)]
    private struct Offsets
    {
        private int element;
    }
}
