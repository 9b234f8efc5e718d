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
/// Conv → MaxPool is folded into the Conv, which pools its own pixel-major tiles (<see cref="TileMaxPool"/>): the
/// MaxPool step runs nothing and the convolution output is never stored. The fused
/// kernel is checked bit for bit against the same convolution stored and then pooled by the reference, on every
/// micro-kernel this host runs; whole plans against the reference interpreter on every path and thread count.
/// </summary>
public class PoolFusionTests
{
    /// <summary>input [batch, c, h, w] → conv (3×3 pad 1, Relu, the variant's) → MaxPool (the variant's) → conv (1×1) → output.</summary>
    private static ModelGraph Graph(string variant, int c, int h, int w, int batch = 1)
    {
        // 32 output channels per group: a whole AVX-512 strip, where the cost rule picks the pixel-major lowering.
        int group = variant == "grouped" ? 2 : 1, m = 32 * group;
        var g = new ModelGraph { Opset = 13, Name = "pooled" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, c, h, w] });
        if (variant == "depthwise") m = c;
        g.Initializers["w1"] = Random([m, variant == "depthwise" ? 1 : c / group, 3, 3], 3, -0.3f, 0.3f);
        g.Initializers["b1"] = Random([m], 4);
        g.Initializers["w2"] = Random([8, m, 1, 1], 5, -0.3f, 0.3f);
        var conv = new Node { Name = "conv", OpType = "Conv", Inputs = ["input", "w1", "b1"], Outputs = ["a"] };
        // Valid convolutions read their input in place (nothing staged).
        if (variant != "valid large plane") conv.SetAttribute(Ints("pads", 1, 1, 1, 1));
        if (group > 1) conv.SetAttribute(Int("group", group));
        if (variant == "depthwise") conv.SetAttribute(Int("group", c));
        g.Nodes.Add(conv);
        g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = ["a"], Outputs = ["r"] });
        var pool = new Node { Name = "pool", OpType = "MaxPool", Inputs = ["r"], Outputs = ["p"] };
        var (kernel, stride) = variant switch
        {
            "3x3 windows" => (new long[] { 3, 3 }, new long[] { 3, 3 }),
            "2x3 windows" => ([2, 3], [2, 3]),
            "overlapping" or "padded" or "ceil" or "large plane overlapping" => ([3, 3], [2, 2]),
            "dilated" => ([2, 2], [1, 1]),
            _ => (new long[] { 2, 2 }, new long[] { 2, 2 }),
        };
        pool.SetAttribute(Ints("kernel_shape", kernel));
        pool.SetAttribute(Ints("strides", stride));
        if (variant == "padded") pool.SetAttribute(Ints("pads", 1, 1, 1, 1));
        if (variant == "ceil") pool.SetAttribute(Int("ceil_mode", 1));
        if (variant == "dilated") pool.SetAttribute(Ints("dilations", 2, 2));
        g.Nodes.Add(pool);
        string pooled = "p";
        if (variant == "chained")
        {
            // A second fused pair reading the first's pooled output in place (a valid convolution stages nothing): its
            // own pooled output must not be given that memory while it reads it. 2×2, so that no path runs it as
            // Winograd (which takes no pool: a 3×3 on this 14×14 plane does on AVX-512).
            g.Initializers["w3"] = Random([m, m, 2, 2], 7, -0.2f, 0.2f);
            var conv2 = new Node { Name = "conv2", OpType = "Conv", Inputs = ["p", "w3"], Outputs = ["a2"] };
            g.Nodes.Add(conv2);
            g.Nodes.Add(new Node { Name = "relu2", OpType = "Relu", Inputs = ["a2"], Outputs = ["r2"] });
            var pool2 = new Node { Name = "pool2", OpType = "MaxPool", Inputs = ["r2"], Outputs = ["p2"] };
            pool2.SetAttribute(Ints("kernel_shape", 2, 2));
            pool2.SetAttribute(Ints("strides", 2, 2));
            g.Nodes.Add(pool2);
            pooled = "p2";
        }
        g.Nodes.Add(new Node { Name = "head", OpType = "Conv", Inputs = [pooled, "w2"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        if (variant == "conv output read twice") g.Outputs.Add(new ValueDecl { Name = "r", Type = DataType.Float });
        return g;
    }

    /// <summary>Variant, input channels, height, width, batch; whether the pool is folded on the fast paths.</summary>
    public static TheoryData<string, int, int, int, int, bool> Cases() => new()
    {
        { "2x2 windows", 8, 9, 7, 1, true },
        { "3x3 windows", 8, 11, 10, 1, true },
        { "2x3 windows", 5, 10, 13, 1, true },
        { "large plane", 3, 40, 36, 1, true },
        { "batch 2", 4, 12, 8, 2, true },
        { "grouped", 8, 10, 10, 1, true },
        { "overlapping", 8, 9, 7, 1, true },
        { "padded", 8, 9, 7, 1, true },
        { "ceil", 8, 10, 8, 1, true },
        { "large plane overlapping", 3, 40, 36, 1, true },
        { "dilated", 8, 9, 7, 1, false },
        { "chained", 1, 28, 28, 1, true },
        { "valid large plane", 3, 40, 36, 1, true },
        { "conv output read twice", 8, 9, 7, 1, false },
        { "depthwise", 8, 9, 7, 1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoldsOnlyWhereItMayAndMatchesTheReference(string variant, int c, int h, int w, int batch, bool folds)
    {
        var x = Random([batch, c, h, w], 11, -2, 2);
        var expected = ReferenceInterpreter.Run(Graph(variant, c, h, w, batch), new Dictionary<string, Tensor> { ["input"] = x });
        PlanOutputs.AssertEveryPathMatches(() => Graph(variant, c, h, w, batch), x, expected, (session, isa) =>
        {
            var steps = session.Plan.StepList;
            bool skipped = steps.Single(s => s.NodeName == "pool") is SkippedStep;
            Assert.True(skipped == (folds && isa != KernelIsa.Reference), $"{variant} {isa}: pool skipped = {skipped}");
            // Both pairs fused on the host's widest path (the case where the second Conv's pooled output could
            // have been given its own input's memory; narrower paths may leave that pool to its own step).
            if (variant == "chained" && isa == CpuFeatures.Best)
                Assert.IsType<SkippedStep>(steps.Single(s => s.NodeName == "pool2"));
            if (skipped) Assert.Contains("pixel-major", Assert.IsType<F32ConvGemmStep>(steps.Single(s => s.NodeName == "conv")).Conv.Description);
        });
    }

    [Fact]
    public void AFoldedPoolStoresNoConvolutionOutput()
    {
        using var folded = new Session(Model.FromGraph(Graph("2x2 windows", 8, 9, 8)), new SessionOptions { Threads = 1 });
        using var kept = new Session(Model.FromGraph(Graph("dilated", 8, 9, 8)), new SessionOptions { Threads = 1 });
        if (folded.Plan.Isa == KernelIsa.Reference) return; // no fast path on this host: nothing is folded
        // Both store the pooled output (over 9×8: 2×2 windows 32×4×4, dilated 2×2 stride 1 32×7×6) and the head's (8
        // channels of that); "kept" also the 32×9×8 convolution output.
        int folds = (32 + 8) * 4 * 4, keeps = 32 * 9 * 8 + (32 + 8) * 7 * 6;
        Assert.Equal((keeps - folds) * sizeof(float), kept.Plan.IntermediateBytes - folded.Plan.IntermediateBytes);
    }

    [Fact]
    public void RunsAllocateNothingWithAFoldedPoolOnAPool()
    {
        using var session = new Session(Model.FromGraph(Graph("large plane", 3, 40, 36)), new SessionOptions { Threads = 2 });
        Random([1, 3, 40, 36], 1).Floats.CopyTo(session.Input(0));
        PlanOutputs.AssertRunsAllocateNothing(session);
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 40).Select(i => new object[] { i });

    /// <summary>
    /// Random convolutions and pool windows (kernel, stride, padding, ceil mode), small K and scratch blocks (many pixel
    /// blocks, each whole rows of windows, overlapping ones computing shared rows twice) and channel blocks: the fused
    /// kernel gives the convolution's own output pooled by the reference (to the last ulp: see below).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void TheFusedKernelPoolsExactlyTheConvolutionItStores(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(1, 3), group = rng.Next(3) == 0 ? 2 : 1, c = group * rng.Next(1, 6), m = group * rng.Next(1, 20);
        int h = rng.Next(2, 30), w = rng.Next(2, 30);
        // 1×1 or 3×3 convolutions, padded or valid, stride 1 or 2 (stems are strided).
        int k = rng.Next(2) == 0 ? 3 : 1, pad = rng.Next(2) == 0 ? k / 2 : 0, stride = rng.Next(3) == 0 ? 2 : 1;
        h = Math.Max(h, k); w = Math.Max(w, k);
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var geometry = new SpatialParams([new SpatialAxis(h, k, stride, 1, pad, pad, oh), new SpatialAxis(w, k, stride, 1, pad, pad, ow)]);
        SpatialAxis poolH, poolW;
        do (poolH, poolW) = (PoolAxis(rng, oh), PoolAxis(rng, ow));
        while (!TileMaxPool.Handles(poolH, poolW));
        var poolGeometry = new SpatialParams([poolH, poolW]);
        var x = Random([n, c, h, w], seed * 5 + 1).Floats;
        var weights = Random([m, c / group, k, k], seed * 5 + 2).Floats;
        var bias = Random([m], seed * 5 + 3).Floats;
        var (activation, kBlock, scratch, channelBlocks) = ConvGemmTests.RandomTiling(rng);
        foreach (var (name, make) in ConvGemmTests.Kernels())
        {
            var kernel = make(activation.Kind);
            var stored = new float[n * m * oh * ow];
            F32ConvGemmStep.Create(kernel, "conv", "Conv", Slot.Of(x), Slot.Of(stored), n, c, m, group, geometry, weights, bias,
                activation, ConvLoweringChoice.PixelMajor, kBlock, scratch, channelBlocks).Run();
            var expected = new float[n * m * poolH.Output * poolW.Output];
            PoolReference.MaxPool<float>(stored, expected, Span<long>.Empty, n * m, poolGeometry, false);

            var pooled = new float[expected.Length];
            F32ConvGemmStep.Create(kernel, "conv", "Conv", Slot.Of(x), Slot.Of(pooled), n, c, m, group, geometry, weights, bias,
                activation, ConvLoweringChoice.PixelMajor, kBlock, scratch, channelBlocks, maxPool: new TileMaxPool(poolH, poolW)).Run();
            // Pixel blocks are cut differently with the pool (whole rows of windows), so a pixel that one layout runs
            // through the one-pixel tail kernel (its own summation order) the other may run in a 6-pixel panel: the
            // same value within an ulp or two, never more.
            for (int i = 0; i < expected.Length; i++)
                Assert.True(MathF.Abs(expected[i] - pooled[i]) <= 1e-6f * (1 + MathF.Abs(expected[i])),
                    $"{name}: element {i} {expected[i]} vs {pooled[i]}; n{n} c{c} m{m} g{group} {h}x{w} k{k} s{stride} pool {poolH} x {poolW} " +
                    $"kBlock {kBlock} scratch {scratch} {activation}");
        }
    }

    /// <summary>A pool axis over <paramref name="input"/>: kernel 1–4, stride 1–3, padding below the kernel, floor or ceil.</summary>
    private static SpatialAxis PoolAxis(Random rng, int input)
    {
        int kernel = rng.Next(1, Math.Min(4, input) + 1), stride = rng.Next(1, 4);
        int begin = rng.Next(kernel), end = rng.Next(kernel);
        int span = input + begin + end - kernel;
        int output = (rng.Next(2) == 0 ? span : span + stride - 1) / stride + 1;
        // Ceil mode drops a last window that would start in the end padding, as ONNX (and the reference) does.
        if ((output - 1) * stride >= input + begin) output--;
        return new SpatialAxis(input, kernel, stride, 1, begin, end, output);
    }
}
