using Cnnrt.Graph;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterNn(Dictionary<string, Func<Node, int, Operator>> d)
    {
    }
}
