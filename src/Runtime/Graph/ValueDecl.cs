using Cnnrt.Tensors;

namespace Cnnrt.Graph;

/// <summary>A declared graph input or output: name, element type and shape, where a dimension may be symbolic.</summary>
public sealed class ValueDecl
{
    public required string Name { get; init; }
    public DataType Type { get; init; } = DataType.Float;
    /// <summary>Declared dims; -1 for a symbolic or unknown dimension. Null when the rank is unknown.</summary>
    public int[]? Dims { get; init; }
    /// <summary>Symbolic names of the dims ("batch", "N"); null entries for fixed dims.</summary>
    public string?[]? DimNames { get; init; }

    public bool IsFullyKnown => Dims is not null && Array.TrueForAll(Dims, d => d >= 0);

    public override string ToString()
    {
        if (Dims is null) return $"{Name}: {DataTypes.Name(Type)}[?]";
        var parts = new string[Dims.Length];
        for (int i = 0; i < Dims.Length; i++) parts[i] = Dims[i] >= 0 ? Dims[i].ToString() : DimNames?[i] ?? "?";
        return $"{Name}: {DataTypes.Name(Type)}[{string.Join("x", parts)}]";
    }
}
