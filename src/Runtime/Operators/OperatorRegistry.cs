using Cnnrt.Graph;

namespace Cnnrt.Operators;

/// <summary>
/// Maps ONNX op types (default domain) to operator constructors. Each operator family registers itself in its own
/// partial file (OperatorRegistry.Nn.cs, .Elementwise.cs, .Shape.cs).
/// </summary>
public static partial class OperatorRegistry
{
    /// <summary>Lowest and highest default-domain opset cnnrt reads.</summary>
    public const int MinOpset = 1, MaxOpset = 21;

    private static readonly Dictionary<string, Func<Node, int, Operator>> Factories = Build();

    private static Dictionary<string, Func<Node, int, Operator>> Build()
    {
        var d = new Dictionary<string, Func<Node, int, Operator>>(StringComparer.Ordinal);
        RegisterNn(d);
        RegisterElementwise(d);
        RegisterShape(d);
        return d;
    }

    static partial void RegisterNn(Dictionary<string, Func<Node, int, Operator>> d);
    static partial void RegisterElementwise(Dictionary<string, Func<Node, int, Operator>> d);
    static partial void RegisterShape(Dictionary<string, Func<Node, int, Operator>> d);

    public static IReadOnlyCollection<string> SupportedOps => Factories.Keys;

    public static bool IsSupported(string opType) => Factories.ContainsKey(opType);

    /// <summary>Binds an operator to a node; throws Unsupported naming the op and node when cnnrt lacks it.</summary>
    public static Operator Create(Node node, int opset)
    {
        if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
            throw CnnrtException.Unsupported($"{node.Describe()}: operator domain '{node.Domain}' is not supported (only the default ONNX domain)");
        if (!Factories.TryGetValue(node.OpType, out var factory))
            throw CnnrtException.Unsupported($"unknown operator '{node.OpType}' in node '{node.Name}'");
        return factory(node, opset);
    }
}
