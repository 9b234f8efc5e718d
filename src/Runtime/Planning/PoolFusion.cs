using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Operators;
using Cnnrt.Operators.Nn;

namespace Cnnrt.Planning;

/// <summary>
/// Finds the MaxPools a plan can fold into the convolution before them: Conv (and its fused activation) → MaxPool,
/// as classic CNNs alternate them (the Fashion CNN's 3×3 conv → 2×2 pool) and stems end (SqueezeNet's, ResNet's and
/// ShuffleNet's 3×3 stride-2 pools after a 112×112 convolution). The Conv then takes the max over its own pixel-major
/// tiles and stores only the pooled pixels into the MaxPool's output (<see cref="TileMaxPool"/>); the full
/// convolution output is never stored and the MaxPool layer runs nothing.
/// <para>
/// Done at plan time, where shapes and the kernel path are known: the Conv must say its step takes the pool at no
/// loss (<see cref="ConvOperator.PoolsInTiles"/>: the GEMM path on a fast ISA, never the reference path), its output
/// must have the MaxPool as its only consumer and not be a graph output or live in another value's storage, and it
/// must not have a residual folded in.
/// </para>
/// </summary>
internal static class PoolFusion
{
    /// <summary>A Conv layer's folded MaxPool: the pool's output, which the Conv writes, and its window.</summary>
    public readonly record struct Fold(string Output, TileMaxPool Window);

    /// <summary>The folds by Conv layer index (the Conv's own output is never stored) and the skipped MaxPool layers.</summary>
    /// <param name="placed">Values already stored inside another's storage (skipped Concats' parts, folded residuals).</param>
    /// <param name="residualFolds">Conv layers that already take a residual Add.</param>
    public static (Dictionary<int, Fold> Folds, HashSet<int> Skipped) Find(IReadOnlyList<PlannedLayer> layers, LayerIndex index,
        KernelIsa isa, IReadOnlySet<string> placed, IReadOnlySet<int> residualFolds)
    {
        var folds = new Dictionary<int, Fold>();
        var skipped = new HashSet<int>();
        if (isa == KernelIsa.Reference) return (folds, skipped);
        for (int k = 0; k < layers.Count; k++)
        {
            var pool = layers[k];
            if (pool.Operator is not MaxPoolOperator maxPool || pool.Node.Outputs.Length != 1 || pool.Node.Outputs[0].Length == 0) continue;
            string convOutput = pool.Node.Inputs[0];
            if (!index.TryProducer(convOutput, out int c) || layers[c].Operator is not ConvOperator conv
                || layers[c].Node.Outputs.Length != 1 || residualFolds.Contains(c) || folds.ContainsKey(c)) continue;
            if (index.SoleReader(convOutput) != k || placed.Contains(convOutput)) continue;
            if (maxPool.AsTileMaxPool(pool.Inputs) is not { } window || !conv.PoolsInTiles(layers[c].Inputs, isa, window)) continue;
            folds[c] = new Fold(pool.Node.Outputs[0], window);
            skipped.Add(k);
        }
        return (folds, skipped);
    }
}
