using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Benchmarks;

/// <summary>One-node graphs built in code, so a benchmark times exactly one plan step.</summary>
internal static class SingleNodeGraphs
{
    /// <summary>Conv with bias on 1×inC×size×size, square kernel, stride 1, "same" padding; group = inC makes it depthwise.</summary>
    public static ModelGraph Conv(int inC, int outC, int size, int kernel, int group = 1)
    {
        var g = Graph("x", [1, inC, size, size]);
        var rng = new Random(7);
        g.Initializers["w"] = Tensor.FromFloats([outC, inC / group, kernel, kernel], RandomFloats(rng, outC * inC / group * kernel * kernel));
        g.Initializers["b"] = Tensor.FromFloats([outC], RandomFloats(rng, outC));
        var node = new Node { Name = "conv", OpType = "Conv", Inputs = ["x", "w", "b"], Outputs = ["y"] };
        node.SetAttribute(Ints("kernel_shape", kernel, kernel));
        node.SetAttribute(Ints("strides", 1, 1));
        node.SetAttribute(Ints("pads", kernel / 2, kernel / 2, kernel / 2, kernel / 2));
        node.SetAttribute(new NodeAttribute { Name = "group", Kind = AttributeKind.Int, Int = group });
        g.Nodes.Add(node);
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        return g;
    }

    /// <summary>Elementwise Add of two graph inputs of the same shape (a residual connection).</summary>
    public static ModelGraph Add(int[] shape)
    {
        var g = Graph("a", shape);
        g.Inputs.Add(new ValueDecl { Name = "b", Type = DataType.Float, Dims = shape });
        g.Nodes.Add(new Node { Name = "add", OpType = "Add", Inputs = ["a", "b"], Outputs = ["y"] });
        g.Outputs.Add(new ValueDecl { Name = "y", Type = DataType.Float });
        return g;
    }

    /// <summary>A session on <paramref name="graph"/> for one kernel path, with every input filled with seeded values.</summary>
    public static Session Session(ModelGraph graph, Kernels.KernelIsa isa)
    {
        var session = new Session(Model.FromGraph(graph, "benchmark"), new SessionOptions { Isa = isa, Threads = 1 });
        var rng = new Random(11);
        for (int i = 0; i < session.InputCount; i++)
        {
            var input = session.Input(i);
            for (int k = 0; k < input.Length; k++) input[k] = (float)(rng.NextDouble() * 2 - 1);
        }
        return session;
    }

    private static ModelGraph Graph(string input, int[] shape)
    {
        var g = new ModelGraph { Opset = 13, Name = "benchmark" };
        g.Inputs.Add(new ValueDecl { Name = input, Type = DataType.Float, Dims = shape });
        return g;
    }

    private static NodeAttribute Ints(string name, params long[] values) => new() { Name = name, Kind = AttributeKind.Ints, Ints = values };

    private static float[] RandomFloats(Random rng, int count)
    {
        var data = new float[count];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() - 0.5) * 0.5f;
        return data;
    }
}
