using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators.Shape;

/// <summary>The float step of Transpose, Slice, Expand, Tile, DepthToSpace and SpaceToDepth: one precomputed strided copy.</summary>
public sealed class StridedCopyStep(StridedCopy plan, Slot input, Slot output) : Step
{
    public override void Run() => plan.Run<float>(input.ReadOnly, output.Span);
}
