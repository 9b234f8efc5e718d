using Cnnrt.Graph;

namespace Cnnrt.Passes;

/// <summary>What the load-time passes changed, for `cnnrt inspect` and tests.</summary>
/// <param name="PadsFolded">Pad nodes removed: no-op pads, and pads added to a Conv's or pool's own.</param>
/// <param name="ActivationsFused">Activation nodes folded into a Conv/Gemm (a gate and its Mul count once).</param>
public sealed record PassReport(int ConstantsFolded, int IdentitiesRemoved, int BatchNormsFolded, int ActivationsFused, int DeadNodesRemoved,
    int PadsFolded = 0);

/// <summary>The load-time passes, in the order each one enables the next.</summary>
public static class PassPipeline
{
    public static PassReport Run(ModelGraph g, bool optimize = true)
    {
        int constants = FoldConstants.Run(g);
        int identities = RemoveIdentities.Run(g);
        int pads = optimize ? FoldPads.Run(g) : 0;
        int bn = optimize ? FoldBatchNorm.Run(g) : 0;
        int fused = optimize ? FuseGatedActivations.Run(g) + FuseActivations.Run(g) : 0;
        int dead = RemoveDeadNodes.Run(g);
        return new PassReport(constants, identities, bn, fused, dead, pads);
    }
}
