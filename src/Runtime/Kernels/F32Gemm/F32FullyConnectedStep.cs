using System.Runtime.CompilerServices;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Gemm or MatMul against a constant weight matrix: Y[r] = act(W·A[r] + bias) for every row r of A, one GEMV per row
/// (rows are the batch, usually 1). W is packed at plan time as [N][K] — output features' weights contiguous along K —
/// with Gemm's alpha folded in; bias is beta·C broadcast to one row of N (or to every row when C varies by row).
/// On a worker pool the output features are shared among the threads in chunks of whole vectors (each chunk starts
/// where a vector of the one-thread run would, so every output is computed by the same code), each streaming its
/// part of W: the layer is bound by reading W, and two cores read more of it per second than one.
/// </summary>
public sealed unsafe class F32FullyConnectedStep : Step, IParallelWork
{
    /// <summary>Weights below which a task is not worth handing out: 32K floats (128 KB) stream in a few microseconds,
    /// about what waking a worker costs.</summary>
    public const int MinParallelWeights = 32 * 1024;

    /// <summary>Chunks start at multiples of this many outputs: the widest vector, so the epilogue's vectors and the
    /// GEMV's four-row groups fall where they do on one thread.</summary>
    private const int ChunkAlign = 16;

    private readonly WorkerPool? pool;
    private readonly RangeSplit split;
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
        float alpha, Func<int, int, float>? biasAt, bool biasVariesByRow, FusedActivation activation, WorkerPool? pool = null)
    {
        A = a;
        Y = y;
        this.rows = rows;
        this.n = n;
        this.k = k;
        this.activation = activation;
        gemv = F32Gemv.For(isa);
        if (pool is { Threads: > 1 }) this.pool = pool;
        split = new RangeSplit(n, this.pool, (MinParallelWeights + Math.Max(1, k) - 1) / Math.Max(1, k), ChunkAlign);
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

    public override void Run()
    {
        if (rows == 0 || n == 0) return;
        split.Run(this, pool);
    }

    /// <summary>Output features [start, start + length) of every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int task, int thread)
    {
        int start = split.Start(task), length = split.Length(task);
        fixed (float* aBuffer = A.Buffer, yBuffer = Y.Buffer)
        {
            float* x = aBuffer + A.Offset, y = yBuffer + Y.Offset + start;
            float* w = weights.Pointer + (nint)start * k;
            for (int r = 0; r < rows; r++, x += k, y += n)
            {
                if (k == 0) new Span<float>(y, length).Clear();
                else gemv(w, x, k, length, y);
                if (bias is null && activation.Kind == ActivationKind.None) continue;
                epilogue(y, bias is null ? null : bias.Pointer + (nint)r * biasRowStride + start, length, activation.Alpha, activation.Beta);
            }
        }
    }
}
