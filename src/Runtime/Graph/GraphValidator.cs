namespace Cnnrt.Graph;

/// <summary>
/// Structural checks that need no shapes: every value has exactly one producer, every consumed value exists, every
/// graph output is produced, and the nodes form no cycle. Nodes are reordered topologically (stable) so later
/// stages can rely on the order even when a writer did not.
/// </summary>
public static class GraphValidator
{
    public static void Validate(ModelGraph g, string source)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in g.Inputs)
            if (!producer.TryAdd(i.Name, -1)) throw CnnrtException.Model($"{source}: graph input '{i.Name}' is declared twice");
        foreach (var name in g.Initializers.Keys) producer.TryAdd(name, -1);
        for (int n = 0; n < g.Nodes.Count; n++)
        {
            foreach (var o in g.Nodes[n].Outputs)
            {
                if (o.Length == 0) continue;
                if (!producer.TryAdd(o, n))
                    throw CnnrtException.Model($"{source}: value '{o}' is produced twice (again by {g.Nodes[n].Describe()})");
            }
        }
        foreach (var node in g.Nodes)
            foreach (var i in node.Inputs)
                if (i.Length > 0 && !producer.ContainsKey(i))
                    throw CnnrtException.Model($"{source}: {node.Describe()} reads '{i}', which no node, input or initializer provides (missing initializer?)");
        foreach (var o in g.Outputs)
            if (!producer.ContainsKey(o.Name))
                throw CnnrtException.Model($"{source}: graph output '{o.Name}' is not produced by any node");

        g.Nodes = TopologicalOrder(g, producer, source);
    }

    private static List<Node> TopologicalOrder(ModelGraph g, Dictionary<string, int> producer, string source)
    {
        int count = g.Nodes.Count;
        var pending = new int[count];
        var consumers = new List<int>[count];
        for (int n = 0; n < count; n++) consumers[n] = [];
        for (int n = 0; n < count; n++)
        {
            foreach (var i in g.Nodes[n].Inputs.Distinct())
            {
                if (i.Length == 0 || producer[i] < 0) continue;
                pending[n]++;
                consumers[producer[i]].Add(n);
            }
        }
        // Kahn's algorithm with a min-heap on the original index keeps the file's order wherever it is already valid.
        var ready = new PriorityQueue<int, int>();
        for (int n = 0; n < count; n++) if (pending[n] == 0) ready.Enqueue(n, n);
        var order = new List<Node>(count);
        while (ready.TryDequeue(out int n, out _))
        {
            order.Add(g.Nodes[n]);
            foreach (int c in consumers[n])
                if (--pending[c] == 0) ready.Enqueue(c, c);
        }
        if (order.Count != count)
        {
            int stuck = Array.FindIndex(pending, p => p > 0);
            throw CnnrtException.Model($"{source}: the graph has a cycle through {g.Nodes[stuck].Describe()}");
        }
        return order;
    }
}
