using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>A Conv step on the packed-GEMM path (<see cref="F32ConvGemm"/>).</summary>
public sealed unsafe class F32ConvGemmStep : Step
{
    public F32ConvGemmStep(F32ConvGemm conv, Slot x, Slot y)
    {
        Conv = conv;
        X = x;
        Y = y;
    }

    public F32ConvGemm Conv { get; }
    public Slot X { get; }
    public Slot Y { get; }

    /// <summary>
    /// Whether this path runs a convolution: 1-D or 2-D, weights (and bias) known at plan time, and not depthwise
    /// (group = C = M, a filter per channel, which has no GEMM to speak of).
    /// </summary>
    public static bool Handles(SpatialParams geometry, int channels, int outChannels, int group, bool constantWeights) =>
        constantWeights && geometry.Rank is 1 or 2 && channels > 0 && !(group == channels && group == outChannels);

    /// <param name="kernel">Normally <see cref="F32GemmKernel.For"/> of the plan's ISA and the fused activation.</param>
    /// <param name="kBlock">See <see cref="F32ConvGemm.DefaultKBlock"/>; tests shrink it and
    /// <paramref name="scratchFloats"/> to exercise K-block accumulation and multi-block tiling on small shapes.</param>
    public static F32ConvGemmStep Create(F32GemmKernel kernel, string nodeName, string opType, Slot x, Slot y, int batch,
        int channels, int outChannels, int group, SpatialParams geometry, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        FusedActivation activation, int kBlock = F32ConvGemm.DefaultKBlock, int scratchFloats = F32ConvGemm.DefaultScratchFloats)
    {
        var conv = new F32ConvGemm(kernel, batch, channels, outChannels, group, geometry, weights, bias, activation,
            x.Buffer.Length - (long)x.Offset, kBlock, scratchFloats);
        return new F32ConvGemmStep(conv, x, y) { NodeName = nodeName, OpType = opType };
    }

    public override void Run()
    {
        if (X.Length == 0 || Y.Length == 0) return;
        fixed (float* x = X.Buffer, y = Y.Buffer) Conv.Run(x + X.Offset, y + Y.Offset);
    }
}
