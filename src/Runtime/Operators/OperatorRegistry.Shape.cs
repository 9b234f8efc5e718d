using Cnnrt.Graph;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterShape(Dictionary<string, Func<Node, int, Operator>> d)
    {
    }
}
