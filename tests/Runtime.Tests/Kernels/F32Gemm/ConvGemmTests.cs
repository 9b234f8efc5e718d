using System.Runtime.Intrinsics;
using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Operators.Nn;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Kernels.F32Gemm.FastStepRunner;

namespace Cnnrt.Tests.Kernels.F32Gemm;

/// <summary>
/// The packed-GEMM convolution against the reference kernel, for every micro-kernel this host can run: each fast ISA's
/// own (6×16 AVX2, 6×8 or 12×8 Vector128, 12×32 AVX-512) and the 12-row kernel that AVX-512 and NEON use,
/// instantiated on the vectors this host has, so that source is exercised on every x64 machine.
/// </summary>
public class ConvGemmTests
{
    /// <summary>One convolution problem with its attributes and fused activation.</summary>
    public sealed record ConvCase(int N, int C, int M, int Group, int[] In, int[] Kernel, int[] Stride, int[] Dilation,
        int[] PadBegin, int[] PadEnd, string AutoPad, bool Bias, FusedActivation Activation)
    {
        public override string ToString() =>
            $"N{N} C{C} M{M} g{Group} in[{string.Join("x", In)}] k[{string.Join("x", Kernel)}] s[{string.Join("x", Stride)}] " +
            $"d[{string.Join("x", Dilation)}] pads[{string.Join(",", PadBegin)}|{string.Join(",", PadEnd)}] {AutoPad}" +
            $"{(Bias ? " bias" : "")} {Activation}";
    }

    /// <summary>A kernel this host can run, by name (xunit shows it).</summary>
    public static IEnumerable<(string Name, Func<ActivationKind, F32GemmKernel> Make)> Kernels()
    {
        foreach (var isa in FastIsas) yield return (CpuFeatures.Name(isa), kind => F32GemmKernel.For(isa, kind));
        yield return ("12-row vector128", kind => F32GemmKernel.Create<F32Vector128, Vector128<float>>(12, kind, "vector128"));
        yield return ("6-row vector128", kind => F32GemmKernel.Create<F32Vector128, Vector128<float>>(6, kind, "vector128"));
        if (CpuFeatures.Supports(KernelIsa.Avx2))
            yield return ("12-row avx2", kind => F32GemmKernel.Create<F32Vector256Avx2, Vector256<float>>(12, kind, "avx2"));
        if (CpuFeatures.Supports(KernelIsa.Avx512))
            yield return ("6-row avx512", kind => F32GemmKernel.Create<F32Vector512Avx512, Vector512<float>>(6, kind, "avx512"));
    }

    public static readonly FusedActivation[] Activations =
    [
        FusedActivation.None, new(ActivationKind.Relu), new(ActivationKind.LeakyRelu, 0.1f), new(ActivationKind.Clip, 0, 6),
        new(ActivationKind.Clip, -0.5f, 0.25f), new(ActivationKind.HardSigmoid, 0.2f, 0.5f), new(ActivationKind.HardSwish),
        new(ActivationKind.Sigmoid), new(ActivationKind.Tanh), new(ActivationKind.Swish), new(ActivationKind.HardSigmoidGate, 0.2f, 0.5f),
    ];

    /// <summary>A random fused activation and tiling for a random-shape test: K blocks of 1–19 and scratch of 1–2999
    /// floats half the time each (many K blocks and pixel blocks on small shapes), 1–3 channel blocks; drawn from
    /// <paramref name="rng"/> in this order.</summary>
    public static (FusedActivation Activation, int KBlock, int Scratch, int ChannelBlocks) RandomTiling(Random rng)
    {
        var activation = Activations[rng.Next(Activations.Length)];
        int kBlock = rng.Next(2) == 0 ? rng.Next(1, 20) : 0, scratch = rng.Next(2) == 0 ? rng.Next(1, 3000) : F32ConvGemm.DefaultScratchFloats;
        return (activation, kBlock, scratch, rng.Next(1, 4));
    }

    private static readonly int[] OddChannels = [1, 3, 5, 17, 33];

    /// <summary>Both tile orientations, forced, so each is tested on every shape whichever Auto would pick.</summary>
    private static readonly ConvLoweringChoice[] Lowerings = [ConvLoweringChoice.ChannelMajor, ConvLoweringChoice.PixelMajor];

    private static ConvCase Generate(Random rng)
    {
        int rank = rng.Next(4) == 0 ? 1 : 2;
        int group = rng.Next(5) switch { 0 => 2, 1 => 3, _ => 1 };
        int cg = rng.Next(3) == 0 ? rng.Next(1, 9) : OddChannels[rng.Next(OddChannels.Length)];
        int mg = rng.Next(2) == 0 ? rng.Next(1, 15) : new[] { 6, 12, 13, 17, 24, 33 }[rng.Next(6)];
        if (group > 1 && cg == 1 && mg == 1) mg = 2; // group = C = M is depthwise: not this path
        string autoPad = rng.Next(6) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        var input = new int[rank]; var k = new int[rank]; var s = new int[rank]; var d = new int[rank];
        var pb = new int[rank]; var pe = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            k[a] = rng.Next(3) == 0 ? rng.Next(1, 5) : new[] { 1, 3, 5, 7 }[rng.Next(4)];
            s[a] = rng.Next(3) == 0 ? rng.Next(2, 4) : 1;
            d[a] = rng.Next(4) == 0 ? rng.Next(2, 4) : 1;
            pb[a] = autoPad == "NOTSET" ? rng.Next(0, 4) : 0;
            pe[a] = autoPad == "NOTSET" ? rng.Next(0, 4) : 0;
            int window = d[a] * (k[a] - 1) + 1;
            int min = autoPad is "SAME_UPPER" or "SAME_LOWER" ? 1 : Math.Max(1, window - pb[a] - pe[a]);
            int max = rank == 1 ? 70 : 22;
            input[a] = rng.Next(min, Math.Max(min, max) + 1);
        }
        // Keep the reference's cost per case bounded.
        if ((long)cg * mg * group * k.Aggregate(1, (p, v) => p * v) * input.Aggregate(1, (p, v) => p * v) > 3_000_000)
            cg = Math.Min(cg, 3);
        var act = Activations[rng.Next(Activations.Length)];
        return new ConvCase(rng.Next(3) == 0 ? 2 : 1, cg * group, mg * group, group, input, k, s, d, pb, pe, autoPad,
            rng.Next(2) == 0, act);
    }

    private static Node NodeFor(ConvCase c, bool withActivation = true)
    {
        var attrs = new List<NodeAttribute>
        {
            Ints("strides", c.Stride.Select(v => (long)v).ToArray()), Ints("dilations", c.Dilation.Select(v => (long)v).ToArray()),
            Int("group", c.Group), Ints("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()),
        };
        if (c.AutoPad == "NOTSET") attrs.Add(Ints("pads", [.. c.PadBegin.Select(v => (long)v), .. c.PadEnd.Select(v => (long)v)]));
        else attrs.Add(Str("auto_pad", c.AutoPad));
        var node = Node("Conv", c.Bias ? 3 : 2, 1, [.. attrs]);
        if (withActivation && c.Activation.Kind != ActivationKind.None) c.Activation.WriteTo(node);
        return node;
    }

    /// <summary>Runs <paramref name="c"/> on the fast path and compares with the reference within the accumulation bound.</summary>
    public static F32ConvGemmStep Check(ConvCase c, int seed, Func<ActivationKind, F32GemmKernel>? kernel, string kernelName,
        ConvLoweringChoice choice = ConvLoweringChoice.Auto, int slack = 0, int kBlock = 0,
        int scratchFloats = F32ConvGemm.DefaultScratchFloats, int channelBlocks = 1, KernelIsa isa = KernelIsa.Avx2,
        Cnnrt.Threading.WorkerPool? pool = null)
    {
        var x = Random([c.N, c.C, .. c.In], seed * 7 + 1);
        var w = Random([c.M, c.C / c.Group, .. c.Kernel], seed * 7 + 2);
        var b = c.Bias ? Random([c.M], seed * 7 + 3) : null;
        Tensor?[] inputs = b is null ? [x, w] : [x, w, b];
        Tensor?[] absInputs = b is null ? [Abs(x), Abs(w)] : [Abs(x), Abs(w), Abs(b)];
        var expected = Eval(NodeFor(c), 13, inputs)[0].Floats;
        var absSums = Eval(NodeFor(c, withActivation: false), 13, absInputs)[0].Floats;

        Func<Operator, StepContext, Step>? create = kernel is null ? null : (op, ctx) =>
            F32ConvGemmStep.Create(kernel(c.Activation.Kind), "conv", "Conv", ctx.Inputs[0], ctx.Outputs[0], c.N, c.C, c.M, c.Group,
                ((ConvOperator)op).ResolveWindow(ctx.InputInfos), w.Floats, b?.Floats ?? [], c.Activation, choice, kBlock, scratchFloats, channelBlocks, pool);
        var (step, outputs) = FastStepRunner.Run(NodeFor(c), 13, inputs, [false, true, true], isa, slack, create);
        var fast = Assert.IsType<F32ConvGemmStep>(step);
        int k = c.C / c.Group * c.Kernel.Aggregate(1, (p, v) => p * v);
        AssertWithinAccumulationBound(expected, outputs[0].Floats, absSums, k, Lipschitz(c.Activation),
            $"{kernelName} {fast.Conv.Description} {c}", ActivationError(c.Activation.Kind));
        return fast;
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 160).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RandomConvolutionsMatchTheReference(int seed)
    {
        var rng = new Random(seed);
        var c = Generate(rng);
        foreach (var (name, make) in Kernels())
        foreach (var choice in Lowerings)
        {
            // Alternate small K blocks / tile blocks (accumulation across K blocks, many tiles) with the defaults,
            // and X at the end of its array (staged copy) with X followed by room (read in place when unpadded).
            bool small = rng.Next(2) == 0;
            Check(c, seed, make, name, choice, slack: rng.Next(2) == 0 ? 0 : 4096,
                kBlock: small ? rng.Next(1, 40) : 0, scratchFloats: small ? rng.Next(1, 2000) : F32ConvGemm.DefaultScratchFloats,
                channelBlocks: rng.Next(1, 4));
        }
    }

    public static IEnumerable<object[]> ActivationCases() => Activations.Select((a, i) => new object[] { i });

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void EveryFusedActivationOnEveryKernel(int activation)
    {
        var act = Activations[activation];
        // Big enough that the pre-activation values cover every branch of every activation (|sum| up to ~4).
        var c = new ConvCase(2, 17, 13, 1, [9, 11], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, act);
        foreach (var (name, make) in Kernels())
        foreach (var choice in Lowerings)
        {
            Check(c, 100 + activation, make, name, choice);
            Check(c, 100 + activation, make, name, choice, kBlock: 20, channelBlocks: 2);
        }
        // Pointwise planes of 7×7 (8 panels of 6 + 1 pixel) and 5×10 (+ 2): the pixel-major tail runs through the
        // one-pixel kernel, with one K block and with several (an odd kc exercises its remainder loop).
        foreach (int[] plane in new[] { new[] { 7, 7 }, new[] { 5, 10 } })
        {
            var tail = new ConvCase(2, 37, 21, 1, plane, [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true, act);
            foreach (var (name, make) in Kernels())
            {
                Check(tail, 200 + activation, make, name, ConvLoweringChoice.PixelMajor);
                Check(tail, 200 + activation, make, name, ConvLoweringChoice.PixelMajor, kBlock: 9, channelBlocks: 2);
            }
        }
    }

    public static IEnumerable<object[]> ShapeCases()
    {
        // auto_pad modes with strides and dilations.
        foreach (var pad in new[] { "SAME_UPPER", "SAME_LOWER", "VALID", "NOTSET" })
        foreach (int s in new[] { 1, 2, 3 })
        foreach (int d in new[] { 1, 2, 3 })
            yield return [new ConvCase(1, 5, 7, 1, [13, 10], [3, 3], [s, s], [d, d], [2, 0], [1, 3], pad, true, FusedActivation.None)];
        // Kernel sizes on odd channel counts, 1-D and 2-D.
        foreach (int k in new[] { 1, 3, 5, 7 })
        foreach (int c in OddChannels)
        {
            yield return [new ConvCase(1, c, 33, 1, [12, 14], [k, k], [1, 1], [1, 1], [k / 2, k / 2], [k / 2, k / 2], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
            yield return [new ConvCase(2, c, 5, 1, [40], [k], [2], [1], [k / 2], [0], "NOTSET", false, FusedActivation.None)];
        }
        // Groups that are not depthwise, and depthwise with a channel multiplier (group = C, M = 2C).
        yield return [new ConvCase(2, 6, 9, 3, [8, 8], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, FusedActivation.None)];
        yield return [new ConvCase(1, 8, 8, 2, [7, 9], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true, FusedActivation.None)];
        yield return [new ConvCase(1, 4, 8, 4, [6, 6], [3, 3], [2, 2], [1, 1], [1, 1], [1, 1], "NOTSET", true, FusedActivation.None)];
        // Asymmetric kernels, strides, dilations and pads.
        yield return [new ConvCase(1, 3, 4, 1, [11, 17], [1, 5], [2, 1], [3, 1], [0, 2], [3, 0], "NOTSET", true, FusedActivation.None)];
        yield return [new ConvCase(1, 3, 4, 1, [17, 6], [5, 2], [1, 3], [1, 2], [4, 0], [0, 1], "NOTSET", false, FusedActivation.None)];
        // 1×1 stride-1 pointwise with N below, at and above the tile widths (8, 16, 32), batch 2.
        foreach (int n in new[] { 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100 })
            yield return [new ConvCase(2, 19, 14, 1, [1, n], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true, FusedActivation.None)];
        // Last panels of 4 and 8 real rows (16 = 12 + 4, 32 = 24 + 8; 16 = 6 + 6 + 4), which the partial-panel kernels
        // store in place, with an after-store activation; 3×3 with the same M goes through the scratch block.
        foreach (int m in new[] { 16, 32 })
        {
            yield return [new ConvCase(1, 21, m, 1, [9, 13], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true, new FusedActivation(ActivationKind.Swish))];
            yield return [new ConvCase(1, 5, m, 1, [9, 13], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
        }
        // Stems: K in one block and output rows at least a tile wide (35 and 38 ≥ 32), so tiles inside a row store
        // straight into Y and those crossing a row's end go through the tile scratch; strided and stride 1.
        yield return [new ConvCase(1, 3, 64, 1, [70, 77], [3, 3], [2, 2], [1, 1], [0, 1], [1, 0], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
        yield return [new ConvCase(2, 3, 16, 1, [38, 40], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Swish))];
        // A ResNet-like layer: many K blocks and tiles.
        yield return [new ConvCase(1, 64, 64, 1, [14, 14], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, new FusedActivation(ActivationKind.Relu))];
    }

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void ChosenShapesMatchTheReference(ConvCase c)
    {
        int seed = c.ToString().Length;
        foreach (var (name, make) in Kernels())
        foreach (var choice in Lowerings)
        {
            Check(c, seed, make, name, choice);
            Check(c, seed, make, name, choice, slack: 4096, kBlock: 16, scratchFloats: 512, channelBlocks: 3);
        }
    }

    [Fact]
    public void DeepPointwiseLayersPackBOverSeveralColumnBlocksPanelByPanel()
    {
        // The default blocking of a MobileNet-sized pointwise layer: 2 K blocks of 128, 289 pixels in 2 column blocks,
        // and each of the 200 channels' panels over a whole packed block before the next.
        var c = new ConvCase(1, 256, 200, 1, [17, 17], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true,
            new FusedActivation(ActivationKind.Clip, 0, 6));
        foreach (var (name, make) in Kernels())
        {
            var conv = Assert.IsType<F32ConvGemm>(Check(c, 5, make, name, ConvLoweringChoice.ChannelMajor).Conv);
            Assert.True(conv.PacksB);
            Assert.Equal(128, conv.KBlock);
            Assert.True(conv.Blocks > 1, $"{name}: {conv.Blocks} column block(s)");
            Assert.Equal(1, conv.PanelGroup);
        }
    }

    [Fact]
    public void PointwiseLayersWithFewChannelsOnWideTilesReadBInPlace()
    {
        // 32-column (AVX-512) tiles pack B only above 48 output channels; narrower tiles always pack. Both ways, with
        // one K block and with several, on a 12×12 plane (144 pixels, not a multiple of the tile's columns).
        foreach (int m in new[] { 16, 48, 49 })
        {
            var c = new ConvCase(1, 40, m, 1, [12, 12], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true,
                new FusedActivation(ActivationKind.Relu));
            foreach (var (name, make) in Kernels())
            {
                var kernel = make(ActivationKind.Relu);
                foreach (int kBlock in new[] { 0, 16 })
                {
                    var conv = Assert.IsType<F32ConvGemm>(Check(c, m, make, name, ConvLoweringChoice.ChannelMajor, kBlock: kBlock).Conv);
                    Assert.Equal(kernel.Columns < 32 || m > 48, conv.PacksB);
                }
            }
        }
    }

    [Fact]
    public void UnpaddedStrideOneReadsTheInputInPlaceOnlyWhenItMayReadPastIt()
    {
        var pointwise = new ConvCase(1, 8, 6, 1, [5, 7], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", false, FusedActivation.None);
        foreach (var (name, make) in Kernels())
        {
            var roomy = Check(pointwise, 1, make, name, ConvLoweringChoice.ChannelMajor, slack: 4096);
            Assert.True(roomy.Conv.Layout.ReadsInputInPlace);
            Assert.True(Assert.IsType<F32ConvGemm>(roomy.Conv).InPlace);
            var tight = Check(pointwise, 1, make, name, slack: 0);
            Assert.False(tight.Conv.Layout.ReadsInputInPlace);
            var padded = Check(pointwise with { Kernel = [3, 3], PadBegin = [1, 1], PadEnd = [1, 1] }, 1, make, name,
                ConvLoweringChoice.ChannelMajor, slack: 4096);
            Assert.False(padded.Conv.Layout.ReadsInputInPlace);
            Assert.False(Assert.IsType<F32ConvGemm>(padded.Conv).InPlace);
        }
    }

    [Fact]
    public void PixelMajorRunsALastStripOfOneVectorThroughTheOneVectorKernel()
    {
        // M = 1.5 strips (48 on AVX-512's 32-wide strips) and M = 1 strip + 1 channel: the last strip's real channels
        // fit one vector, so the 6×1V kernel runs it; every activation (in registers and after the store), K in
        // several blocks (accumulating), a tail pixel, channel blocks, bias or none.
        foreach (var (name, make) in Kernels())
        {
            int nr = make(ActivationKind.None).Columns;
            foreach (int m in new[] { nr + nr / 2, nr + 1, nr / 2 })
                for (int a = 0; a < Activations.Length; a++)
                {
                    var c = new ConvCase(1, 5, m, 1, [5, 7], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", a % 2 == 0, Activations[a]);
                    Check(c, a, make, name, ConvLoweringChoice.PixelMajor, kBlock: 7, channelBlocks: 1 + a % 2);
                }
        }
    }

    [Fact]
    public void PixelMajorKBlocksHoldAtMost16KBOfAStripsWeights()
    {
        // ResNet-18's late layers in small: 64→80 3×3 at 7×7 (K = 576), the default K block (256 for a 3×3 stride-1
        // window). A strip's weights of one K block must leave L1 room for the next, prefetched while the plane's 9
        // panels reuse them: 32-wide (AVX-512) strips get 5 blocks of at most 128, narrower strips keep 3 of 192. Three
        // strips, two channel blocks: each tile's last strip prefetches the next K block's first.
        var c = new ConvCase(1, 64, 80, 1, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true,
            new FusedActivation(ActivationKind.Relu));
        foreach (var (name, make) in Kernels())
        {
            int nr = make(ActivationKind.Relu).Columns;
            var conv = Assert.IsType<F32ConvPixelGemm>(Check(c, 3, make, name, ConvLoweringChoice.PixelMajor, channelBlocks: 2).Conv);
            Assert.Equal(nr == 32 ? 116 : 192, conv.KBlock);
            Assert.True(conv.KBlock * nr <= 4096, $"{name}: {conv.KBlock} × {nr} floats");
        }
    }

    [Fact]
    public void PixelMajorReadsAStridedInputInPlaceWhereEveryWindowLiesInsideIt()
    {
        // A 1×1 stride-2 shortcut, an unpadded 3×3 stride-2 stem whose end padding no real window reaches, a dilated
        // stride-3 window on a 1-D input, two groups: no staging, no room past X, and the reference's result.
        ConvCase[] inside =
        [
            new(2, 5, 7, 1, [9, 11], [1, 1], [2, 2], [1, 1], [0, 0], [0, 0], "NOTSET", true, FusedActivation.None),
            new(1, 3, 13, 1, [15, 15], [3, 3], [2, 2], [1, 1], [0, 0], [0, 1], "NOTSET", false, new(ActivationKind.Relu)),
            new(1, 4, 6, 1, [29], [3], [3], [2], [0], [0], "NOTSET", true, FusedActivation.None),
            new(1, 6, 8, 2, [10, 9], [3, 2], [2, 3], [1, 2], [0, 0], [0, 0], "VALID", true, FusedActivation.None),
        ];
        foreach (var (name, make) in Kernels())
            foreach (var c in inside)
            {
                var step = Check(c, 3, make, name, ConvLoweringChoice.PixelMajor, slack: 0);
                Assert.True(step.Conv.Layout.PixelsInPlace, $"{name} {c}");
                Assert.Equal(0, step.Conv.Layout.StageCount);
                // The channel-major lowering reads virtual columns: it stages the same convolution.
                Assert.False(Check(c, 3, make, name, ConvLoweringChoice.ChannelMajor).Conv.Layout.ReadsInputInPlace);
            }
        // A window that starts in the padding, or reaches the end padding, is staged whichever way round.
        ConvCase[] padded =
        [
            new(1, 3, 5, 1, [9, 9], [3, 3], [2, 2], [1, 1], [1, 1], [1, 1], "NOTSET", false, FusedActivation.None),
            new(1, 3, 5, 1, [15, 14], [3, 3], [2, 2], [1, 1], [0, 0], [0, 1], "NOTSET", false, FusedActivation.None),
        ];
        foreach (var (name, make) in Kernels())
            foreach (var c in padded)
                Assert.False(Check(c, 3, make, name, ConvLoweringChoice.PixelMajor, slack: 4096).Conv.Layout.ReadsInputInPlace);
        // And a layout read through pixel offsets is not the channel-major lowering's to take.
        var geometry = new SpatialParams([new SpatialAxis(9, 1, 2, 1, 0, 0, 5), new SpatialAxis(9, 1, 2, 1, 0, 0, 5)]);
        var direct = new ConvPhaseLayout(1, 2, 1, geometry, 2 * 81, pixelReader: true);
        Assert.True(direct.PixelsInPlace);
        Assert.Throws<ArgumentException>(() => new F32ConvGemm(F32GemmKernel.For(KernelIsa.Vector128, ActivationKind.None), direct, 4,
            new float[8], [], FusedActivation.None));
    }

    [Theory]
    [InlineData(ConvLoweringChoice.ChannelMajor)]
    [InlineData(ConvLoweringChoice.PixelMajor)]
    public unsafe void TilesRunInAnyOrderWithTheirOwnScratch(ConvLoweringChoice choice)
    {
        // What a worker pool will do: stage every channel, then run the tiles in any order, each thread with its own
        // scratch. The result must be the one Run() gives.
        var geometry = Cnnrt.Kernels.Reference.PaddingMath.Resolve([9, 13], [3, 3], [2, 1], [1, 2], [1, 2, 0, 1],
            Cnnrt.Kernels.Reference.AutoPad.NotSet, false, "test");
        int batch = 2, channels = 6, outChannels = 20, group = 2;
        var x = Random([batch, channels, 9, 13], 11).Floats;
        var w = Random([outChannels, channels / group, 3, 3], 12).Floats;
        var bias = Random([outChannels], 13).Floats;
        var kernel = F32GemmKernel.For(KernelIsa.Vector128, ActivationKind.Relu);
        var layout = new ConvPhaseLayout(batch, channels, group, geometry, x.Length);
        var conv = F32ConvGemmStep.Lower(kernel, layout, outChannels, w, bias, new FusedActivation(ActivationKind.Relu), choice,
            kBlock: 10, scratchFloats: 300, channelBlocks: 2);
        Assert.True(conv.TileCount >= 8, $"{conv.TileCount} tiles");
        int outCount = batch * outChannels * geometry.OutputSize;
        var expected = new float[outCount];
        var actual = new float[outCount];
        var ownScratch = new float[conv.ScratchLength];
        fixed (float* px = x, pe = expected, pa = actual, po = ownScratch)
        {
            conv.Run(px, pe, po);
            for (int i = 0; i < layout.StageCount; i++) layout.Stage(i, px);
            var order = Enumerable.Range(0, conv.TileCount).OrderBy(t => (t * 7919) % 13).ToArray();
            foreach (int t in order)
            {
                var scratch = new float[conv.ScratchLength];
                Array.Fill(scratch, float.NaN);
                fixed (float* ps = scratch) conv.RunTile(t, layout.Source(px), pa, ps);
            }
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PixelMajorThreadsStageTheRowsTheirTilesReadEveryRun(int threads)
    {
        // With a pool, each thread stages into its own copy the input rows of the tiles it takes, once per run. Every
        // run must see that run's X (a copy left from the run before would pass on a constant input), whichever
        // thread takes which tile, and give what one thread gives: the same kernel calls in the same order per value.
        using var pool = new Cnnrt.Threading.WorkerPool(threads);
        var kernel = F32GemmKernel.For(KernelIsa.Vector128, ActivationKind.Relu);
        var cases = new (int[] In, int[] K, int[] S, int[] Pads, int Channels, int OutChannels, int Scratch)[]
        {
            ([29, 23], [3, 3], [2, 2], [1, 1, 1, 1], 5, 20, 600),    // stride 2, several pixel blocks
            ([9, 9], [3, 3], [1, 1], [1, 1, 1, 1], 7, 33, 0),        // stride 1 padded, one pixel block
            ([40], [5], [3], [2, 1], 3, 9, 200),                     // 1-D, stride 3
        };
        foreach (var (input, k, s, pads, channels, outChannels, scratch) in cases)
        {
            var geometry = Cnnrt.Kernels.Reference.PaddingMath.Resolve(input, k, s, [.. input.Select(_ => 1)], pads,
                Cnnrt.Kernels.Reference.AutoPad.NotSet, false, "test");
            int plane = input.Aggregate(1, (p, v) => p * v);
            var w = Random([outChannels, channels, .. k], 2).Floats;
            var bias = Random([outChannels], 3).Floats;
            var (x, x1) = (new float[channels * plane], new float[channels * plane]);
            var (y, y1) = (new float[outChannels * geometry.OutputSize], new float[outChannels * geometry.OutputSize]);
            F32ConvGemmStep Make(float[] from, float[] to, Cnnrt.Threading.WorkerPool? p) => F32ConvGemmStep.Create(kernel, "conv", "Conv",
                Slot.Of(from), Slot.Of(to), 1, channels, outChannels, 1, geometry, w, bias, new FusedActivation(ActivationKind.Relu),
                ConvLoweringChoice.PixelMajor, scratchFloats: scratch > 0 ? scratch : F32ConvGemm.DefaultScratchFloats, pool: p);
            var pooled = Make(x, y, pool);
            var single = Make(x1, y1, null);
            Assert.True(pooled.Conv.Layout.StageCount > 0 && pooled.Conv.TileCount >= 2, $"{pooled.Conv.TileCount} tiles");
            for (int run = 0; run < 4; run++)
            {
                Random([channels * plane], 10 + run, -2, 2).Floats.CopyTo(x, 0);
                x.CopyTo(x1, 0);
                pooled.Run();
                single.Run();
                Assert.True(y1.AsSpan().SequenceEqual(y), $"{string.Join("x", input)} run {run}, {threads} threads, {pooled.Conv.TileCount} tiles");
            }
        }
    }

    [Fact]
    public void APoolGetsSeveralEqualTilesPerThread()
    {
        using var pool = new Cnnrt.Threading.WorkerPool(2);
        foreach (var (name, make) in Kernels())
        {
            // ResNet-18's last layers: pixel-major on a 7×7 plane, where the scratch alone already splits the output
            // channels in two; the pool must split them further (it once asked for 2 blocks and kept the 2 tiles).
            var deep = new ConvCase(1, 512, 512, 1, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true,
                new FusedActivation(ActivationKind.Relu));
            var pixel = Assert.IsType<F32ConvPixelGemm>(Check(deep, 3, make, name, pool: pool).Conv);
            Assert.True(pixel.TileCount >= 4, $"{name}: {pixel.TileCount} pixel-major tiles");
            // A stem (K in one block, rows stored straight into Y): its columns are cut into row blocks, output
            // channels stay whole (3 unequal channel blocks of 64 channels once gave one thread two thirds of it).
            var stem = new ConvCase(1, 3, 64, 1, [80, 80], [7, 7], [2, 2], [1, 1], [3, 3], [3, 3], "NOTSET", true,
                new FusedActivation(ActivationKind.Relu));
            var rows = Assert.IsType<F32ConvGemm>(Check(stem, 4, make, name, ConvLoweringChoice.ChannelMajor, pool: pool).Conv);
            Assert.True(rows.SplitsColumns);
            Assert.Equal(1, rows.ChannelBlocks);
            Assert.True(rows.Blocks >= 4, $"{name}: {rows.Blocks} column blocks");
        }
    }

    [Fact]
    public void AutoPicksPixelMajorForSmallPlanesAndChannelMajorForShallowPointwise()
    {
        var kernel = F32GemmKernel.For(KernelIsa.Vector128, ActivationKind.None);
        var deep = new ConvCase(1, 64, 128, 1, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, FusedActivation.None);
        Assert.IsType<F32ConvPixelGemm>(Check(deep, 5, _ => kernel, "vector128").Conv);
        var shallow = new ConvCase(1, 8, 48, 1, [20, 20], [1, 1], [1, 1], [1, 1], [0, 0], [0, 0], "NOTSET", true, FusedActivation.None);
        Assert.IsType<F32ConvGemm>(Check(shallow, 6, _ => kernel, "vector128").Conv);
        // A last strip of at most one vector of channels runs through the one-vector kernel and counts 0.7 of a strip:
        // LeNet-5's 6→16 5×5 at 10×10 on AVX-512's 32-wide strips goes pixel-major for it.
        var wide = F32GemmKernel.For(KernelIsa.Avx512, ActivationKind.None);
        var geometry = Cnnrt.Kernels.Reference.PaddingMath.Resolve([14, 14], [5, 5], [1, 1], [1, 1], [0, 0, 0, 0],
            Cnnrt.Kernels.Reference.AutoPad.NotSet, false, "test");
        var layout = new ConvPhaseLayout(1, 6, 1, geometry, 6 * 14 * 14, allocateStaging: false);
        Assert.Equal(0.7 * F32ConvPixelGemm.PaddedWork(wide, layout, 32), F32ConvPixelGemm.PaddedWork(wide, layout, 16), 6);
        Assert.Equal(F32ConvPixelGemm.PaddedWork(wide, layout, 32), F32ConvPixelGemm.PaddedWork(wide, layout, 17));
        Assert.True(F32ConvGemmStep.PrefersPixelMajor(wide, layout, 16));
    }

    [Fact]
    public void OperatorPicksTheGemmPathOnlyForFastIsasAndConstantWeights()
    {
        var c = new ConvCase(1, 4, 6, 1, [6, 6], [3, 3], [1, 1], [1, 1], [1, 1], [1, 1], "NOTSET", true, FusedActivation.None);
        var x = Random([1, 4, 6, 6], 1);
        var w = Random([6, 4, 3, 3], 2);
        var b = Random([6], 3);
        foreach (var isa in FastIsas)
        {
            Assert.IsType<F32ConvGemmStep>(FastStepRunner.Run(NodeFor(c), 13, [x, w, b], [false, true, true], isa).Step);
            Assert.IsNotType<F32ConvGemmStep>(FastStepRunner.Run(NodeFor(c), 13, [x, w, b], [false, false, true], isa).Step);
            var depthwise = c with { C = 4, M = 4, Group = 4 };
            Assert.IsNotType<F32ConvGemmStep>(FastStepRunner.Run(NodeFor(depthwise), 13,
                [x, Random([4, 1, 3, 3], 4), Random([4], 5)], [false, true, true], isa).Step);
            var conv3d = Node("Conv", 2, 1, Ints("pads", 0, 0, 0, 0, 0, 0));
            Assert.IsNotType<F32ConvGemmStep>(FastStepRunner.Run(conv3d, 13,
                [Random([1, 2, 3, 3, 3], 6), Random([2, 2, 1, 1, 1], 7)], [false, true], isa).Step);
        }
        Assert.IsNotType<F32ConvGemmStep>(FastStepRunner.Run(NodeFor(c), 13, [x, w, b], [false, true, true], KernelIsa.Reference).Step);
    }
}
