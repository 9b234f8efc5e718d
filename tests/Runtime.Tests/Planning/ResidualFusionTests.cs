using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Winograd;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using Cnnrt.Tests.Kernels;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Planning;

/// <summary>
/// Conv → Add(·, r) → activation is folded into the Conv where the Add does not broadcast: the Add and activation
/// steps run nothing and the Conv writes activation(conv + r) where the last node's output lives. Every case, folded
/// or not, gives what the reference interpreter gives on the unfused graph: bit for bit on the reference path, within
/// rounding on every vector path and thread count (the fast paths were also checked bit for bit against the unfused
/// fast path on ResNet-18, MobileNetV2 and EfficientNet-B0).
/// </summary>
public class ResidualFusionTests
{
    /// <summary>
    /// input [n, c, h, w] → conv1 (3×3, +Relu) → conv2 (the variant's kernel) → Add(conv2, input) → Relu → output.
    /// </summary>
    private static ModelGraph Graph(string variant, int c = 8, int h = 9, int w = 7, int batch = 1)
    {
        var g = new ModelGraph { Opset = 13, Name = "residual" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, c, h, w] });
        g.Initializers["w1"] = Random([c, c, 3, 3], 3, -0.3f, 0.3f);
        g.Initializers["b1"] = Random([c], 4);
        int k = variant == "pointwise" ? 1 : 3;
        g.Initializers["w2"] = variant == "depthwise" ? Random([c, 1, 3, 3], 5) : Random([c, c, k, k], 5, -0.3f, 0.3f);
        g.Initializers["b2"] = Random([c], 6);
        var conv1 = new Node { Name = "conv1", OpType = "Conv", Inputs = ["input", "w1", "b1"], Outputs = ["a"] };
        conv1.SetAttribute(Ints("pads", 1, 1, 1, 1));
        g.Nodes.Add(conv1);
        g.Nodes.Add(new Node { Name = "relu1", OpType = "Relu", Inputs = ["a"], Outputs = ["ra"] });
        if (variant == "strided")
        {
            // ResNet's downsampling block with the 1×1 stride-2 Conv first: the 3×3 stride-2 conv2 takes it in.
            g.Initializers["wd"] = Random([c, c, 1, 1], 7);
            var down = new Node { Name = "down", OpType = "Conv", Inputs = ["input", "wd"], Outputs = ["d"] };
            down.SetAttribute(Ints("strides", 2, 2));
            g.Nodes.Add(down);
        }
        var conv2 = new Node { Name = "conv2", OpType = "Conv", Inputs = ["ra", "w2", "b2"], Outputs = ["b"] };
        if (k == 3) conv2.SetAttribute(Ints("pads", 1, 1, 1, 1));
        if (variant == "strided") conv2.SetAttribute(Ints("strides", 2, 2));
        if (variant == "depthwise") conv2.SetAttribute(Int("group", c));
        g.Nodes.Add(conv2);
        string convOut = "b", skip = "input";
        if (variant == "conv has activation")
        {
            g.Nodes.Add(new Node { Name = "relu2", OpType = "Relu", Inputs = ["b"], Outputs = ["rb"] });
            convOut = "rb";
        }
        if (variant == "broadcast")
        {
            g.Nodes.Add(new Node { Name = "gap", OpType = "GlobalAveragePool", Inputs = ["input"], Outputs = ["gap"] });
            skip = "gap";
        }
        if (variant == "strided") skip = "d";
        if (variant == "skip written later")
        {
            // A downsampling block's shape: the second operand is a 1×1 Conv placed after conv2, so it is the one folded.
            g.Initializers["wd"] = Random([c, c, 1, 1], 7);
            g.Nodes.Add(new Node { Name = "down", OpType = "Conv", Inputs = ["input", "wd"], Outputs = ["d"] });
            skip = "d";
        }
        g.Nodes.Add(new Node { Name = "add", OpType = "Add", Inputs = [convOut, skip], Outputs = ["s"] });
        string last = "s";
        if (variant != "no activation")
        {
            if (variant == "relu6")
            {
                g.Initializers["lo"] = Tensor.FromFloats([], [0f]);
                g.Initializers["hi"] = Tensor.FromFloats([], [0.5f]);
                g.Nodes.Add(new Node { Name = "act", OpType = "Clip", Inputs = ["s", "lo", "hi"], Outputs = ["y"] });
            }
            else g.Nodes.Add(new Node { Name = "act", OpType = "Relu", Inputs = ["s"], Outputs = ["y"] });
            last = "y";
        }
        g.Outputs.Add(new ValueDecl { Name = last, Type = DataType.Float });
        if (variant == "conv output read twice") g.Outputs.Add(new ValueDecl { Name = "b", Type = DataType.Float });
        if (variant == "sum read twice")
        {
            g.Nodes.Add(new Node { Name = "neg", OpType = "Neg", Inputs = ["s"], Outputs = ["ns"] });
            g.Outputs.Add(new ValueDecl { Name = "ns", Type = DataType.Float });
        }
        return g;
    }

    /// <summary>Variant, channels, height, width; which nodes become no-ops; the node that takes the residual.</summary>
    public static TheoryData<string, int, int, int, string[], string?> Cases() => new()
    {
        { "plain", 8, 9, 7, ["add", "act"], "conv2" },
        { "no activation", 8, 9, 7, ["add"], "conv2" },
        { "relu6", 8, 9, 7, ["add", "act"], "conv2" },
        { "pointwise", 16, 10, 10, ["add", "act"], "conv2" },
        { "depthwise", 8, 9, 7, ["add", "act"], "conv2" },
        { "winograd", 32, 20, 18, ["add", "act"], "conv2" },
        { "deep small plane", 48, 5, 5, ["add", "act"], "conv2" },
        { "skip written later", 8, 9, 7, ["add", "act"], "down" },
        { "strided", 16, 23, 21, ["add", "act"], "conv2" },
        { "sum read twice", 8, 9, 7, ["add"], "conv2" },
        { "conv has activation", 8, 9, 7, [], null },
        { "broadcast", 8, 9, 7, [], null },
        { "conv output read twice", 8, 9, 7, [], null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoldsOnlyWhereItMayAndMatchesTheReference(string variant, int c, int h, int w, string[] skipped, string? folded)
    {
        var x = Random([1, c, h, w], 11, -2, 2);
        var expected = ReferenceInterpreter.Run(Graph(variant, c, h, w), new Dictionary<string, Tensor> { ["input"] = x });
        foreach (var isa in VectorKernelRunner.FastIsas.Prepend(KernelIsa.Reference))
        foreach (int threads in isa == KernelIsa.Reference ? [1] : new[] { 1, 2, 3 })
        {
            using var session = new Session(Model.FromGraph(Graph(variant, c, h, w)), new SessionOptions { Isa = isa, Threads = threads });
            var steps = session.Plan.StepList;
            foreach (var name in new[] { "add", "act" })
                if (steps.SingleOrDefault(s => s.NodeName == name) is { } step)
                    Assert.True(skipped.Contains(name) == step is SkippedStep, $"{variant}: {name} skipped = {step is SkippedStep}");
            if (variant == "winograd" && isa != KernelIsa.Reference)
                Assert.IsType<F32WinogradStep>(steps.Single(s => s.NodeName == "conv2"));
            PlanOutputs.AssertMatch(session, x, expected, isa, 1e-4f);
        }
        // On the reference path every Conv that took a residual is wrapped in the whole-output epilogue: exactly the
        // folded one.
        using var reference = new Session(Model.FromGraph(Graph(variant, c, h, w)), new SessionOptions { Isa = KernelIsa.Reference });
        var epilogues = reference.Plan.StepList.OfType<Cnnrt.Kernels.F32Elementwise.ResidualEpilogue>().Select(s => s.NodeName);
        Assert.Equal(folded is null ? [] : new[] { folded }, epilogues);
    }

    [Fact]
    public void AFoldedResidualTakesNoStorageForTheConvOutputOrTheSum()
    {
        using var folded = new Session(Model.FromGraph(Graph("plain")), new SessionOptions { Threads = 1 });
        using var kept = new Session(Model.FromGraph(Graph("conv has activation")), new SessionOptions { Threads = 1 });
        // "kept" stores conv2's output (its Relu fused by the load-time passes) and the sum besides the final output;
        // the folded plan stores only the final output.
        long plane = 8 * 9 * 7 * sizeof(float);
        Assert.Equal(2 * plane, kept.Plan.IntermediateBytes - folded.Plan.IntermediateBytes);
    }

    [Fact]
    public void RunsAllocateNothingWithAFoldedResidualOnAPool()
    {
        using var session = new Session(Model.FromGraph(Graph("winograd", 32, 20, 18)), new SessionOptions { Threads = 2 });
        Random([1, 32, 20, 18], 1).Floats.CopyTo(session.Input(0));
        PlanOutputs.AssertRunsAllocateNothing(session);
    }
}
