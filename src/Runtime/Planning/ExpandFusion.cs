using Cnnrt.Kernels;
using Cnnrt.Operators.Nn;

namespace Cnnrt.Planning;

/// <summary>
/// Finds the pointwise convolutions a plan can fold into the depthwise convolution after them: the expansion of an
/// inverted-residual block (MobileNetV2, EfficientNet: 1×1 C→tC, then a depthwise 3×3 or 5×5 over the tC channels).
/// The depthwise step then computes each input row of each block of channels itself, from the pointwise Conv's input,
/// as its ring of rows reaches it (<see cref="Kernels.F32Depthwise.PointwiseRowSource{V, TVec}"/>): the expanded tensor,
/// the largest of the block (96×112×112 floats, 4.8 MB, in MobileNetV2's second block), is never stored, and the
/// pointwise layer runs nothing.
/// <para>
/// Only where the depthwise step streams rows (planes at least two vectors wide: the large, early ones) and reads NCHW
/// anyway; the pointwise Conv must be 1×1, stride 1, unpadded, one group, with constant weights, and its output read by
/// that depthwise Conv alone, not a graph output, not stored in another value, and not channel-blocked; neither may
/// take a folded residual or MaxPool. The environment variable CNNRT_EXPAND_FUSION=off leaves every pair unfused (read
/// when a plan is built), for comparisons.
/// </para>
/// </summary>
internal static class ExpandFusion
{
    public const string EnvironmentVariable = "CNNRT_EXPAND_FUSION";

    private static bool Off => Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant() is "off" or "0";

    /// <summary>Depthwise layer index → the pointwise layer folded into it.</summary>
    /// <param name="placed">Values stored inside another value's storage.</param>
    /// <param name="taken">Layers that already take a folded residual or MaxPool.</param>
    /// <param name="blocked">Values stored channel-blocked.</param>
    public static Dictionary<int, int> Find(IReadOnlyList<PlannedLayer> layers, LayerIndex index, KernelIsa isa,
        IReadOnlySet<string> placed, IReadOnlySet<int> taken, IReadOnlySet<string> blocked)
    {
        var folds = new Dictionary<int, int>();
        if (isa == KernelIsa.Reference || Off) return folds;
        for (int d = 0; d < layers.Count; d++)
        {
            var depthwise = layers[d];
            if (depthwise.Operator is not ConvOperator dw || taken.Contains(d) || !dw.TakesExpansion(depthwise.Inputs, isa)) continue;
            string expanded = depthwise.Node.Inputs[0];
            if (!index.TryProducer(expanded, out int e) || layers[e].Operator is not ConvOperator pointwise || taken.Contains(e)
                || layers[e].Node.Outputs.Length != 1) continue;
            if (index.SoleReader(expanded) != d || placed.Contains(expanded) || blocked.Contains(expanded)
                || depthwise.Node.Outputs.Length != 1 || blocked.Contains(depthwise.Node.Outputs[0])) continue;
            if (pointwise.AsExpansion(layers[e].Inputs, default, 0) is null) continue;
            folds[d] = e;
        }
        return folds;
    }
}
