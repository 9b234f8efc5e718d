using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// A layer's step followed by the residual Add (and activation) the planner folded into it, over the whole output
/// once the layer is done: for the layers whose kernels do not apply it tile by tile themselves (the reference
/// convolution, depthwise). One pass over the output instead of the Add's and the activation's two.
/// </summary>
public sealed unsafe class ResidualEpilogue : Step, IParallelWork
{
    private readonly Step layer;
    private readonly Slot y, values;
    private readonly ResidualRuns runs;
    private readonly WorkerPool? pool;
    private readonly RangeSplit split;

    public ResidualEpilogue(KernelIsa isa, Step layer, Slot y, ResidualAdd residual, WorkerPool? pool)
    {
        this.layer = layer;
        this.y = y;
        values = residual.Values;
        runs = ResidualRuns.For(isa, residual.Activation);
        this.pool = pool is { Threads: > 1 } ? pool : null;
        // Chunks a multiple of 32 floats: whole vectors of every width, so the split does not change the result.
        split = new RangeSplit(y.Length, this.pool, F32ElementwiseSteps.MinParallelFloats, 32);
    }

    public override void Run()
    {
        layer.Run();
        split.Run(this, pool);
    }

    public void Execute(int task, int thread)
    {
        int start = split.Start(task), length = split.Length(task);
        runs.Apply(y.Span.Slice(start, length), values.ReadOnly.Slice(start, length));
    }
}
