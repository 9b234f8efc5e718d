using Cnnrt.Graph;

namespace Cnnrt.Passes;

/// <summary>Shared bookkeeping for passes: who consumes a value, whether it is a graph output, renaming.</summary>
internal static class GraphRewriter
{
    public static Dictionary<string, int> ConsumerCounts(ModelGraph g)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
            foreach (var i in n.Inputs)
                if (i.Length > 0) counts[i] = counts.GetValueOrDefault(i) + 1;
        return counts;
    }

    public static bool IsGraphOutput(ModelGraph g, string name) => g.Outputs.Exists(o => o.Name == name);
    public static bool IsGraphInput(ModelGraph g, string name) => g.Inputs.Exists(i => i.Name == name);

    /// <summary>Makes every consumer read <paramref name="to"/> instead of <paramref name="from"/>.</summary>
    public static void RedirectConsumers(ModelGraph g, string from, string to)
    {
        foreach (var n in g.Nodes)
            for (int k = 0; k < n.Inputs.Length; k++)
                if (n.Inputs[k] == from) n.Inputs[k] = to;
    }

    /// <summary>The only node reading <paramref name="value"/>, or null when there are none or several.</summary>
    public static Node? SoleConsumer(ModelGraph g, string value, Dictionary<string, int> counts)
    {
        if (counts.GetValueOrDefault(value) != 1 || IsGraphOutput(g, value)) return null;
        foreach (var n in g.Nodes)
            if (Array.IndexOf(n.Inputs, value) >= 0) return n;
        return null;
    }
}
