using Cnnrt.Graph;
using Cnnrt.Operators;

namespace Cnnrt.Passes;

/// <summary>
/// Folds an activation that is the sole consumer of a Conv or Gemm output into that node, so the kernel applies it
/// while storing instead of making another pass over memory.
/// </summary>
public static class FuseActivations
{
    public static int Run(ModelGraph g)
    {
        int fused = 0;
        var counts = GraphRewriter.ConsumerCounts(g);
        foreach (var producer in g.Nodes.ToList())
        {
            if (!FuseActivations.CanTakeActivation(producer)) continue;
            var act = GraphRewriter.SoleConsumer(g, producer.Outputs[0], counts);
            if (act is null || act.Domain.Length > 0 || Describe(g, act) is not { } activation) continue;
            activation.WriteTo(producer);
            producer.Outputs[0] = act.Outputs[0];
            g.Nodes.Remove(act);
            fused++;
        }
        return fused;
    }

    /// <summary>A Conv or Gemm of the default domain without a fused activation yet: what the fusing passes fold into.</summary>
    internal static bool CanTakeActivation(Node producer) =>
        producer.OpType is "Conv" or "Gemm" && producer.Domain.Length == 0
        && FusedActivation.FromNode(producer).Kind == ActivationKind.None;

    /// <summary>The activation a node computes, when it is one the kernels can fuse (constant parameters only).</summary>
    internal static FusedActivation? Describe(ModelGraph g, Node n)
    {
        switch (n.OpType)
        {
            case "Relu": return new FusedActivation(ActivationKind.Relu);
            case "LeakyRelu": return new FusedActivation(ActivationKind.LeakyRelu, n.GetFloat("alpha", 0.01f));
            case "Sigmoid": return new FusedActivation(ActivationKind.Sigmoid);
            case "Tanh": return new FusedActivation(ActivationKind.Tanh);
            case "HardSwish": return new FusedActivation(ActivationKind.HardSwish);
            case "HardSigmoid": return new FusedActivation(ActivationKind.HardSigmoid, n.GetFloat("alpha", 0.2f), n.GetFloat("beta", 0.5f));
            case "Clip":
                if (g.Opset < 11) return new FusedActivation(ActivationKind.Clip, n.GetFloat("min", float.NegativeInfinity), n.GetFloat("max", float.PositiveInfinity));
                float lo = float.NegativeInfinity, hi = float.PositiveInfinity;
                if (n.HasInput(1)) { if (!g.Initializers.TryGetValue(n.Inputs[1], out var t)) return null; lo = (float)t.ElementAsDouble(0); }
                if (n.HasInput(2)) { if (!g.Initializers.TryGetValue(n.Inputs[2], out var t)) return null; hi = (float)t.ElementAsDouble(0); }
                return new FusedActivation(ActivationKind.Clip, lo, hi);
            default: return null;
        }
    }
}
