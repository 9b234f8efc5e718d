using System.Runtime.CompilerServices;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Gemm or MatMul against a constant weight matrix: Y[r] = act(W·A[r] + bias) for every row r of A, one GEMV per row
/// (rows are the batch, usually 1). W is packed at plan time as [N][K] — output features' weights contiguous along K —
/// with Gemm's alpha folded in; bias is beta·C broadcast to one row of N (or to every row when C varies by row).
/// </summary>
public sealed unsafe class F32FullyConnectedStep : Step
{
    private readonly AlignedFloats weights;
    private readonly AlignedFloats? bias;
    private readonly int rows, n, k, biasRowStride;
    private readonly FusedActivation activation;
    private readonly delegate*<float*, float*, int, int, float*, void> gemv;
    private readonly delegate*<float*, float*, int, float, float, void> epilogue;

    /// <param name="weightAt">W'[j, p], the weight of output feature j and input p, before alpha.</param>
    /// <param name="biasAt">The term added to output (row, j), or null for none.</param>
    /// <param name="biasVariesByRow">Whether <paramref name="biasAt"/> depends on the row.</param>
    public F32FullyConnectedStep(KernelIsa isa, Slot a, Slot y, int rows, int n, int k, Func<int, int, float> weightAt,
        float alpha, Func<int, int, float>? biasAt, bool biasVariesByRow, FusedActivation activation)
    {
        A = a;
        Y = y;
        this.rows = rows;
        this.n = n;
        this.k = k;
        this.activation = activation;
        gemv = F32Gemv.For(isa);
        epilogue = F32RowEpilogue.For(isa, activation.Kind);
        weights = new AlignedFloats((long)n * k);
        var w = weights.Span;
        for (int j = 0; j < n; j++)
        for (int p = 0; p < k; p++)
            w[j * k + p] = alpha * weightAt(j, p);
        if (biasAt is not null)
        {
            int biasRows = biasVariesByRow ? rows : 1;
            biasRowStride = biasVariesByRow ? n : 0;
            bias = new AlignedFloats((long)biasRows * n);
            for (int r = 0; r < biasRows; r++)
            for (int j = 0; j < n; j++)
                bias.Span[r * n + j] = biasAt(r, j);
        }
    }

    public Slot A { get; }
    public Slot Y { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run()
    {
        if (rows == 0 || n == 0) return;
        fixed (float* aBuffer = A.Buffer, yBuffer = Y.Buffer)
        {
            float* x = aBuffer + A.Offset, y = yBuffer + Y.Offset;
            for (int r = 0; r < rows; r++, x += k, y += n)
            {
                if (k == 0) new Span<float>(y, n).Clear();
                else gemv(weights.Pointer, x, k, n, y);
                if (bias is null && activation.Kind == ActivationKind.None) continue;
                epilogue(y, bias is null ? null : bias.Pointer + (nint)r * biasRowStride, n, activation.Alpha, activation.Beta);
            }
        }
    }
}
