using Cnnrt.Tensors;

namespace Cnnrt.Graph;

public enum AttributeKind { Float, Int, String, Tensor, Floats, Ints, Strings, Graph, Other }

/// <summary>One node attribute, as read from the model.</summary>
public sealed class NodeAttribute
{
    public required string Name { get; init; }
    public required AttributeKind Kind { get; init; }
    public float Float { get; init; }
    public long Int { get; init; }
    public string String { get; init; } = "";
    public Tensor? Tensor { get; init; }
    public float[] Floats { get; init; } = [];
    public long[] Ints { get; init; } = [];
    public string[] Strings { get; init; } = [];

    public override string ToString() => Kind switch
    {
        AttributeKind.Float => $"{Name}={Float}",
        AttributeKind.Int => $"{Name}={Int}",
        AttributeKind.String => $"{Name}=\"{String}\"",
        AttributeKind.Floats => $"{Name}=[{string.Join(",", Floats)}]",
        AttributeKind.Ints => $"{Name}=[{string.Join(",", Ints)}]",
        AttributeKind.Strings => $"{Name}=[{string.Join(",", Strings)}]",
        AttributeKind.Tensor => $"{Name}={Tensor}",
        _ => $"{Name}=<{Kind}>",
    };
}
