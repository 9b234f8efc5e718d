using Cnnrt.Graph;
using Cnnrt.Passes;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Passes;

/// <summary>
/// A Pad folds into the window operator after it only where that operator pads with the same value, and the folded
/// graph gives bit for bit what Pad → window gave (reference interpreter).
/// </summary>
public class FoldPadsTests
{
    /// <summary>input [2,3,7,9] → Pad(pads, value, mode) → <paramref name="window"/> (+ W, B for Conv) → output.</summary>
    private static ModelGraph Graph(long[] pads, string window, NodeAttribute[] windowAttrs, float value = 0f, string mode = "constant",
        int opset = 13, long[]? axes = null, bool padIsOutput = false, bool padReadTwice = false)
    {
        var g = new ModelGraph { Opset = opset, Name = "pad" };
        g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [2, 3, 7, 9] });
        var padNode = new Node { Name = "pad", OpType = "Pad", Inputs = ["input"], Outputs = ["padded"] };
        padNode.SetAttribute(Str("mode", mode));
        if (opset < 11)
        {
            padNode.SetAttribute(Ints("pads", pads));
            padNode.SetAttribute(Float("value", value));
        }
        else
        {
            g.Initializers["pads"] = Tensor.FromLongs([pads.Length], pads);
            g.Initializers["value"] = Tensor.FromFloats([], [value]);
            padNode.Inputs = axes is null ? ["input", "pads", "value"] : ["input", "pads", "value", "axes"];
            if (axes is not null) g.Initializers["axes"] = Tensor.FromLongs([axes.Length], axes);
        }
        g.Nodes.Add(padNode);
        var w = new Node { Name = "window", OpType = window, Inputs = ["padded"], Outputs = ["y"] };
        if (window == "Conv")
        {
            g.Initializers["w"] = Random([4, 3, 3, 2], 3);
            g.Initializers["b"] = Random([4], 4);
            w.Inputs = ["padded", "w", "b"];
        }
        foreach (var a in windowAttrs) w.SetAttribute(a);
        g.Nodes.Add(w);
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        if (padIsOutput) g.Outputs.Add(new ValueDecl { Name = "padded", Type = DataType.Float });
        if (padReadTwice)
        {
            g.Nodes.Add(new Node { Name = "relu", OpType = "Relu", Inputs = ["padded"], Outputs = ["r"] });
            g.Outputs.Add(new ValueDecl { Name = "r", Type = DataType.Float });
        }
        return g;
    }

    private static Dictionary<string, Tensor> Outputs(ModelGraph g) =>
        ReferenceInterpreter.Run(g, new Dictionary<string, Tensor> { ["input"] = Random([2, 3, 7, 9], 11, -3, 3) });

    private static NodeAttribute[] Pool(params NodeAttribute[] extra) => [Ints("kernel_shape", 2, 3), Ints("strides", 2, 1), .. extra];

    public static TheoryData<string> FoldedCases() =>
        ["Conv", "Conv with own pads", "Conv VALID", "AveragePool include", "AveragePool exclude without own pads",
         "MaxPool -inf", "zero pads (edge mode)", "zero pads before a Relu", "opset 18 axes", "opset 9 attributes"];

    [Theory]
    [MemberData(nameof(FoldedCases))]
    public void FoldsAndGivesIdenticalOutputs(string which)
    {
        long[] spatial = [0, 0, 1, 2, 0, 0, 2, 1];
        Func<ModelGraph> make = which switch
        {
            "Conv" => () => Graph(spatial, "Conv", []),
            "Conv with own pads" => () => Graph(spatial, "Conv", [Ints("pads", 1, 0, 0, 1), Ints("strides", 2, 1)]),
            "Conv VALID" => () => Graph(spatial, "Conv", [Str("auto_pad", "VALID")]),
            "AveragePool include" => () => Graph(spatial, "AveragePool", Pool(Ints("pads", 1, 1, 0, 1), Int("count_include_pad", 1))),
            "AveragePool exclude without own pads" => () => Graph(spatial, "AveragePool", Pool()),
            "MaxPool -inf" => () => Graph([0, 0, 1, 1, 0, 0, 0, 1], "MaxPool", Pool(Ints("pads", 0, 1, 1, 0)), float.NegativeInfinity),
            "zero pads (edge mode)" => () => Graph(new long[8], "AveragePool", Pool(), mode: "edge"),
            "zero pads before a Relu" => () => Graph(new long[8], "MaxPool", Pool(), padReadTwice: true),
            "opset 18 axes" => () => Graph([1, 0, 2, 1], "Conv", [], opset: 18, axes: [-2, 3]),
            "opset 9 attributes" => () => Graph(spatial, "AveragePool", Pool(Int("count_include_pad", 1)), opset: 9),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        var expected = Outputs(make());
        var g = make();
        Assert.Equal(1, FoldPads.Run(g));
        Assert.DoesNotContain(g.Nodes, n => n.OpType == "Pad");
        Assert.Equal("input", g.Nodes[0].Inputs[0]);
        var actual = Outputs(g);
        foreach (var (name, e) in expected)
            Assert.Equal(e.Floats.Select(BitConverter.SingleToInt32Bits), actual[name].Floats.Select(BitConverter.SingleToInt32Bits));
    }

    public static TheoryData<string> KeptCases() =>
        ["negative pad", "channel pad", "reflect mode", "non-zero value into Conv", "zero value into MaxPool",
         "-inf into AveragePool", "AveragePool exclude with own pads", "ceil_mode", "SAME_UPPER", "Pad read twice",
         "Pad is a graph output", "MaxPool Indices used", "MaxPool window wholly in padding", "MaxPool dilated"];

    [Theory]
    [MemberData(nameof(KeptCases))]
    public void KeepsThePadWhereTheWindowPadsDifferently(string which)
    {
        long[] spatial = [0, 0, 1, 2, 0, 0, 2, 1];
        var g = which switch
        {
            "negative pad" => Graph([0, 0, 1, -1, 0, 0, 0, 1], "Conv", []),
            "channel pad" => Graph([0, 1, 1, 0, 0, 0, 0, 0], "MaxPool", Pool(), float.NegativeInfinity),
            "reflect mode" => Graph(spatial, "Conv", [], mode: "reflect"),
            "non-zero value into Conv" => Graph(spatial, "Conv", [], value: 1f),
            "zero value into MaxPool" => Graph(spatial, "MaxPool", Pool()),
            "-inf into AveragePool" => Graph(spatial, "AveragePool", Pool(Int("count_include_pad", 1)), float.NegativeInfinity),
            "AveragePool exclude with own pads" => Graph(spatial, "AveragePool", Pool(Ints("pads", 1, 0, 0, 0))),
            "ceil_mode" => Graph(spatial, "AveragePool", Pool(Int("count_include_pad", 1), Int("ceil_mode", 1))),
            "SAME_UPPER" => Graph(spatial, "Conv", [Str("auto_pad", "SAME_UPPER")]),
            "Pad read twice" => Graph(spatial, "Conv", [], padReadTwice: true),
            "Pad is a graph output" => Graph(new long[8], "Conv", [], padIsOutput: true),
            "MaxPool Indices used" => Graph([0, 0, 1, 1, 0, 0, 0, 1], "MaxPool", Pool(), float.NegativeInfinity),
            "MaxPool window wholly in padding" => Graph([0, 0, 1, 1, 0, 0, 1, 1], "MaxPool", Pool(Ints("pads", 0, 1, 1, 0)), float.NegativeInfinity),
            "MaxPool dilated" => Graph([0, 0, 1, 1, 0, 0, 0, 1], "MaxPool", Pool(Ints("dilations", 2, 1)), float.NegativeInfinity),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        if (which == "MaxPool Indices used")
        {
            g.Nodes[1].Outputs = ["y", "indices"];
            g.Outputs.Add(new ValueDecl { Name = "indices", Type = DataType.Int64 });
        }
        var windowAttrs = g.Nodes[1].Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal(0, FoldPads.Run(g));
        Assert.Equal("Pad", g.Nodes[0].OpType);
        Assert.Equal(["padded"], g.Nodes[1].Inputs.Take(1));
        Assert.Equal(windowAttrs.Keys.Order(), g.Nodes[1].Attributes.Keys.Order());
    }
}
