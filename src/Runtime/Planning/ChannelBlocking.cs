using Cnnrt.Kernels;
using Cnnrt.Operators;

namespace Cnnrt.Planning;

/// <summary>
/// Picks the values a plan stores channel-blocked (<see cref="ChannelBlockedLayout"/>) instead of NCHW: those whose
/// producer writes them so and whose every reader reads them so (<see cref="IChannelBlockedOperator"/>) — as
/// MobileNets' and EfficientNet's late blocks chain pixel-major pointwise convolutions, depthwise ones, residual Adds
/// and global pools, where NCHW cost a transpose on each side of every depthwise step and one out of every GEMM.
/// <para>
/// Starts from every value whose producer can write it blocked and drops, until nothing changes, each one that breaks
/// a rule: a reader that cannot read it so; a layout-tied pair (an elementwise operator's operand and output, a
/// folded residual's operand and the output it is added into) with only one side blocked. Left NCHW: graph inputs
/// and outputs, values inside a skipped Concat's output, a Conv's output that a folded MaxPool takes over. The layout
/// is chosen after the lowerings, which assume NCHW: a value goes blocked only between kernels that run as they
/// would anyway.
/// </para>
/// The environment variable CNNRT_CHANNEL_BLOCKING=off keeps every value NCHW (read when a plan is built), for
/// comparisons.
/// </summary>
internal static class ChannelBlocking
{
    public const string EnvironmentVariable = "CNNRT_CHANNEL_BLOCKING";

    private static bool Off => Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant() is "off" or "0";

    /// <param name="concatPlaced">Values stored inside a skipped Concat's output, and those outputs.</param>
    /// <param name="skipped">Layers that run nothing.</param>
    /// <param name="pooling">Conv layers that take a folded MaxPool (they write NCHW; they may read blocked).</param>
    /// <param name="residuals">Conv layers that take a folded residual: the value added, and the value written (the
    /// last folded node's output).</param>
    public static HashSet<string> Find(IReadOnlyList<PlannedLayer> layers, LayerIndex index, KernelIsa isa, IReadOnlySet<string> concatPlaced,
        IReadOnlySet<int> skipped, IReadOnlySet<int> pooling, IReadOnlyDictionary<int, (string Residual, string Output)> residuals)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        if (ChannelBlockedLayout.Lanes(isa) == 0 || Off) return blocked;
        // The value each running layer writes (for a Conv that takes a residual, the last folded node's output).
        var writer = new Dictionary<string, int>(StringComparer.Ordinal);
        // Residual operand ⇄ the output it is added into: both blocked or neither. A value may be in several such pairs
        // (a block's sum is the next block's operand).
        var tiedResidual = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Tie(string a, string b) => (tiedResidual.TryGetValue(a, out var list) ? list : tiedResidual[a] = []).Add(b);
        for (int k = 0; k < layers.Count; k++)
        {
            var node = layers[k].Node;
            if (skipped.Contains(k) || pooling.Contains(k) || node.Outputs.Length != 1 || node.Outputs[0].Length == 0) continue;
            if (residuals.TryGetValue(k, out var fold))
            {
                writer[fold.Output] = k;
                Tie(fold.Output, fold.Residual);
                Tie(fold.Residual, fold.Output);
            }
            else writer[node.Outputs[0]] = k;
        }

        foreach (var (value, k) in writer)
            if (!index.IsGraphValue(value) && !concatPlaced.Contains(value) && layers[k].Operator is IChannelBlockedOperator producer
                && producer.WritesChannelBlocked(layers[k].Inputs, isa))
                blocked.Add(value);
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var value in blocked.ToList())
                if (!Keeps(value))
                {
                    blocked.Remove(value);
                    changed = true;
                }
        }
        return blocked;

        bool Keeps(string value)
        {
            if (tiedResidual.TryGetValue(value, out var others) && !others.TrueForAll(blocked.Contains)) return false;
            var producer = layers[writer[value]];
            int tied = ((IChannelBlockedOperator)producer.Operator).LayoutTiedInput(producer.Inputs);
            if (tied >= 0 && !blocked.Contains(producer.Node.Inputs[tied])) return false;
            foreach (var (k, i) in index.Readers(value))
            {
                // A layer that runs nothing reads nothing (a skipped Add's operand is tied above).
                if (skipped.Contains(k)) continue;
                var reader = layers[k];
                if (reader.Operator is not IChannelBlockedOperator consumer || !consumer.ReadsChannelBlocked(reader.Inputs, isa, i)) return false;
                // A reader that keeps this operand's layout must write blocked too.
                if (consumer.LayoutTiedInput(reader.Inputs) == i && !blocked.Contains(reader.Node.Outputs[0])) return false;
            }
            return true;
        }
    }
}
