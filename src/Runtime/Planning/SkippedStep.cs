using Cnnrt.Operators;

namespace Cnnrt.Planning;

/// <summary>What a layer the planner made redundant runs: nothing (a Concat whose inputs were written in place, an Add
/// and activation folded into the layer before them). Kept so that per-layer reports still list the layer.</summary>
public sealed class SkippedStep : Step
{
    public override void Run() { }
}
