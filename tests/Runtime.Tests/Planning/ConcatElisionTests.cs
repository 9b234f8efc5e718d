using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Planning;

/// <summary>
/// A Concat whose inputs are contiguous blocks of its output is skipped: the producing layers write into the output
/// directly. Every case, skipped or not, gives what the reference interpreter gives, bit for bit on the reference path
/// and within rounding on the fast one; the skipped ones also shrink the intermediate tensors by the Concat's size.
/// </summary>
public class ConcatElisionTests
{
    /// <summary>
    /// input [n,3,6,5] → conv a (4 channels), relu b and sigmoid c of the input → Concat(a, b) along channels →
    /// conv after it → output; the variants are the cases that must not be skipped, and two that must.
    /// </summary>
    private static ModelGraph Graph(string variant, int batch = 1)
    {
        var g = new ModelGraph { Opset = 13, Name = "concat" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [batch, 3, 6, 5] });
        g.Initializers["w"] = Random([4, 3, 3, 3], 3);
        g.Initializers["w2"] = Random([2, 7, 1, 1], 4);
        var conv = new Node { Name = "conv", OpType = "Conv", Inputs = ["input", "w"], Outputs = ["a"] };
        conv.SetAttribute(Ints("pads", 1, 1, 1, 1));
        g.Nodes.Add(conv);
        g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = ["input"], Outputs = ["b"] });
        g.Nodes.Add(new Node { Name = "sig", OpType = "Sigmoid", Inputs = ["input"], Outputs = ["c"] });
        string[] parts = variant switch
        {
            "axis 2" => ["b", "c"],
            "graph input part" => ["a", "input"],
            "same part twice" => ["a", "b", "b"],
            _ => ["a", "b"],
        };
        var concat = new Node { Name = "cat", OpType = "Concat", Inputs = parts, Outputs = ["cat"] };
        concat.SetAttribute(Int("axis", variant == "axis 2" ? 2 : 1));
        g.Nodes.Add(concat);
        string last = "cat";
        if (variant == "nested")
        {
            // cat2 = Concat(cat, c): cat is skipped, cat2 then copies (a value has one place).
            var outer = new Node { Name = "cat2", OpType = "Concat", Inputs = ["cat", "c"], Outputs = ["cat2"] };
            outer.SetAttribute(Int("axis", 1));
            g.Nodes.Add(outer);
            last = "cat2";
        }
        if (variant is not ("axis 2" or "nested" or "graph input part" or "same part twice"))
        {
            var after = new Node { Name = "conv2", OpType = "Conv", Inputs = [last, "w2"], Outputs = ["y"] };
            g.Nodes.Add(after);
            last = "y";
        }
        g.Outputs.Add(new ValueDecl { Name = last, Type = DataType.Float });
        if (variant == "part is an output") g.Outputs.Add(new ValueDecl { Name = "b", Type = DataType.Float });
        if (variant == "part read twice")
        {
            // b is also read after the Concat, through a view (Flatten) and a Neg.
            g.Nodes.Add(new Node { Name = "flat", OpType = "Flatten", Inputs = ["b"], Outputs = ["fb"] });
            g.Nodes.Add(new Node { Name = "neg", OpType = "Neg", Inputs = ["fb"], Outputs = ["nb"] });
            g.Outputs.Add(new ValueDecl { Name = "nb", Type = DataType.Float });
        }
        return g;
    }

    public static TheoryData<string, bool, int> Cases() => new()
    {
        { "plain", true, 1 }, { "part read twice", true, 1 }, { "nested", true, 1 }, { "axis 2", false, 1 }, { "batch 2", false, 2 },
        { "graph input part", false, 1 }, { "same part twice", false, 1 }, { "part is an output", false, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SkipsOnlyWhereThePartsAreBlocksAndMatchesTheReference(string variant, bool skipped, int batch)
    {
        var x = Random([batch, 3, 6, 5], 11, -2, 2);
        var expected = ReferenceInterpreter.Run(Graph(variant, batch), new Dictionary<string, Tensor> { ["input"] = x });
        foreach (var isa in new[] { KernelIsa.Reference, CpuFeatures.Best })
        {
            using var session = new Session(Model.FromGraph(Graph(variant, batch)), new SessionOptions { Isa = isa, Threads = 1 });
            var steps = session.Plan.StepList;
            var cat = steps.Single(s => s.NodeName == "cat");
            Assert.Equal(skipped, cat is SkippedStep);
            if (variant == "nested") Assert.IsNotType<SkippedStep>(steps.Single(s => s.NodeName == "cat2"));
            PlanOutputs.AssertMatch(session, x, expected, isa, 1e-5f);
        }
    }

    [Fact]
    public void ASkippedConcatTakesNoStorageOfItsOwnParts()
    {
        using var kept = new Session(Model.FromGraph(Graph("part is an output")), new SessionOptions { Threads = 1 });
        using var skipped = new Session(Model.FromGraph(Graph("plain")), new SessionOptions { Threads = 1 });
        // The same tensors, but the skipped plan stores a and b only inside cat: it needs cat's size less.
        Assert.IsType<SkippedStep>(skipped.Plan.StepList.Single(s => s.NodeName == "cat"));
        Assert.Equal(7 * 6 * 5 * sizeof(float), kept.Plan.IntermediateBytes - skipped.Plan.IntermediateBytes);
    }
}
