using Cnnrt.Graph;
using Cnnrt.Operators;

namespace Cnnrt.Passes;

/// <summary>
/// Evaluates, at load, every node whose inputs are all constants (Constant nodes, arithmetic on initializers) and
/// replaces it by initializers. Shape-dependent subgraphs fold later, in planning, once the input shape is known.
/// </summary>
public static class FoldConstants
{
    public static int Run(ModelGraph g)
    {
        int folded = 0;
        foreach (var node in g.Nodes.ToList())
        {
            bool allConstant = true;
            foreach (var i in node.Inputs)
                if (i.Length > 0 && !g.Initializers.ContainsKey(i)) { allConstant = false; break; }
            if (!allConstant) continue;
            var op = OperatorRegistry.Create(node, g.Opset);
            var inputs = node.Inputs.Select(i => i.Length > 0 ? g.Initializers[i] : null).ToArray();
            var outputs = op.Evaluate(inputs);
            for (int k = 0; k < node.Outputs.Length && k < outputs.Length; k++)
                if (node.Outputs[k].Length > 0) g.Initializers[node.Outputs[k]] = outputs[k];
            g.Nodes.Remove(node);
            folded++;
        }
        return folded;
    }
}
