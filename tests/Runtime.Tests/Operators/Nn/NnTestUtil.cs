using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Builders for the neural-network operator tests: 2-D images as tensors, single-node runs, fused activations.</summary>
internal static class NnTestUtil
{
    /// <summary>A 1×1×H×W tensor from rows.</summary>
    public static Tensor Image(float[,] rows)
    {
        int h = rows.GetLength(0), w = rows.GetLength(1);
        var d = new float[h * w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) d[i * w + j] = rows[i, j];
        return F([1, 1, h, w], d);
    }

    /// <summary>Rows flattened row-major, for comparing with an output.</summary>
    public static float[] Flat(float[,] rows)
    {
        int h = rows.GetLength(0), w = rows.GetLength(1);
        var d = new float[h * w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) d[i * w + j] = rows[i, j];
        return d;
    }

    /// <summary>Runs one node at the given opset with inputs x0.. (null = omitted) and returns all outputs.</summary>
    public static Tensor[] Run(string op, int opset, Tensor?[] inputs, int outputs, params NodeAttribute[] attrs) =>
        Eval(Node(op, inputs.Length, outputs, attrs), opset, inputs);

    public static Tensor Run1(string op, Tensor?[] inputs, params NodeAttribute[] attrs) => Run(op, 13, inputs, 1, attrs)[0];

    /// <summary>The attributes that make a node apply <paramref name="activation"/> to its outputs.</summary>
    public static NodeAttribute[] Fused(FusedActivation activation)
    {
        var n = new Node { Name = "tmp", OpType = "Conv", Inputs = [], Outputs = [] };
        activation.WriteTo(n);
        return [.. n.Attributes.Values];
    }

    public static NodeAttribute[] With(this NodeAttribute[] a, params NodeAttribute[] b) => [.. a, .. b];

    /// <summary>Asserts that evaluating throws a CnnrtException whose message names the node.</summary>
    public static CnnrtException AssertNodeError(Action action, string nodeName = "_test")
    {
        var e = Assert.Throws<CnnrtException>(action);
        Assert.Contains(nodeName, e.Message);
        return e;
    }
}
