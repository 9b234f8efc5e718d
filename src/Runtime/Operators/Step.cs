namespace Cnnrt.Operators;

/// <summary>
/// One node of a plan, bound to its input and output slots and to any packed weights. Created at plan time (may
/// allocate); <see cref="Run"/> must not allocate and must not throw for shapes the plan accepted.
/// </summary>
public abstract class Step
{
    /// <summary>The node this step runs, for per-layer reports.</summary>
    public required string NodeName { get; init; }
    public required string OpType { get; init; }

    public abstract void Run();
}

/// <summary>Everything an operator needs to build its step: what planning inferred and where each tensor lives.</summary>
public sealed class StepContext
{
    /// <summary>Input infos; null for an omitted optional input.</summary>
    public required ValueInfo?[] InputInfos { get; init; }
    public required ValueInfo[] OutputInfos { get; init; }
    /// <summary>Input slots (default/empty for an omitted input; constants point into their own arrays).</summary>
    public required Slot[] Inputs { get; init; }
    public required Slot[] Outputs { get; init; }
    /// <summary>The instruction-set path this plan uses; operators pick their kernel variant from it.</summary>
    public Kernels.KernelIsa Isa { get; init; } = Kernels.KernelIsa.Reference;
    /// <summary>The session's worker pool for steps that split into tiles; null runs single-threaded.</summary>
    public Threading.WorkerPool? Pool { get; init; }
    /// <summary>The plan's per-thread scratch, which steps that need scratch reserve their share of; null gives each
    /// such step a block of its own.</summary>
    public Threading.ScratchSpace? Scratch { get; init; }
    /// <summary>Set when the planner fused the residual Add after this layer (and the activation after that) into it;
    /// only operators that <see cref="Planning.ResidualFusion"/> picks (Conv) receive one.</summary>
    public ResidualAdd? Residual { get; init; }
    /// <summary>Set when the planner fused the MaxPool after this layer into it (<see cref="Planning.PoolFusion"/>):
    /// <see cref="Outputs"/>[0] is then the pool's output, while <see cref="OutputInfos"/> still describe the layer's own.</summary>
    public Kernels.F32Gemm.TileMaxPool? MaxPool { get; init; }
    /// <summary>Set on a depthwise Conv when the planner folded the pointwise Conv before it into it
    /// (<see cref="Planning.ExpandFusion"/>): <see cref="Inputs"/>[0] then has no storage, and the step reads the
    /// expansion's input instead.</summary>
    public PointwiseExpansion? Expansion { get; init; }
    /// <summary>Per input, lanes of the channel-blocked layout it is stored in, 0 for NCHW (empty: all NCHW); set only
    /// for an <see cref="IChannelBlockedOperator"/> that said it reads it so.</summary>
    public int[] InputLanes { get; init; } = [];
    /// <summary>Lanes of input <paramref name="input"/>'s layout, 0 for NCHW.</summary>
    public int InputLanesOf(int input) => input < InputLanes.Length ? InputLanes[input] : 0;
    /// <summary>Lanes of the channel-blocked layout <see cref="Outputs"/>[0] is stored in, 0 for NCHW; set only for an
    /// <see cref="IChannelBlockedOperator"/> that said it writes it so.</summary>
    public int OutputLanes { get; init; }
}
