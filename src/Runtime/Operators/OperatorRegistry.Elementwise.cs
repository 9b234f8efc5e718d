using Cnnrt.Graph;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterElementwise(Dictionary<string, Func<Node, int, Operator>> d)
    {
    }
}
