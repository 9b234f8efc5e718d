using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.F32Winograd;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Operators.Nn;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Kernels.F32Winograd;

/// <summary>One 3×3 stride-1 convolution problem: explicit pads (begin/end per axis) or an auto_pad mode.</summary>
public sealed record WinogradCase(int N, int C, int M, int H, int W, int[] Pads, string AutoPad, bool Bias, FusedActivation Activation)
{
    public override string ToString() =>
        $"N{N} C{C} M{M} in[{H}x{W}] pads[{string.Join(",", Pads)}] {AutoPad}{(Bias ? " bias" : "")} {Activation}";

    public Node Node()
    {
        var attrs = new List<NodeAttribute> { Ints("kernel_shape", 3, 3) };
        if (AutoPad == "NOTSET") attrs.Add(Ints("pads", Pads.Select(v => (long)v).ToArray()));
        else attrs.Add(Str("auto_pad", AutoPad));
        var node = OpTestUtil.Node("Conv", Bias ? 3 : 2, 1, [.. attrs]);
        if (Activation.Kind != ActivationKind.None) Activation.WriteTo(node);
        return node;
    }

    public Tensor?[] Inputs(int seed)
    {
        var x = Random([N, C, H, W], seed * 7 + 1);
        var w = Random([M, C, 3, 3], seed * 7 + 2);
        return Bias ? [x, w, Random([M], seed * 7 + 3)] : [x, w];
    }
}

/// <summary>
/// The float64 convolution every Winograd result is measured against, and the runs of one case on a chosen path
/// (Winograd with a chosen instantiation, or the direct packed GEMM for comparison).
/// </summary>
internal static class WinogradReference
{
    /// <summary>Pre-activation outputs in double, [N, M, OH, OW].</summary>
    public static double[] Conv(WinogradCase c, Tensor?[] inputs, SpatialParams geometry)
    {
        var x = inputs[0]!.Floats;
        var w = inputs[1]!.Floats;
        var b = c.Bias ? inputs[2]!.Floats : null;
        var (rows, cols) = (geometry.Axes[0], geometry.Axes[1]);
        int oh = rows.Output, ow = cols.Output;
        var y = new double[c.N * c.M * oh * ow];
        for (int n = 0; n < c.N; n++)
        for (int m = 0; m < c.M; m++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double sum = b is null ? 0 : b[m];
            for (int ch = 0; ch < c.C; ch++)
            for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                int iy = oy - rows.PadBegin + ky, ix = ox - cols.PadBegin + kx;
                if ((uint)iy >= (uint)c.H || (uint)ix >= (uint)c.W) continue;
                sum += (double)x[((n * c.C + ch) * c.H + iy) * c.W + ix] * w[((m * c.C + ch) * 3 + ky) * 3 + kx];
            }
            y[((n * c.M + m) * oh + oy) * ow + ox] = sum;
        }
        return y;
    }

    /// <summary>Runs the case through <paramref name="create"/>(geometry, W, B) in a plan-like arena; returns the step, output and geometry.</summary>
    public static (Step Step, float[] Output, SpatialParams Geometry) Run(WinogradCase c, Tensor?[] inputs,
        Func<SpatialParams, StepContext, Step> create)
    {
        SpatialParams? geometry = null;
        var (step, outputs) = F32Gemm.FastStepRunner.Run(c.Node(), 13, inputs, [false, true, true], KernelIsa.Avx2, 0, (op, ctx) =>
        {
            geometry = ((ConvOperator)op).ResolveWindow(ctx.InputInfos);
            return create(geometry, ctx);
        });
        return (step, outputs[0].Floats, geometry!);
    }

    public static Func<SpatialParams, StepContext, Step> Winograd(WinogradCase c, Tensor?[] inputs,
        Func<int, int, int, SpatialParams, float[], float[], FusedActivation, F32WinogradConv> lower) => (geometry, ctx) =>
        new F32WinogradStep(lower(c.N, c.C, c.M, geometry, inputs[1]!.Floats, c.Bias ? inputs[2]!.Floats : [], c.Activation),
            ctx.Inputs[0], ctx.Outputs[0]) { NodeName = "conv", OpType = "Conv" };

    public static Func<SpatialParams, StepContext, Step> DirectGemm(WinogradCase c, Tensor?[] inputs, KernelIsa isa) => (geometry, ctx) =>
        F32ConvGemmStep.Create(F32GemmKernel.For(isa, c.Activation.Kind), "conv", "Conv", ctx.Inputs[0], ctx.Outputs[0],
            c.N, c.C, c.M, 1, geometry, inputs[1]!.Floats, c.Bias ? inputs[2]!.Floats : [], c.Activation);

    /// <summary>
    /// |fast − act(exact)| ≤ lipschitz·(96 + 8·√K)·u·max|exact| + 4u·|expected| + 1e-7, K = 9C, u = 2⁻²⁴. Winograd
    /// errors spread over a tile (the transforms mix its pixels, Aᵀ with coefficients up to 8), so the bound is
    /// relative to the largest pre-activation output rather than per element. Measured on uniform(−1, 1) data
    /// (20×20 images, M 16, 3 seeds each) with the AVX2 path, max error / (u·max|out|) was 32–57 for C = 1, 40–54 at
    /// C = 16, 74–96 at C = 64, 87–231 at C = 128, 135–185 at C = 256 and 174–231 at C = 512 — 4–30× the direct
    /// GEMM's 2–36 — so the constant term covers shallow layers with 2× margin and the √K term (random-sign
    /// accumulation) deep ones with 1.6× or more.
    /// </summary>
    public static void AssertWithinWinogradBound(double[] exact, float[] actual, FusedActivation activation, int channels, string what)
    {
        Assert.Equal(exact.Length, actual.Length);
        const double u = 1.0 / (1 << 24);
        double max = exact.Length == 0 ? 0 : exact.Max(Math.Abs);
        double lipschitz = activation.Kind == ActivationKind.HardSwish ? 1.5 : 1;
        double tolerance = lipschitz * (96 + 8 * Math.Sqrt(9.0 * channels)) * u * max;
        for (int i = 0; i < exact.Length; i++)
        {
            float expected = activation.Apply((float)exact[i]);
            double error = Math.Abs((double)actual[i] - expected);
            double bound = tolerance + 4 * u * Math.Abs(expected) + 1e-7;
            Assert.True(error <= bound, $"{what}: element {i}: exact {exact[i]:G9} → {expected:G9}, fast {actual[i]:G9}, " +
                $"|difference| {error:G3} > bound {bound:G3}");
        }
    }
}
