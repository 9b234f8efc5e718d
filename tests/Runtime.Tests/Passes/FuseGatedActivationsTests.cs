using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Passes;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Passes;

/// <summary>
/// x·sigmoid(x) and x·HardSigmoid(x) after a Conv/Gemm fold into it only when nothing else can observe x or the gate,
/// and the fused graph gives bit for bit what the two-node form gave (reference path), before and after packing.
/// </summary>
public class FuseGatedActivationsTests
{
    private sealed record N(string Op, string[] Inputs, string Output, params NodeAttribute[] Attrs);

    /// <summary>input [1,3,5,6] → Conv 3→4 (3×3, pad 1) named "c" → <paramref name="rest"/>; outputs as given.</summary>
    private static ModelGraph Graph(N[] rest, string[] outputs, bool gemm = false)
    {
        var g = new ModelGraph { Opset = 13, Name = "gated" };
        var rng = new Random(5);
        float[] Weights(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        if (gemm)
        {
            g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [2, 7] });
            g.Initializers["w"] = Tensor.FromFloats([5, 7], Weights(35));
            g.Initializers["b"] = Tensor.FromFloats([5], Weights(5));
            g.Nodes.Add(new Node { Name = "producer", OpType = "Gemm", Inputs = ["input", "w", "b"], Outputs = ["c"], Attributes = { ["transB"] = Int("transB", 1) } });
        }
        else
        {
            g.Inputs.Add(new ValueDecl { Name = "input", Type = DataType.Float, Dims = [1, 3, 5, 6] });
            g.Initializers["w"] = Tensor.FromFloats([4, 3, 3, 3], Weights(108));
            g.Initializers["b"] = Tensor.FromFloats([4], Weights(4));
            g.Nodes.Add(new Node { Name = "producer", OpType = "Conv", Inputs = ["input", "w", "b"], Outputs = ["c"], Attributes = { ["pads"] = Ints("pads", 1, 1, 1, 1) } });
        }
        foreach (var n in rest)
        {
            var node = new Node { Name = n.Output + "_node", OpType = n.Op, Inputs = n.Inputs, Outputs = [n.Output] };
            foreach (var a in n.Attrs) node.Attributes[a.Name] = a;
            g.Nodes.Add(node);
        }
        foreach (var o in outputs) g.Outputs.Add(new ValueDecl { Name = o, Type = DataType.Float });
        return g;
    }

    private static Dictionary<string, Tensor> Outputs(ModelGraph g, int[] shape) =>
        ReferenceInterpreter.Run(g, new Dictionary<string, Tensor> { ["input"] = Random(shape, 9, -4, 4) });

    private static void AssertBitIdentical(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        foreach (var (name, e) in expected)
            Assert.Equal(e.Floats.Select(BitConverter.SingleToInt32Bits), actual[name].Floats.Select(BitConverter.SingleToInt32Bits));
    }

    public static TheoryData<string, bool, bool> FusedCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var gate in new[] { "Sigmoid", "HardSigmoid" })
        foreach (bool gateFirst in new[] { false, true })
        foreach (bool gemm in new[] { false, true })
            data.Add(gate, gateFirst, gemm);
        return data;
    }

    [Theory]
    [MemberData(nameof(FusedCases))]
    public void GateAndMulFoldIntoTheProducerWithIdenticalOutputs(string gate, bool gateFirst, bool gemm)
    {
        NodeAttribute[] attrs = gate == "HardSigmoid" ? [Float("alpha", 1f / 6), Float("beta", 0.5f)] : [];
        N[] rest = [new(gate, ["c"], "s", attrs), new("Mul", gateFirst ? ["s", "c"] : ["c", "s"], "y"), new("Relu", ["y"], "out")];
        var unfused = Graph(rest, ["out"], gemm);
        int[] shape = gemm ? [2, 7] : [1, 3, 5, 6];
        var expected = Outputs(unfused, shape);

        var g = Graph(rest, ["out"], gemm);
        Assert.Equal(1, FuseGatedActivations.Run(g));
        Assert.Equal(["producer", "out_node"], g.Nodes.Select(n => n.Name));
        Assert.Equal(["y"], g.Nodes[0].Outputs);
        var fused = FusedActivation.FromNode(g.Nodes[0]);
        Assert.Equal(gate == "Sigmoid" ? new FusedActivation(ActivationKind.Swish) : new FusedActivation(ActivationKind.HardSigmoidGate, 1f / 6, 0.5f), fused);
        AssertBitIdentical(expected, Outputs(g, shape));

        // The whole pipeline (the Relu after the Mul stays: y has its own consumer, it is not this pass's business),
        // the packed file, and a session on the reference path.
        var model = Model.FromGraph(Graph(rest, ["out"], gemm));
        Assert.Equal(fused, FusedActivation.FromNode(model.Graph.Nodes[0]));
        var packed = Model.Load(PackedModelFile.Write(model.Graph));
        Assert.Equal(fused, FusedActivation.FromNode(packed.Graph.Nodes[0]));
        var x = Random(shape, 9, -4, 4).Floats;
        var y = new float[expected["out"].Length];
        new Session(packed, new SessionOptions { Isa = Cnnrt.Kernels.KernelIsa.Reference, Threads = 1 }).Run(x, y);
        Assert.Equal(expected["out"].Floats.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void NonDefaultHardSigmoidParametersAreCarried()
    {
        var g = Graph([new("HardSigmoid", ["c"], "s", Float("alpha", 0.3f)), new("Mul", ["s", "c"], "y")], ["y"]);
        Assert.Equal(1, FuseGatedActivations.Run(g));
        Assert.Equal(new FusedActivation(ActivationKind.HardSigmoidGate, 0.3f, 0.5f), FusedActivation.FromNode(g.Nodes[0]));
    }

    public static TheoryData<string> UnfusedCases() =>
        ["third consumer of x", "Mul with another operand", "x is a graph output", "gate is a graph output",
         "gate read twice", "Mul(x, x)", "producer already fused", "other gate op", "gate in another domain"];

    [Theory]
    [MemberData(nameof(UnfusedCases))]
    public void NothingFusesWhereXOrTheGateIsObservable(string which)
    {
        N sig = new("Sigmoid", ["c"], "s"), mul = new("Mul", ["c", "s"], "y");
        var g = which switch
        {
            "third consumer of x" => Graph([sig, mul, new("Add", ["y", "c"], "z")], ["z"]),
            "Mul with another operand" => Graph([sig, new("Relu", ["c"], "r"), new("Mul", ["r", "s"], "y")], ["y"]),
            "x is a graph output" => Graph([sig, mul], ["y", "c"]),
            "gate is a graph output" => Graph([sig, mul], ["y", "s"]),
            "gate read twice" => Graph([sig, mul, new("Add", ["y", "s"], "z")], ["z"]),
            "Mul(x, x)" => Graph([new("Mul", ["c", "c"], "y")], ["y"]),
            "producer already fused" => Graph([sig, mul], ["y"]),
            "other gate op" => Graph([new("Tanh", ["c"], "s"), mul], ["y"]),
            "gate in another domain" => Graph([sig, mul], ["y"]),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        if (which == "producer already fused") new FusedActivation(ActivationKind.Relu).WriteTo(g.Nodes[0]);
        if (which == "gate in another domain") g.Nodes[1].Domain = "com.example";
        int nodes = g.Nodes.Count;
        var before = FusedActivation.FromNode(g.Nodes[0]);
        Assert.Equal(0, FuseGatedActivations.Run(g));
        Assert.Equal(nodes, g.Nodes.Count);
        Assert.Equal(["c"], g.Nodes[0].Outputs);
        Assert.Equal(before, FusedActivation.FromNode(g.Nodes[0]));
    }
}
