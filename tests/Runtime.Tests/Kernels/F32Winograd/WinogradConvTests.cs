using System.Runtime.Intrinsics;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.F32Winograd;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Kernels.F32Gemm.FastStepRunner;

namespace Cnnrt.Tests.Kernels.F32Winograd;

/// <summary>
/// Winograd F(4×4, 3×3) against the float64 convolution, within the bound derived in
/// <see cref="WinogradReference.AssertWithinWinogradBound"/>, on every instantiation this host runs: each fast ISA's own
/// (6×16 AVX2, 6×8 or 12×8 Vector128), the 12-row micro-kernel AVX-512 and NEON use and AVX-512's 12-row one-vector
/// kernel, on this host's vectors.
/// </summary>
public class WinogradConvTests
{
    public delegate F32WinogradConv Lowering(int batch, int channels, int outChannels, SpatialParams geometry, float[] weights,
        float[] bias, FusedActivation activation, int scratchFloats, int channelBlocks);

    public static IEnumerable<(string Name, Lowering Make)> Instantiations()
    {
        foreach (var isa in FastIsas)
            yield return (CpuFeatures.Name(isa), (n, c, m, g, w, b, a, s, cb) => F32WinogradConv.For(isa, n, c, m, g, w, b, a, s, cb));
        yield return ("12-row vector128", (n, c, m, g, w, b, a, s, cb) =>
            F32WinogradConv.Create<F32Vector128, Vector128<float>>(12, "vector128", n, c, m, g, w, b, a, s, cb));
        yield return ("6-row vector128", (n, c, m, g, w, b, a, s, cb) =>
            F32WinogradConv.Create<F32Vector128, Vector128<float>>(6, "vector128", n, c, m, g, w, b, a, s, cb));
        if (CpuFeatures.Supports(KernelIsa.Avx2))
            yield return ("12-row avx2", (n, c, m, g, w, b, a, s, cb) =>
                F32WinogradConv.Create<F32Vector256Avx2, Vector256<float>>(12, "avx2", n, c, m, g, w, b, a, s, cb));
        // The one-vector kernel (AVX-512's for 14×14 layers), on every vector width this host has.
        yield return ("12x1V vector128", (n, c, m, g, w, b, a, s, cb) =>
            F32WinogradConv.Create<F32Vector128, Vector128<float>>(12, "vector128", n, c, m, g, w, b, a, s, cb, oneVector: true));
        if (CpuFeatures.Supports(KernelIsa.Avx2))
            yield return ("12x1V avx2", (n, c, m, g, w, b, a, s, cb) =>
                F32WinogradConv.Create<F32Vector256Avx2, Vector256<float>>(12, "avx2", n, c, m, g, w, b, a, s, cb, oneVector: true));
        if (CpuFeatures.Supports(KernelIsa.Avx512))
            yield return ("12x1V avx512", (n, c, m, g, w, b, a, s, cb) =>
                F32WinogradConv.Create<F32Vector512Avx512, Vector512<float>>(12, "avx512", n, c, m, g, w, b, a, s, cb, oneVector: true));
    }

    private static readonly FusedActivation[] Activations = F32Gemm.ConvGemmTests.Activations;
    private static readonly int[] OddChannels = [1, 3, 5, 7, 9, 16, 17, 33];

    private static WinogradCase Generate(Random rng)
    {
        string autoPad = rng.Next(6) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        var pads = autoPad == "NOTSET" ? [rng.Next(4), rng.Next(4), rng.Next(4), rng.Next(4)] : new[] { 0, 0, 0, 0 };
        int Side(int padBegin, int padEnd) => rng.Next(3) == 0 ? rng.Next(14, 30)
            : rng.Next(Math.Max(1, autoPad == "VALID" || autoPad == "NOTSET" ? 3 - padBegin - padEnd : 1), 14);
        int h = Side(pads[0], pads[2]), w = Side(pads[1], pads[3]);
        int m = rng.Next(2) == 0 ? rng.Next(1, 15) : new[] { 6, 12, 13, 16, 17, 24, 33 }[rng.Next(7)];
        return new WinogradCase(rng.Next(3) == 0 ? 2 : 1, OddChannels[rng.Next(OddChannels.Length)], m, h, w, pads, autoPad,
            rng.Next(2) == 0, Activations[rng.Next(Activations.Length)]);
    }

    /// <summary>Runs the case on one instantiation and checks it against the float64 convolution.</summary>
    private static F32WinogradStep Check(WinogradCase c, int seed, string name, Lowering make,
        int scratchFloats = F32WinogradConv.DefaultScratchFloats, int channelBlocks = 1)
    {
        var inputs = c.Inputs(seed);
        var (step, output, geometry) = WinogradReference.Run(c, inputs, WinogradReference.Winograd(c, inputs,
            (n, ch, m, g, w, b, a) => make(n, ch, m, g, w, b, a, scratchFloats, channelBlocks)));
        var winograd = Assert.IsType<F32WinogradStep>(step);
        WinogradReference.AssertWithinWinogradBound(WinogradReference.Conv(c, inputs, geometry), output, c.Activation, c.C,
            $"{winograd.Conv.Description} blocks {winograd.Conv.Blocks}x{winograd.Conv.ChannelBlocks} {c}");
        return winograd;
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 80).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomShapesMatchTheFloat64Reference(int seed)
    {
        var rng = new Random(seed);
        var c = Generate(rng);
        foreach (var (name, make) in Instantiations())
        {
            // Alternate tiny tile blocks (one NR strip each: many blocks, blocks that span tile rows) with the default.
            bool small = rng.Next(2) == 0;
            Check(c, seed, name, make, small ? rng.Next(1, 3000) : F32WinogradConv.DefaultScratchFloats, rng.Next(1, 4));
        }
    }

    public static IEnumerable<object[]> ActivationCases() => Activations.Select((_, i) => new object[] { i });

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void EveryFusedActivationOnEveryInstantiation(int activation)
    {
        // Pre-activation values up to ~±5, so every branch of every activation is taken.
        var c = new WinogradCase(2, 17, 13, 9, 11, [1, 1, 1, 1], "NOTSET", true, Activations[activation]);
        foreach (var (name, make) in Instantiations())
        {
            Check(c, 100 + activation, name, make);
            Check(c, 100 + activation, name, make, scratchFloats: 1, channelBlocks: 2);
        }
    }

    public static IEnumerable<object[]> ShapeCases()
    {
        foreach (var pad in new[] { "SAME_UPPER", "SAME_LOWER", "VALID" })
            yield return [new WinogradCase(1, 5, 7, 13, 10, [0, 0, 0, 0], pad, true, FusedActivation.None)];
        // Asymmetric explicit pads, pads wider than the window, and single-pixel images.
        yield return [new WinogradCase(1, 3, 4, 11, 17, [2, 0, 1, 3], "NOTSET", true, FusedActivation.None)];
        yield return [new WinogradCase(1, 3, 4, 1, 1, [1, 1, 1, 1], "NOTSET", false, FusedActivation.None)];
        yield return [new WinogradCase(1, 2, 3, 1, 5, [3, 0, 3, 2], "NOTSET", true, FusedActivation.None)];
        // Layers of the zoo models: SqueezeNet's expand (13×13), ResNet-18's first stage (56×56, many blocks).
        yield return [new WinogradCase(1, 64, 256, 13, 13, [1, 1, 1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
        yield return [new WinogradCase(1, 64, 64, 56, 56, [1, 1, 1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
        yield return [new WinogradCase(1, 256, 24, 14, 14, [1, 1, 1, 1], "NOTSET", false, FusedActivation.None)];
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void ChosenShapesMatchTheFloat64Reference(WinogradCase c)
    {
        foreach (var (name, make) in Instantiations())
        {
            Check(c, c.ToString().Length, name, make);
            Check(c, c.ToString().Length, name, make, scratchFloats: 5000, channelBlocks: 3);
        }
    }

    [Fact]
    public unsafe void TilesRunInAnyOrderWithTheirOwnScratchAndAnyBlocking()
    {
        // What a worker pool does: tiles in any order, each thread with its own scratch. Nor may the blocking (which
        // depends on the thread count) change a single bit.
        var geometry = PaddingMath.Resolve([14, 19], [3, 3], [1, 1], [1, 1], [1, 2, 0, 1], AutoPad.NotSet, false, "test");
        int batch = 2, channels = 6, outChannels = 20;
        var x = Random([batch, channels, 14, 19], 11).Floats;
        var w = Random([outChannels, channels, 3, 3], 12).Floats;
        var bias = Random([outChannels], 13).Floats;
        var relu = new FusedActivation(ActivationKind.Relu);
        int outCount = batch * outChannels * geometry.OutputSize;

        float[] RunAll(F32WinogradConv conv, IEnumerable<int> order, bool shareInput = false)
        {
            var y = new float[outCount];
            var shared = new float[shareInput ? conv.SharedInputLength : 0];
            Array.Fill(shared, float.NaN);
            fixed (float* px = x, py = y, pv = shared)
            {
                foreach (int t in shareInput ? order.Where(t => t < conv.InputTaskCount).Reverse() : [])
                {
                    var scratch = new float[conv.ScratchLength];
                    Array.Fill(scratch, float.NaN);
                    fixed (float* ps = scratch) conv.RunInputTask(t, px, pv, ps);
                }
                foreach (int t in order)
                {
                    var scratch = new float[conv.ScratchLength];
                    Array.Fill(scratch, float.NaN);
                    fixed (float* ps = scratch) conv.RunTile(t, px, py, ps, shareInput ? pv : null);
                }
            }
            return y;
        }

        var whole = F32WinogradConv.For(KernelIsa.Vector128, batch, channels, outChannels, geometry, w, bias, relu);
        var expected = RunAll(whole, Enumerable.Range(0, whole.TileCount));
        foreach (var (scratch, blocks) in new[] { (1, 2), (3000, 3), (20000, 1) })
        {
            var conv = F32WinogradConv.For(KernelIsa.Vector128, batch, channels, outChannels, geometry, w, bias, relu, scratch, blocks);
            Assert.True(conv.TileCount > whole.TileCount, $"{conv.TileCount} tiles");
            var order = Enumerable.Range(0, conv.TileCount).OrderBy(t => (t * 7919) % 13).ToArray();
            Assert.Equal(expected, RunAll(conv, order));
            // As a pool runs tiles split by output channels: the input transformed once, by channel ranges, then shared.
            Assert.Equal(expected, RunAll(conv, order, shareInput: true));
        }
    }

    [Fact]
    public void PolicyPicksWinogradForWideDeepLayersAndTheOperatorFollowsIt()
    {
        var geometry = PaddingMath.Resolve([56, 56], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        Assert.True(WinogradPolicy.Chooses(geometry, 1, 64, 64, 16, WinogradMode.Auto));
        Assert.False(WinogradPolicy.Chooses(geometry, 1, 64, 64, 16, WinogradMode.Off));
        Assert.False(WinogradPolicy.Chooses(geometry, 2, 64, 64, 16, WinogradMode.On));
        Assert.False(WinogradPolicy.Chooses(geometry, 1, 3, 64, 16, WinogradMode.Auto));
        Assert.True(WinogradPolicy.Chooses(geometry, 1, 3, 64, 16, WinogradMode.On));
        var strided = PaddingMath.Resolve([56, 56], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        Assert.False(WinogradPolicy.Chooses(strided, 1, 64, 64, 16, WinogradMode.On));
        // The zoo's layers: ResNet-18's 14×14 and SqueezeNet's 13×13 win, ResNet-18's 7×7 (4 tiles of a 16-column strip) loses.
        Assert.True(WinogradPolicy.Wins(256, 256, 14, 14, 16));
        Assert.True(WinogradPolicy.Wins(64, 256, 13, 13, 16));
        Assert.False(WinogradPolicy.Wins(512, 512, 7, 7, 16));

        var c = new WinogradCase(1, 32, 32, 16, 16, [1, 1, 1, 1], "NOTSET", true, FusedActivation.None);
        var inputs = c.Inputs(1);
        foreach (var isa in FastIsas)
        {
            var step = F32Gemm.FastStepRunner.Run(c.Node(), 13, inputs, [false, true, true], isa).Step;
            Assert.Equal(WinogradPolicy.Mode != WinogradMode.Off, step is F32WinogradStep);
            var runtimeWeights = F32Gemm.FastStepRunner.Run(c.Node(), 13, inputs, [false, false, true], isa).Step;
            Assert.IsNotType<F32WinogradStep>(runtimeWeights);
        }
    }

    [Fact]
    public void DeepLayersThatHalfFillAnAvx512StripRunOnTheOneVectorKernel()
    {
        var fourteen = PaddingMath.Resolve([14, 14], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        var wide = PaddingMath.Resolve([56, 56], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        var narrow = new WinogradKernel(KernelIsa.Avx512, OneVector: true);
        // 16 tiles: half of a 32-column strip, a whole 16-column one.
        Assert.Equal(narrow, WinogradPolicy.KernelFor(fourteen, 1, 256, 256, KernelIsa.Avx512, WinogradMode.Auto));
        Assert.Equal(narrow, WinogradPolicy.KernelFor(fourteen, 1, 32, 64, KernelIsa.Avx512, WinogradMode.Auto)); // the Fashion CNN's
        Assert.Null(WinogradPolicy.KernelFor(fourteen, 1, 8, 64, KernelIsa.Avx512, WinogradMode.Auto)); // under 16 channels: direct
        var seven = PaddingMath.Resolve([7, 7], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        Assert.Null(WinogradPolicy.KernelFor(seven, 1, 512, 512, KernelIsa.Avx512, WinogradMode.Auto)); // 4 tiles: direct
        Assert.Equal(new WinogradKernel(KernelIsa.Avx512, false), WinogradPolicy.KernelFor(wide, 1, 64, 64, KernelIsa.Avx512, WinogradMode.Auto));
        Assert.Equal(new WinogradKernel(KernelIsa.Avx2, false), WinogradPolicy.KernelFor(fourteen, 1, 256, 256, KernelIsa.Avx2, WinogradMode.Auto));
        Assert.Equal(new WinogradKernel(KernelIsa.Avx512, false), WinogradPolicy.KernelFor(fourteen, 1, 256, 256, KernelIsa.Avx512, WinogradMode.On));
        Assert.Null(WinogradPolicy.KernelFor(fourteen, 1, 256, 256, KernelIsa.Avx512, WinogradMode.Off));
        Assert.Null(WinogradPolicy.KernelFor(fourteen, 1, 256, 256, KernelIsa.Reference, WinogradMode.On));
        Assert.Throws<ArgumentOutOfRangeException>(() => F32WinogradConv.For(new WinogradKernel(KernelIsa.Avx2, OneVector: true), 1, 128,
            128, fourteen, new float[128 * 128 * 9], [], FusedActivation.None));
        if (WinogradPolicy.Mode != WinogradMode.Auto || !CpuFeatures.Supports(KernelIsa.Avx512)) return;
        // The operator follows it, and the result is the convolution's.
        var c = new WinogradCase(1, 128, 128, 14, 14, [1, 1, 1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Relu));
        var inputs = c.Inputs(7);
        var (step, output) = F32Gemm.FastStepRunner.Run(c.Node(), 13, inputs, [false, true, true], KernelIsa.Avx512);
        var winograd = Assert.IsType<F32WinogradStep>(step);
        Assert.Contains("12x16 avx512", winograd.Conv.Description);
        var geometry = PaddingMath.Resolve([14, 14], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
        WinogradReference.AssertWithinWinogradBound(WinogradReference.Conv(c, inputs, geometry), output[0].Floats, c.Activation, c.C,
            $"{winograd.Conv.Description} {c}");
    }

    [Fact]
    public void ThreadsSplitOutputChannelsOnlyWhereThatShortensTheLayer()
    {
        F32WinogradConv Unsplit(int channels, int size)
        {
            var geometry = PaddingMath.Resolve([size, size], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], AutoPad.NotSet, false, "test");
            return F32WinogradConv.For(KernelIsa.Avx512, 1, channels, channels, geometry, new float[channels * channels * 9], [], FusedActivation.None);
        }
        // ResNet-18 on AVX-512 (32-tile blocks): 56×56 is 7 blocks, 28×28 two, 14×14 one.
        var (r56, r28, r14) = (Unsplit(64, 56), Unsplit(128, 28), Unsplit(256, 14));
        Assert.Equal((7, 2, 1), (r56.TileCount, r28.TileCount, r14.TileCount));
        // Two threads: 4 of 7 blocks beats 7 of 14 with the split's cost; 2 blocks are 1 each; 1 block must split.
        Assert.Equal(1, F32WinogradStep.BestChannelBlocks(r56, 2));
        Assert.Equal(1, F32WinogradStep.BestChannelBlocks(r28, 2));
        Assert.Equal(2, F32WinogradStep.BestChannelBlocks(r14, 2));
        // Sixteen threads: every layer splits, into whole panels (64 channels are 6 panels of 12).
        int split = F32WinogradStep.BestChannelBlocks(r56, 16);
        Assert.InRange(split, 2, r56.Panels);
        Assert.Equal(split, r56.ChannelBlocksFor(split));
    }
}
