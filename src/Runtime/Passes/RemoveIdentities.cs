using Cnnrt.Graph;

namespace Cnnrt.Passes;

/// <summary>Drops Identity and inference-mode Dropout nodes by rewiring their consumers to their input.</summary>
public static class RemoveIdentities
{
    public static int Run(ModelGraph g)
    {
        int removed = 0;
        foreach (var node in g.Nodes.ToList())
        {
            if (node.OpType is not ("Identity" or "Dropout") || node.Domain.Length > 0) continue;
            if (node.OpType == "Dropout" && !IsInferenceDropout(g, node)) continue;
            string x = node.Inputs[0], y = node.Outputs[0];
            if (!GraphRewriter.IsGraphOutput(g, y))
            {
                GraphRewriter.RedirectConsumers(g, y, x);
            }
            else if (!GraphRewriter.IsGraphInput(g, x) && !GraphRewriter.IsGraphOutput(g, x) && !g.Initializers.ContainsKey(x))
            {
                // y is a graph output: let x's producer write y directly.
                foreach (var n in g.Nodes)
                    for (int k = 0; k < n.Outputs.Length; k++)
                        if (n.Outputs[k] == x) n.Outputs[k] = y;
                GraphRewriter.RedirectConsumers(g, x, y);
            }
            else continue; // input straight to output: the node is the graph's only content for it; keep it
            g.Nodes.Remove(node);
            removed++;
        }
        return removed;
    }

    // Dropout is an identity when its mask output is unused and training_mode (opset 12+ input 2) is absent or false.
    private static bool IsInferenceDropout(ModelGraph g, Node node)
    {
        if (node.Outputs.Length > 1 && node.Outputs[1].Length > 0 && GraphRewriter.ConsumerCounts(g).ContainsKey(node.Outputs[1]))
            return false;
        if (node.Outputs.Length > 1 && node.Outputs[1].Length > 0 && GraphRewriter.IsGraphOutput(g, node.Outputs[1]))
            return false;
        if (node.HasInput(2))
            return g.Initializers.TryGetValue(node.Inputs[2], out var t) && t.ElementAsInt64(0) == 0;
        return true;
    }
}
