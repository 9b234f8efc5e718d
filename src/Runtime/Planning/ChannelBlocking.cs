using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;

namespace Cnnrt.Planning;

/// <summary>
/// Picks the values a plan stores channel-blocked (<see cref="ChannelBlockedLayout"/>) instead of NCHW: those whose
/// producer writes them so and whose every reader reads them so (<see cref="IChannelBlockedOperator"/>) — as
/// MobileNets' and EfficientNet's late blocks chain a pixel-major pointwise convolution, a depthwise one and another
/// pointwise one, where NCHW cost a transpose on each side of the depthwise step and one out of the first GEMM.
/// <para>
/// Left NCHW: graph inputs and outputs, values that live in another's storage (skipped Concats' parts, folded
/// residuals), values a folded residual reads, values written by a layer that takes a folded residual or MaxPool, and
/// values read by a layer that runs nothing or read twice by one layer. Readers that take a fold may read blocked. The layout is chosen after the lowerings,
/// which assume NCHW: a value goes blocked only between kernels that run as they would anyway.
/// </para>
/// </summary>
internal static class ChannelBlocking
{
    /// <param name="placed">Values that live inside another value's storage, and the owners of such storage.</param>
    /// <param name="skipped">Layers that run nothing.</param>
    /// <param name="folding">Layers that take a folded residual or MaxPool (they write NCHW; they may read blocked).</param>
    /// <param name="residualReads">Values that a folded residual reads.</param>
    public static HashSet<string> Find(ModelGraph g, IReadOnlyList<PlannedLayer> layers, KernelIsa isa, IReadOnlySet<string> placed,
        IReadOnlySet<int> skipped, IReadOnlySet<int> folding, IReadOnlySet<string> residualReads)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        if (ChannelBlockedLayout.Lanes(isa) == 0) return blocked;
        var graphValues = new HashSet<string>(g.Outputs.Select(o => o.Name).Concat(g.Inputs.Select(i => i.Name)), StringComparer.Ordinal);
        var readers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int k = 0; k < layers.Count; k++)
            foreach (var i in layers[k].Node.Inputs)
                if (i.Length > 0) (readers.TryGetValue(i, out var list) ? list : readers[i] = []).Add(k);

        for (int k = 0; k < layers.Count; k++)
        {
            var layer = layers[k];
            if (skipped.Contains(k) || folding.Contains(k) || layer.Operator is not IChannelBlockedOperator producer || layer.Node.Outputs.Length != 1) continue;
            string value = layer.Node.Outputs[0];
            if (value.Length == 0 || graphValues.Contains(value) || placed.Contains(value) || residualReads.Contains(value)) continue;
            if (!readers.TryGetValue(value, out var reading) || !producer.WritesChannelBlocked(layer.Inputs, isa)) continue;
            bool allRead = true;
            foreach (int r in reading)
            {
                var reader = layers[r];
                allRead &= !skipped.Contains(r) && reader.Operator is IChannelBlockedOperator consumer
                    && reader.Node.Inputs[0] == value && Array.IndexOf(reader.Node.Inputs, value, 1) < 0
                    && consumer.ReadsChannelBlocked(reader.Inputs, isa);
            }
            if (allRead) blocked.Add(value);
        }
        return blocked;
    }
}
