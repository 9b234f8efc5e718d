using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Planning;

/// <summary>
/// A pointwise Conv → depthwise Conv pair (an inverted-residual block's expansion) is folded into the depthwise step,
/// which computes the pointwise output row by row itself: the pointwise step runs nothing and its output is never
/// stored. Whole plans against the reference interpreter on every path and thread count (bit for bit across thread
/// counts), and the pairs that must not fold.
/// </summary>
public class ExpandFusionTests
{
    /// <summary>input [batch, c, h, w] → Conv 1×1 c→m (+ activation) → depthwise k×k (+ activation) → Conv 1×1 m→8 → y.</summary>
    private static ModelGraph Graph(string variant, int c, int m, int h, int w, int k = 3, int stride = 1, int batch = 1)
    {
        var g = new ModelGraph { Opset = 13, Name = "expanded" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, c, h, w] });
        int expandKernel = variant == "3x3 expansion" ? 3 : 1;
        g.Initializers["we"] = Random([m, c, expandKernel, expandKernel], 3, -0.4f, 0.4f);
        g.Initializers["be"] = Random([m], 4);
        g.Initializers["wd"] = Random([m, 1, k, k], 5, -0.4f, 0.4f);
        g.Initializers["bd"] = Random([m], 6);
        g.Initializers["wp"] = Random([8, m, 1, 1], 7, -0.3f, 0.3f);
        g.Initializers["lo"] = Tensor.Scalar(0f);
        g.Initializers["hi"] = Tensor.Scalar(6f);
        var expand = new Node { Name = "expand", OpType = "Conv", Inputs = variant == "no bias" ? ["input", "we"] : ["input", "we", "be"], Outputs = ["e"] };
        if (variant == "3x3 expansion") expand.SetAttribute(Ints("pads", 1, 1, 1, 1));
        if (variant == "strided expansion") expand.SetAttribute(Ints("strides", 2, 2));
        g.Nodes.Add(expand);
        string expanded = "e";
        switch (variant)
        {
            case "swish":
                g.Nodes.Add(new Node { Name = "sig", OpType = "Sigmoid", Inputs = ["e"], Outputs = ["s"] });
                g.Nodes.Add(new Node { Name = "swish", OpType = "Mul", Inputs = ["e", "s"], Outputs = ["ea"] });
                expanded = "ea";
                break;
            case "no activation":
                break;
            default:
                g.Nodes.Add(new Node { Name = "relu6", OpType = "Clip", Inputs = ["e", "lo", "hi"], Outputs = ["ea"] });
                expanded = "ea";
                break;
        }
        var dw = new Node { Name = "dw", OpType = "Conv", Inputs = [expanded, "wd", "bd"], Outputs = ["d"] };
        dw.SetAttribute(Int("group", m));
        dw.SetAttribute(Ints("strides", stride, stride));
        dw.SetAttribute(variant switch
        {
            "asymmetric padding" => Ints("pads", 0, 1, k - 1, k - 2),
            "valid" => Ints("pads", 0, 0, 0, 0),
            "dilated" => Ints("pads", k - 1, k - 1, k - 1, k - 1),
            _ => Ints("pads", k / 2, k / 2, k / 2, k / 2),
        });
        if (variant == "dilated") dw.SetAttribute(Ints("dilations", 2, 2));
        g.Nodes.Add(dw);
        g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = ["d"], Outputs = ["dr"] });
        g.Nodes.Add(new Node { Name = "project", OpType = "Conv", Inputs = ["dr", "wp"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        if (variant == "expansion read twice") g.Outputs.Add(new ValueDecl { Name = expanded, Type = DataType.Float });
        return g;
    }

    /// <summary>Variant, channels in and expanded, plane, depthwise kernel and stride, batch; whether the pair folds on
    /// the fast paths. Folding takes an expanded tensor of at least 1 MB an image (m·h·w ≥ 262144 floats).</summary>
    public static TheoryData<string, int, int, int, int, int, int, int, bool> Cases() => new()
    {
        // 40 expanded channels: on AVX-512 two blocks computed as a pair and one alone.
        { "relu6", 8, 40, 82, 82, 3, 1, 1, true },
        { "relu6", 5, 24, 105, 106, 3, 2, 1, true },
        { "swish", 7, 48, 74, 74, 3, 1, 1, true },
        { "no activation", 16, 32, 91, 91, 5, 1, 1, true },
        { "no activation", 3, 17, 125, 125, 5, 2, 1, true },
        { "no bias", 8, 40, 82, 82, 3, 1, 1, true },
        { "asymmetric padding", 8, 40, 82, 83, 3, 1, 1, true },
        { "valid", 8, 40, 82, 82, 3, 1, 1, true },
        // Dilated stride-1 rows are channel-blocked (and so streamed) only up to 32 outputs wide.
        { "dilated", 6, 40, 205, 32, 3, 1, 1, true },
        { "dilated", 6, 40, 82, 82, 3, 1, 1, false },
        { "relu6", 8, 40, 82, 82, 3, 1, 2, true },
        { "expansion read twice", 8, 40, 82, 82, 3, 1, 1, false },
        { "3x3 expansion", 8, 40, 82, 82, 3, 1, 1, false },
        { "strided expansion", 8, 40, 164, 164, 3, 1, 1, false },
        // An expanded tensor that stays in L2 (40×36×36 floats, 207 KB) is left to the GEMM.
        { "relu6", 8, 40, 36, 36, 3, 1, 1, false },
        // Rows narrower than two vectors of every fast path (Vector128's 4 lanes included): whole planes are transposed.
        { "relu6", 8, 7300, 6, 6, 3, 1, 1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FoldsOnlyWhereItMayAndMatchesTheReference(string variant, int c, int m, int h, int w, int k, int stride, int batch, bool folds)
    {
        var x = Random([batch, c, h, w], 11, -2, 2);
        var expected = ReferenceInterpreter.Run(Graph(variant, c, m, h, w, k, stride, batch), new Dictionary<string, Tensor> { ["input"] = x });
        PlanOutputs.AssertEveryPathMatches(() => Graph(variant, c, m, h, w, k, stride, batch), x, expected, (session, isa) =>
        {
            bool skipped = session.Plan.StepList.Single(s => s.NodeName == "expand") is SkippedStep;
            Assert.True(skipped == (folds && isa != KernelIsa.Reference), $"{variant} {w}-wide on {isa}: expansion folded = {skipped}");
        });
    }

    [Fact]
    public void AFoldedExpansionStoresNoOutput()
    {
        using var folded = new Session(Model.FromGraph(Graph("no activation", 8, 40, 82, 82)), new SessionOptions { Threads = 1 });
        using var kept = new Session(Model.FromGraph(Graph("3x3 expansion", 8, 40, 82, 82)), new SessionOptions { Threads = 1 });
        if (folded.Plan.Isa == KernelIsa.Reference) return; // no fast path on this host: nothing is folded
        Assert.Equal(40 * 82 * 82 * sizeof(float), kept.Plan.IntermediateBytes - folded.Plan.IntermediateBytes);
    }

    [Fact]
    public void RunsAllocateNothingWithAFoldedExpansionOnAPool()
    {
        using var session = new Session(Model.FromGraph(Graph("swish", 7, 48, 74, 74)), new SessionOptions { Threads = 2 });
        if (session.Plan.Isa != KernelIsa.Reference) Assert.Contains(session.Plan.StepList, s => s.NodeName == "expand" && s is SkippedStep);
        Random([1, 7, 74, 74], 1).Floats.CopyTo(session.Input(0));
        PlanOutputs.AssertRunsAllocateNothing(session);
    }
}
