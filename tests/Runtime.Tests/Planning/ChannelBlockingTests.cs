using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using Cnnrt.Tests.Kernels.F32Gemm;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Planning;

/// <summary>
/// Values between a pixel-major pointwise Conv, a depthwise Conv and another pointwise Conv are stored channel-blocked
/// (<see cref="ChannelBlockedLayout"/>) where every reader takes them so: whole plans against the reference interpreter
/// on every path and thread count, and the pixel-major kernel reading and writing blocked values against itself on NCHW.
/// </summary>
public class ChannelBlockingTests
{
    /// <summary>input [batch, 96, h, w] → 1×1 (→ 60, Clip 0..6) "a" → depthwise 3×3 pad 1 (the variant's stride and
    /// activation) "d" → 1×1 (→ 32) "y", plus what the variant adds.</summary>
    private static ModelGraph Graph(string variant, int h, int w, int batch = 1)
    {
        const int c = 96, m = 60;
        var g = new ModelGraph { Opset = 13, Name = "blocked" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, c, h, w] });
        g.Initializers["w1"] = Random([m, c, 1, 1], 3, -0.2f, 0.2f);
        g.Initializers["b1"] = Random([m], 4);
        int k = variant == "5x5 dilated asymmetric depthwise" ? 5 : 3;
        g.Initializers["wd"] = Random([m, 1, k, k], 5, -0.5f, 0.5f);
        g.Initializers["bd"] = Random([m], 6);
        g.Initializers["w3"] = Random([32, m, 1, 1], 7, -0.3f, 0.3f);
        g.Nodes.Add(new Node { Name = "expand", OpType = "Conv", Inputs = ["input", "w1", "b1"], Outputs = ["e"] });
        var clip = new Node { Name = "clip", OpType = "Clip", Inputs = ["e", "lo", "hi"], Outputs = ["a"] };
        g.Initializers["lo"] = F([], 0f);
        g.Initializers["hi"] = F([], 6f);
        g.Nodes.Add(clip);
        var depthwise = new Node { Name = "depthwise", OpType = "Conv", Inputs = ["a", "wd", "bd"], Outputs = ["dc"] };
        depthwise.SetAttribute(Int("group", m));
        if (k == 5)
        {
            // Dilation 2 (a 9×9 reach) with pads 4 above and left, 3 below and right.
            depthwise.SetAttribute(Ints("dilations", 2, 2));
            depthwise.SetAttribute(Ints("pads", 4, 4, 3, 3));
        }
        else depthwise.SetAttribute(Ints("pads", 1, 1, 1, 1));
        if (variant == "strided depthwise") depthwise.SetAttribute(Ints("strides", 2, 2));
        g.Nodes.Add(depthwise);
        // Sigmoid·x (Swish after fusion) runs the depthwise step's separate activation pass.
        if (variant == "swish")
        {
            g.Nodes.Add(new Node { Name = "sigmoid", OpType = "Sigmoid", Inputs = ["dc"], Outputs = ["s"] });
            g.Nodes.Add(new Node { Name = "swish", OpType = "Mul", Inputs = ["dc", "s"], Outputs = ["d"] });
        }
        else g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = ["dc"], Outputs = ["d"] });
        string projected = "d";
        if (variant.StartsWith("squeeze-excite"))
        {
            // GlobalAveragePool → 1×1 (→ 8, Relu) → 1×1 (→ 60) → Sigmoid → the variant's op with d: one value per channel
            // (per image) against the blocked d.
            g.Initializers["wsq"] = Random([8, m, 1, 1], 8, -0.5f, 0.5f);
            g.Initializers["wex"] = Random([m, 8, 1, 1], 9, -0.5f, 0.5f);
            g.Nodes.Add(new Node { Name = "squeeze pool", OpType = "GlobalAveragePool", Inputs = ["d"], Outputs = ["sp"] });
            g.Nodes.Add(new Node { Name = "squeeze", OpType = "Conv", Inputs = ["sp", "wsq"], Outputs = ["sq"] });
            g.Nodes.Add(new Node { Name = "squeeze relu", OpType = "Relu", Inputs = ["sq"], Outputs = ["sqr"] });
            g.Nodes.Add(new Node { Name = "excite", OpType = "Conv", Inputs = ["sqr", "wex"], Outputs = ["ex"] });
            g.Nodes.Add(new Node { Name = "gate", OpType = "Sigmoid", Inputs = ["ex"], Outputs = ["s"] });
            string[] operands = variant == "squeeze-excite s - d" ? ["s", "d"] : ["d", "s"];
            string op = variant switch { "squeeze-excite s - d" => "Sub", "squeeze-excite d / s" => "Div", _ => "Mul" };
            g.Nodes.Add(new Node { Name = "scale", OpType = op, Inputs = operands, Outputs = ["scaled"] });
            projected = "scaled";
        }
        g.Nodes.Add(new Node { Name = "project", OpType = "Conv", Inputs = [projected, "w3"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        if (variant == "depthwise output read twice") g.Outputs.Add(new ValueDecl { Name = "d", Type = DataType.Float });
        if (variant.EndsWith("scaled read twice")) g.Outputs.Add(new ValueDecl { Name = "scaled", Type = DataType.Float });
        if (variant == "read by an Add")
        {
            // An elementwise reader takes NCHW only: "a" stays NCHW, the depthwise output may still go blocked.
            g.Nodes.Add(new Node { Name = "add", OpType = "Add", Inputs = ["a", "a"], Outputs = ["twice"] });
            g.Outputs.Add(new ValueDecl { Name = "twice", Type = DataType.Float });
        }
        return g;
    }

    /// <summary>Variant, height, width, batch; the values stored blocked on the host's widest path (AVX2 or AVX-512).</summary>
    public static TheoryData<string, int, int, int, string[]> Cases() => new()
    {
        { "chain", 7, 7, 1, ["a", "d"] },
        { "chain", 5, 9, 2, ["a", "d"] },
        { "strided depthwise", 7, 7, 1, ["a", "d"] },
        { "strided depthwise", 9, 7, 1, ["d"] }, // 63 pixels: the expand Conv lowers channel-major, NCHW
        { "swish", 7, 6, 1, ["a", "d"] },
        { "5x5 dilated asymmetric depthwise", 7, 7, 2, ["a", "d"] }, // 7×7 in, 6×6 out
        { "5x5 dilated asymmetric depthwise", 8, 8, 1, ["d"] }, // 64 pixels: the expand Conv lowers channel-major
        { "depthwise output read twice", 7, 7, 1, ["a"] },
        { "read by an Add", 7, 7, 1, ["d"] },
        // The squeeze Conv's 1×1 output goes blocked too (pixel-major both sides).
        { "squeeze-excite d * s", 7, 7, 1, ["a", "d", "scaled", "sqr"] },
        { "squeeze-excite d * s", 6, 5, 2, ["a", "d", "scaled", "sqr"] },
        // "scaled" is also a graph output, so NCHW, and with it d (the Mul keeps its operand's layout).
        { "squeeze-excite d * s, scaled read twice", 7, 7, 1, ["a", "sqr"] },
        { "squeeze-excite s - d", 7, 7, 2, ["a", "d", "scaled", "sqr"] },
        { "squeeze-excite d / s", 7, 7, 1, ["a", "d", "scaled", "sqr"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BlocksOnlyWhereEveryReaderTakesItAndMatchesTheReference(string variant, int h, int w, int batch, string[] blocked)
    {
        var x = Random([batch, 96, h, w], 11, -2, 2);
        var expected = ReferenceInterpreter.Run(Graph(variant, h, w, batch), new Dictionary<string, Tensor> { ["input"] = x });
        PlanOutputs.AssertEveryPathMatches(() => Graph(variant, h, w, batch), x, expected, (session, isa) =>
        {
            var values = session.Plan.ChannelBlockedValues;
            if (isa == KernelIsa.Reference) Assert.Empty(values);
            else if (isa == CpuFeatures.Best && isa != KernelIsa.Vector128)
                Assert.Equal(blocked.Order(), values.Order());
            // Never a graph output, whatever the path.
            for (int i = 0; i < session.OutputCount; i++) Assert.DoesNotContain(session.OutputName(i), values);
        });
    }

    /// <summary>
    /// input [batch, 96, h, w] → 1×1 (→ 64) "r" → 1×1 (→ 128, Clip) "e6" → depthwise 3×3 "d" → 1×1 (→ 64) → Add(·, r)
    /// "sum" → GlobalAveragePool → Flatten → output: MobileNetV2's inverted residual block and head. The project Conv
    /// takes the Add (ResidualFusion); the operand r and the sum are tied (one tile epilogue adds them), and the global
    /// pool reads the sum blocked.
    /// </summary>
    private static ModelGraph ResidualGraph(int h, int w, int batch, bool flattenSum)
    {
        var g = new ModelGraph { Opset = 13, Name = "blocked residual" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, 96, h, w] });
        g.Initializers["w0"] = Random([64, 96, 1, 1], 3, -0.2f, 0.2f);
        g.Initializers["w1"] = Random([128, 64, 1, 1], 4, -0.2f, 0.2f);
        g.Initializers["wd"] = Random([128, 1, 3, 3], 5, -0.5f, 0.5f);
        g.Initializers["w3"] = Random([64, 128, 1, 1], 6, -0.2f, 0.2f);
        g.Initializers["lo"] = F([], 0f);
        g.Initializers["hi"] = F([], 6f);
        g.Nodes.Add(new Node { Name = "stem", OpType = "Conv", Inputs = ["input", "w0"], Outputs = ["r"] });
        g.Nodes.Add(new Node { Name = "expand", OpType = "Conv", Inputs = ["r", "w1"], Outputs = ["e"] });
        g.Nodes.Add(new Node { Name = "clip", OpType = "Clip", Inputs = ["e", "lo", "hi"], Outputs = ["e6"] });
        var depthwise = new Node { Name = "depthwise", OpType = "Conv", Inputs = ["e6", "wd"], Outputs = ["d"] };
        depthwise.SetAttribute(Int("group", 128));
        depthwise.SetAttribute(Ints("pads", 1, 1, 1, 1));
        g.Nodes.Add(depthwise);
        g.Nodes.Add(new Node { Name = "project", OpType = "Conv", Inputs = ["d", "w3"], Outputs = ["p"] });
        g.Nodes.Add(new Node { Name = "add", OpType = "Add", Inputs = ["p", "r"], Outputs = ["sum"] });
        g.Nodes.Add(new Node { Name = "pool", OpType = "GlobalAveragePool", Inputs = ["sum"], Outputs = ["pooled"] });
        g.Nodes.Add(new Node { Name = "flatten", OpType = "Flatten", Inputs = ["pooled"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        // A Flatten (a view: NCHW only) reading the sum keeps it, and so r, NCHW.
        if (flattenSum)
        {
            g.Nodes.Add(new Node { Name = "flat sum", OpType = "Flatten", Inputs = ["sum"], Outputs = ["flat"] });
            g.Outputs.Add(new ValueDecl { Name = "flat", Type = DataType.Float });
        }
        return g;
    }

    [Theory]
    [InlineData(7, 7, 1, false)]
    [InlineData(5, 9, 2, false)]
    [InlineData(7, 7, 1, true)]
    public void AFoldedResidualAndItsOperandAreBlockedTogether(int h, int w, int batch, bool flattenSum)
    {
        var x = Random([batch, 96, h, w], 12, -2, 2);
        var expected = ReferenceInterpreter.Run(ResidualGraph(h, w, batch, flattenSum), new Dictionary<string, Tensor> { ["input"] = x });
        PlanOutputs.AssertEveryPathMatches(() => ResidualGraph(h, w, batch, flattenSum), x, expected, (session, isa) =>
        {
            var values = session.Plan.ChannelBlockedValues;
            Assert.Equal(values.Contains("r"), values.Contains("sum"));
            if (isa != CpuFeatures.Best || isa == KernelIsa.Vector128) return;
            Assert.IsType<SkippedStep>(session.Plan.StepList.Single(s => s.NodeName == "add"));
            Assert.Subset(values.ToHashSet(), new HashSet<string> { "e6", "d" });
            Assert.Equal(!flattenSum, values.Contains("sum"));
        });
    }

    /// <summary>
    /// [1, 64, 7, 7] "r" → 1×1 → Add(·, r) "s1" → 1×1 → Add(·, s1) "s2" → GlobalAveragePool: two folded residuals in a
    /// chain, s1 both the first's output and the second's operand; r is the graph input itself, or a 1×1 Conv's output
    /// (from 96 channels).
    /// </summary>
    private static ModelGraph ResidualChain(bool stem)
    {
        var g = new ModelGraph { Opset = 13, Name = "residual chain" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [1, stem ? 96 : 64, 7, 7] });
        g.Initializers["w1"] = Random([64, 64, 1, 1], 3, -0.2f, 0.2f);
        g.Initializers["w2"] = Random([64, 64, 1, 1], 4, -0.2f, 0.2f);
        string r = "input";
        if (stem)
        {
            g.Initializers["w0"] = Random([64, 96, 1, 1], 5, -0.2f, 0.2f);
            g.Nodes.Add(new Node { Name = "stem", OpType = "Conv", Inputs = ["input", "w0"], Outputs = ["r"] });
            r = "r";
        }
        g.Nodes.Add(new Node { Name = "conv1", OpType = "Conv", Inputs = [r, "w1"], Outputs = ["p1"] });
        g.Nodes.Add(new Node { Name = "add1", OpType = "Add", Inputs = ["p1", r], Outputs = ["s1"] });
        g.Nodes.Add(new Node { Name = "conv2", OpType = "Conv", Inputs = ["s1", "w2"], Outputs = ["p2"] });
        g.Nodes.Add(new Node { Name = "add2", OpType = "Add", Inputs = ["p2", "s1"], Outputs = ["s2"] });
        g.Nodes.Add(new Node { Name = "pool", OpType = "GlobalAveragePool", Inputs = ["s2"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        return g;
    }

    /// <summary>The graph input stays NCHW, so s1 (tied to it by the first fold) and s2 (tied to s1 by the second)
    /// must too; from a Conv's output the whole chain goes blocked.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AResidualChainTakesOneLayout(bool stem)
    {
        var x = Random([1, stem ? 96 : 64, 7, 7], 13, -2, 2);
        var expected = ReferenceInterpreter.Run(ResidualChain(stem), new Dictionary<string, Tensor> { ["input"] = x });
        PlanOutputs.AssertEveryPathMatches(() => ResidualChain(stem), x, expected, (session, isa) =>
        {
            var values = session.Plan.ChannelBlockedValues;
            Assert.True(values.Contains("s1") == values.Contains("s2") && (!stem || values.Contains("r") == values.Contains("s1")));
            if (!stem) Assert.Empty(values.Intersect(["s1", "s2"]));
            else if (isa == CpuFeatures.Best && isa != KernelIsa.Vector128) Assert.Subset(values.ToHashSet(), new HashSet<string> { "r", "s1", "s2" });
            if (isa != KernelIsa.Reference)
                Assert.IsType<SkippedStep>(session.Plan.StepList.Single(s => s.NodeName == "add2"));
        });
    }

    [Fact]
    public void RunsAllocateNothingWithBlockedValuesOnAPool()
    {
        using var session = new Session(Model.FromGraph(Graph("chain", 7, 7)), new SessionOptions { Threads = 2 });
        Random([1, 96, 7, 7], 1).Floats.CopyTo(session.Input(0));
        PlanOutputs.AssertRunsAllocateNothing(session);
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 30).Select(i => new object[] { i });

    /// <summary>
    /// Random pointwise convolutions (channels off the lane count, small K and scratch blocks, channel blocks, every
    /// activation), on every micro-kernel this host runs: reading a blocked input, writing a blocked output, or both,
    /// gives the bits the same lowering gives on NCHW (the same kernel calls in the same order, other addresses).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void ThePixelMajorKernelOnBlockedValuesGivesItsNchwBits(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(1, 3), c = rng.Next(1, 40), m = rng.Next(1, 70), h = rng.Next(1, 12), w = rng.Next(1, 12);
        var geometry = new SpatialParams([new SpatialAxis(h, 1, 1, 1, 0, 0, h), new SpatialAxis(w, 1, 1, 1, 0, 0, w)]);
        var x = Random([n, c, h, w], seed * 5 + 1).Floats;
        var weights = Random([m, c, 1, 1], seed * 5 + 2).Floats;
        var bias = Random([m], seed * 5 + 3).Floats;
        var (activation, kBlock, scratch, channelBlocks) = ConvGemmTests.RandomTiling(rng);
        foreach (var (name, make) in ConvGemmTests.Kernels())
        {
            var kernel = make(activation.Kind);
            int lanes = kernel.Columns / 2;
            var nchw = new float[n * m * h * w];
            F32ConvGemmStep.Create(kernel, "conv", "Conv", Slot.Of(x), Slot.Of(nchw), n, c, m, 1, geometry, weights, bias,
                activation, ConvLoweringChoice.PixelMajor, kBlock, scratch, channelBlocks).Run();
            foreach (var (inLanes, outLanes) in new[] { (lanes, 0), (0, lanes), (lanes, lanes) })
            {
                var input = inLanes > 0 ? ChannelBlockedLayout.FromNchw(x, [n, c, h, w], inLanes) : x;
                var output = new float[outLanes > 0 ? ChannelBlockedLayout.Count([n, m, h, w], outLanes) : nchw.Length];
                F32ConvGemmStep.Create(kernel, "conv", "Conv", Slot.Of(input), Slot.Of(output), n, c, m, 1, geometry, weights, bias,
                    activation, ConvLoweringChoice.Auto, kBlock, scratch, channelBlocks, inputLanes: inLanes, outputLanes: outLanes).Run();
                var actual = outLanes > 0 ? ChannelBlockedLayout.ToNchw(output, [n, m, h, w], outLanes) : output;
                Assert.True(nchw.AsSpan().SequenceEqual(actual),
                    $"{name} in {inLanes} out {outLanes}: n{n} c{c} m{m} {h}x{w} kBlock {kBlock} scratch {scratch} channel blocks {channelBlocks} {activation}");
            }
        }
    }

    [Fact]
    public void TheLayoutRoundTripsAndPadsTheLastBlockWithZeros()
    {
        var x = Random([2, 5, 3, 2], 1).Floats;
        var blocked = ChannelBlockedLayout.FromNchw(x, [2, 5, 3, 2], 4);
        Assert.Equal(2 * 2 * 4 * 3 * 2, blocked.Length);
        // Image 1, channel 4 (block 1, lane 0), pixel (2, 1).
        Assert.Equal(x[((1 * 5 + 4) * 3 + 2) * 2 + 1], blocked[(((1 * 2 + 1) * 3 + 2) * 2 + 1) * 4 + 0]);
        Assert.Equal(0f, blocked[(((1 * 2 + 1) * 3 + 2) * 2 + 1) * 4 + 3]);
        Assert.Equal(x, ChannelBlockedLayout.ToNchw(blocked, [2, 5, 3, 2], 4));
    }
}
