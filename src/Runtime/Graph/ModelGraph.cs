using Cnnrt.Tensors;

namespace Cnnrt.Graph;

/// <summary>
/// The intermediate representation: nodes in topological order, constant tensors by name, declared inputs and
/// outputs. Import produces it; passes rewrite it; the planner reads it.
/// </summary>
public sealed class ModelGraph
{
    public List<Node> Nodes { get; set; } = [];
    /// <summary>Constant tensors (initializers and folded values), by value name.</summary>
    public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);
    /// <summary>Runtime inputs (initializers that are also listed as inputs are not here).</summary>
    public List<ValueDecl> Inputs { get; } = [];
    public List<ValueDecl> Outputs { get; } = [];
    /// <summary>Opset version of the default ("" / "ai.onnx") domain.</summary>
    public int Opset { get; set; } = 13;
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    public string Name { get; set; } = "";
    public string Producer { get; set; } = "";

    public ModelGraph Clone()
    {
        var g = new ModelGraph { Opset = Opset, Name = Name, Producer = Producer };
        foreach (var n in Nodes)
            g.Nodes.Add(new Node
            {
                Name = n.Name, OpType = n.OpType, Domain = n.Domain, Inputs = (string[])n.Inputs.Clone(),
                Outputs = (string[])n.Outputs.Clone(), Attributes = new(n.Attributes, StringComparer.Ordinal),
            });
        foreach (var kv in Initializers) g.Initializers[kv.Key] = kv.Value;
        g.Inputs.AddRange(Inputs);
        g.Outputs.AddRange(Outputs);
        foreach (var kv in Metadata) g.Metadata[kv.Key] = kv.Value;
        return g;
    }
}
