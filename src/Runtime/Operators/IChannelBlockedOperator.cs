namespace Cnnrt.Operators;

/// <summary>
/// An operator whose fast step can read inputs, or write its output, in the channel-blocked layout
/// (<see cref="Kernels.ChannelBlockedLayout"/>). The planner (<see cref="Planning.ChannelBlocking"/>) stores a value
/// blocked only where its producer writes it so and every reader reads it so, and tells the steps through
/// <see cref="StepContext.InputLanes"/> and <see cref="StepContext.OutputLanes"/>.
/// </summary>
public interface IChannelBlockedOperator
{
    /// <summary>Whether the step on <paramref name="isa"/> can write its output channel-blocked (for an operator with a
    /// <see cref="LayoutTiedInput"/>: when that input is blocked too).</summary>
    bool WritesChannelBlocked(ValueInfo?[] inputs, Kernels.KernelIsa isa);

    /// <summary>Whether the step on <paramref name="isa"/> can read input <paramref name="input"/> channel-blocked.</summary>
    bool ReadsChannelBlocked(ValueInfo?[] inputs, Kernels.KernelIsa isa, int input);

    /// <summary>The input that is blocked exactly when the output is (an elementwise operator keeps its operand's
    /// layout), or -1 where the two are independent.</summary>
    int LayoutTiedInput(ValueInfo?[] inputs) => -1;
}
