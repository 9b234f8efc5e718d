using Cnnrt.Graph;

namespace Cnnrt.Planning;

/// <summary>
/// Who writes and who reads each value among a plan's layers, and which values are the graph's inputs and outputs:
/// what the fusion passes (<see cref="ResidualFusion"/>, <see cref="PoolFusion"/>, <see cref="ChannelBlocking"/>) ask
/// of the graph, built once per plan.
/// </summary>
internal sealed class LayerIndex
{
    private readonly Dictionary<string, int> producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int Layer, int Input)>> readers = new(StringComparer.Ordinal);
    private readonly HashSet<string> graphInputs, graphOutputs;

    public LayerIndex(ModelGraph g, IReadOnlyList<PlannedLayer> layers)
    {
        for (int k = 0; k < layers.Count; k++)
        {
            var node = layers[k].Node;
            foreach (var o in node.Outputs)
                if (o.Length > 0) producer[o] = k;
            for (int i = 0; i < node.Inputs.Length; i++)
                if (node.Inputs[i].Length > 0) (readers.TryGetValue(node.Inputs[i], out var list) ? list : readers[node.Inputs[i]] = []).Add((k, i));
        }
        graphInputs = new HashSet<string>(g.Inputs.Select(i => i.Name), StringComparer.Ordinal);
        graphOutputs = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);
    }

    /// <summary>The layer that writes <paramref name="value"/>, if a layer does (not a graph input or constant).</summary>
    public bool TryProducer(string value, out int layer) => producer.TryGetValue(value, out layer);

    /// <summary>Every (layer, input index) that reads <paramref name="value"/>, in layer order.</summary>
    public IReadOnlyList<(int Layer, int Input)> Readers(string value) =>
        readers.TryGetValue(value, out var list) ? list : [];

    /// <summary>The one layer that reads <paramref name="value"/> (through one input or several), or -1 where no layer
    /// or several do, or the value is a graph output (the caller reads it too).</summary>
    public int SoleReader(string value)
    {
        if (graphOutputs.Contains(value) || !readers.TryGetValue(value, out var list)) return -1;
        int layer = list[0].Layer;
        return list.TrueForAll(r => r.Layer == layer) ? layer : -1;
    }

    public bool IsGraphOutput(string value) => graphOutputs.Contains(value);

    /// <summary>A graph input or output: values the caller reads or writes, so their layout is NCHW.</summary>
    public bool IsGraphValue(string value) => graphInputs.Contains(value) || graphOutputs.Contains(value);
}
