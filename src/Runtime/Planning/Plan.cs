using Cnnrt.Operators;

namespace Cnnrt.Planning;

/// <summary>
/// A model bound to concrete input shapes: the steps to run in order, one arena holding every intermediate tensor,
/// and the slots of the graph inputs and outputs. Built once per input shape; <see cref="Run"/> allocates nothing.
/// </summary>
public sealed class Plan
{
    internal Plan(Step[] steps, float[] arena, Threading.ScratchSpace scratch, ValueInfo[] inputInfos, Slot[] inputSlots, ValueInfo[] outputInfos,
        Slot[] outputSlots, PlannedLayer[] layers, long intermediateBytes, Kernels.KernelIsa isa, IReadOnlySet<string> channelBlocked,
        Threading.WorkerPool? pool)
    {
        Pool = pool;
        ChannelBlockedValues = channelBlocked;
        Isa = isa;
        Steps = steps;
        Arena = arena;
        Scratch = scratch;
        InputInfos = inputInfos;
        InputSlots = inputSlots;
        OutputInfos = outputInfos;
        OutputSlots = outputSlots;
        Layers = layers;
        IntermediateBytes = intermediateBytes;
    }

    internal Step[] Steps { get; }
    /// <summary>The worker pool the steps run their tasks on (null: one thread).</summary>
    internal Threading.WorkerPool? Pool { get; }
    internal float[] Arena { get; }
    public ValueInfo[] InputInfos { get; }
    internal Slot[] InputSlots { get; }
    public ValueInfo[] OutputInfos { get; }
    internal Slot[] OutputSlots { get; }
    /// <summary>The nodes that run, with their inferred inputs and outputs.</summary>
    public IReadOnlyList<PlannedLayer> Layers { get; }

    /// <summary>Bytes of the one arena (all intermediate tensors, overlapped by lifetime).</summary>
    public long ArenaBytes => Arena.LongLength * sizeof(float);
    /// <summary>The per-thread scratch the steps share (see <see cref="Threading.ScratchSpace"/>).</summary>
    internal Threading.ScratchSpace Scratch { get; }
    /// <summary>Bytes of per-thread scratch the plan's steps share, all threads together.</summary>
    public long ScratchBytes => Scratch.Bytes;
    /// <summary>Bytes all intermediate tensors would take without sharing memory.</summary>
    public long IntermediateBytes { get; }

    /// <summary>The intermediate values stored channel-blocked (<see cref="Kernels.ChannelBlockedLayout"/>) rather than NCHW.</summary>
    public IReadOnlySet<string> ChannelBlockedValues { get; }

    public int StepCount => Steps.Length;
    /// <summary>The instruction-set path the plan's kernels use.</summary>
    public Kernels.KernelIsa Isa { get; }
    public IReadOnlyList<Step> StepList => Steps;

    public Span<float> Input(int index) => InputSlots[index].Span;
    public ReadOnlySpan<float> Output(int index) => OutputSlots[index].ReadOnly;

    public void Run()
    {
        var steps = Steps;
        for (int i = 0; i < steps.Length; i++) steps[i].Run();
    }
}
