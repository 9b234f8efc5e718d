using Cnnrt.Graph;
using Cnnrt.Operators;

namespace Cnnrt.Planning;

/// <summary>A node that survives planning, with what was inferred for it: the rows of `cnnrt inspect`.</summary>
public sealed class PlannedLayer
{
    public required Node Node { get; init; }
    public required Operator Operator { get; init; }
    public required ValueInfo?[] Inputs { get; init; }
    public required ValueInfo[] Outputs { get; init; }
}
