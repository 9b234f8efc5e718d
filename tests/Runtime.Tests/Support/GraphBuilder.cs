using Cnnrt.Graph;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Support;

/// <summary>Builds small graphs in code: layers named conv1, pool1... with deterministic random weights.</summary>
public sealed class GraphBuilder
{
    private readonly ModelGraph _g = new() { Opset = 13, Name = "test" };
    private readonly Random _rng;
    private int _count;

    public GraphBuilder(string input, int[] dims, int seed = 1)
    {
        _rng = new Random(seed);
        _g.Inputs.Add(new ValueDecl { Name = input, Type = DataType.Float, Dims = dims });
        Current = input;
    }

    /// <summary>The value the next layer reads.</summary>
    public string Current { get; private set; }

    public GraphBuilder Add(string op, string name, string[] extraInputs, params NodeAttribute[] attrs)
    {
        var n = new Node { Name = name, OpType = op, Inputs = [Current, .. extraInputs], Outputs = [name + "_out"] };
        foreach (var a in attrs) n.Attributes[a.Name] = a;
        _g.Nodes.Add(n);
        Current = n.Outputs[0];
        return this;
    }

    public string Weight(string name, params int[] shape)
    {
        var t = Tensor.FromFloats(shape, Enumerable.Range(0, ShapeMath.Count(shape)).Select(_ => (float)(_rng.NextDouble() - 0.5) * 0.5f).ToArray());
        _g.Initializers[name] = t;
        return name;
    }

    public GraphBuilder Conv(int inC, int outC, int k, int stride = 1, int pad = 0, int group = 1)
    {
        string name = $"conv{++_count}";
        return Add("Conv", name, [Weight(name + ".w", outC, inC / group, k, k), Weight(name + ".b", outC)],
            Ints("kernel_shape", k, k), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Int("group", group));
    }

    public GraphBuilder Relu() => Add("Relu", $"relu{++_count}", []);
    public GraphBuilder MaxPool(int k, int s) => Add("MaxPool", $"pool{++_count}", [], Ints("kernel_shape", k, k), Ints("strides", s, s));
    public GraphBuilder Flatten() => Add("Flatten", $"flatten{++_count}", [], Int("axis", 1));

    public GraphBuilder Gemm(int inF, int outF)
    {
        string name = $"fc{++_count}";
        return Add("Gemm", name, [Weight(name + ".w", outF, inF), Weight(name + ".b", outF)], Int("transB", 1));
    }

    public ModelGraph Build(string output = "logits")
    {
        // Rename the last value to the requested output name.
        _g.Nodes[^1].Outputs[0] = output;
        _g.Outputs.Add(new ValueDecl { Name = output, Type = DataType.Float });
        return _g;
    }

    /// <summary>The notes' "typical CNN" on 28×28×1: conv3×3×8 → pool → conv3×3×16 → pool → FC 400→64 → FC 64→10.</summary>
    public static ModelGraph TypicalCnn(int seed = 1) =>
        new GraphBuilder("input", [-1, 1, 28, 28], seed)
            .Conv(1, 8, 3).Relu().MaxPool(2, 2)
            .Conv(8, 16, 3).Relu().MaxPool(2, 2)
            .Flatten().Gemm(400, 64).Relu().Gemm(64, 10)
            .Build();
}
