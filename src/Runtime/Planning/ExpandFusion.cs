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
/// Only where the expanded tensor is at least <see cref="MinExpandedBytes"/> an image, and the depthwise step streams
/// rows (planes at least two vectors wide) and reads NCHW anyway; the pointwise Conv must be 1×1, stride 1, unpadded, one group, with constant weights, and its output read by
/// that depthwise Conv alone, not a graph output, not stored in another value, and not channel-blocked; neither may
/// take a folded residual or MaxPool. The environment variable CNNRT_EXPAND_FUSION=off leaves every pair unfused (read
/// when a plan is built), for comparisons.
/// </para>
/// </summary>
internal static class ExpandFusion
{
    public const string EnvironmentVariable = "CNNRT_EXPAND_FUSION";

    private static bool Off => Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant() is "off" or "0";

    /// <summary>
    /// The least expanded tensor, per image, worth folding: 1 MB, past the L2 of the machines measured. Fused, the
    /// expansion's rows cost about what its GEMM did, and what is saved is the depthwise step reading the tensor back
    /// from beyond L2; a smaller one is still in L2, and the row-by-row form's overheads per row lose. MobileNetV2 on the
    /// `Vector128` path (which streams even 14×14 rows; `cnnrt bench --per-layer`, one pair of processes, 16:30 UTC
    /// 2026-12-05), fused against unfused pair time: 4.8 MB (112×112×96) 0.90, 1.8 MB (56×56×144) 0.93 and 0.96, 600 KB
    /// (28×28×192) 1.05–1.10, 300–450 KB (14×14) 1.19–1.28.
    /// </summary>
    public const long MinExpandedBytes = 1 << 20;

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
            if (!pointwise.IsExpansion(layers[e].Inputs)) continue;
            var shape = layers[e].Outputs[0].Shape;
            if ((long)shape[1] * shape[2] * shape[3] * sizeof(float) < MinExpandedBytes) continue;
            folds[d] = e;
        }
        return folds;
    }
}
