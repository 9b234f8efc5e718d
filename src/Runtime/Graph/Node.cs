namespace Cnnrt.Graph;

/// <summary>
/// One operator application. Inputs and outputs are value names; an empty input name is an omitted optional input.
/// </summary>
public sealed class Node
{
    public required string Name { get; set; }
    public required string OpType { get; set; }
    public string Domain { get; set; } = "";
    public required string[] Inputs { get; set; }
    public required string[] Outputs { get; set; }
    public Dictionary<string, NodeAttribute> Attributes { get; init; } = new(StringComparer.Ordinal);

    /// <summary>"Conv node 'conv1'" — how errors name a node.</summary>
    public string Describe() => $"{OpType} node '{Name}'";

    public bool HasInput(int i) => i < Inputs.Length && Inputs[i].Length > 0;

    public NodeAttribute? Attr(string name) => Attributes.TryGetValue(name, out var a) ? a : null;

    public long GetInt(string name, long fallback) => Get(name, AttributeKind.Int)?.Int ?? fallback;
    public float GetFloat(string name, float fallback) => Get(name, AttributeKind.Float)?.Float ?? fallback;
    public string GetString(string name, string fallback) => Get(name, AttributeKind.String)?.String ?? fallback;
    public long[]? GetInts(string name) => Get(name, AttributeKind.Ints)?.Ints;
    public float[]? GetFloats(string name) => Get(name, AttributeKind.Floats)?.Floats;
    public Tensors.Tensor? GetTensor(string name) => Get(name, AttributeKind.Tensor)?.Tensor;

    public long RequireInt(string name) => Get(name, AttributeKind.Int)?.Int
        ?? throw CnnrtException.Model($"{Describe()}: required attribute '{name}' is missing");

    private NodeAttribute? Get(string name, AttributeKind kind)
    {
        if (!Attributes.TryGetValue(name, out var a)) return null;
        // ONNX writers sometimes store a single int list as INTS with one element and vice versa; accept only exact kinds.
        if (a.Kind != kind)
            throw CnnrtException.Model($"{Describe()}: attribute '{name}' is {a.Kind}, expected {kind}");
        return a;
    }

    public void SetAttribute(NodeAttribute a) => Attributes[a.Name] = a;

    public override string ToString() => $"{Describe()} ({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)})";
}
