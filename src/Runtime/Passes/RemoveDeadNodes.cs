using Cnnrt.Graph;

namespace Cnnrt.Passes;

/// <summary>Drops nodes and initializers that no graph output depends on.</summary>
public static class RemoveDeadNodes
{
    public static int Run(ModelGraph g)
    {
        var live = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var keep = new List<Node>(g.Nodes.Count);
        for (int n = g.Nodes.Count - 1; n >= 0; n--)
        {
            var node = g.Nodes[n];
            if (!node.Outputs.Any(live.Contains)) continue;
            keep.Add(node);
            foreach (var i in node.Inputs) if (i.Length > 0) live.Add(i);
        }
        keep.Reverse();
        int removed = g.Nodes.Count - keep.Count;
        g.Nodes = keep;
        foreach (var name in g.Initializers.Keys.ToList())
            if (!live.Contains(name)) g.Initializers.Remove(name);
        return removed;
    }
}
