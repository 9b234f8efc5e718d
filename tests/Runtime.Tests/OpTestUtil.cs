using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests;

/// <summary>Builds single nodes and evaluates them through the operator registry; shared by the operator tests.</summary>
public static class OpTestUtil
{
    public static NodeAttribute Int(string name, long v) => new() { Name = name, Kind = AttributeKind.Int, Int = v };
    public static NodeAttribute Float(string name, float v) => new() { Name = name, Kind = AttributeKind.Float, Float = v };
    public static NodeAttribute Str(string name, string v) => new() { Name = name, Kind = AttributeKind.String, String = v };
    public static NodeAttribute Ints(string name, params long[] v) => new() { Name = name, Kind = AttributeKind.Ints, Ints = v };
    public static NodeAttribute Floats(string name, params float[] v) => new() { Name = name, Kind = AttributeKind.Floats, Floats = v };

    /// <summary>A node named after its op with inputs x0..xN-1 (or "" for null) and outputs y0..yM-1.</summary>
    public static Node Node(string op, int inputs, int outputs = 1, params NodeAttribute[] attrs)
    {
        var n = new Node
        {
            Name = op.ToLowerInvariant() + "_test",
            OpType = op,
            Inputs = Enumerable.Range(0, inputs).Select(i => $"x{i}").ToArray(),
            Outputs = Enumerable.Range(0, outputs).Select(i => $"y{i}").ToArray(),
        };
        foreach (var a in attrs) n.Attributes[a.Name] = a;
        return n;
    }

    /// <summary>Evaluates one node on the given inputs (null = omitted optional input).</summary>
    public static Tensor[] Eval(Node node, int opset, params Tensor?[] inputs)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        return OperatorRegistry.Create(node, opset).Evaluate(inputs);
    }

    public static Tensor Eval1(string op, Tensor?[] inputs, params NodeAttribute[] attrs) =>
        Eval(Node(op, inputs.Length, 1, attrs), 13, inputs)[0];

    public static Tensor F(int[] shape, params float[] data) => Tensor.FromFloats(shape, data);

    public static Tensor Random(int[] shape, int seed, float lo = -1, float hi = 1)
    {
        var rng = new Random(seed);
        var d = new float[ShapeMath.Count(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = lo + (float)rng.NextDouble() * (hi - lo);
        return Tensor.FromFloats(shape, d);
    }

    public static void AssertShape(int[] expected, Tensor t) =>
        Assert.True(expected.SequenceEqual(t.Shape), $"shape {ShapeMath.Format(t.Shape)}, expected {ShapeMath.Format(expected)}");

    /// <summary>Exact equality, for integer-valued examples from the notes.</summary>
    public static void AssertExact(float[] expected, Tensor actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var a = actual.Floats;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i] == a[i], $"element {i}: expected {expected[i]}, got {a[i]}");
    }

    /// <summary>|e - a| ≤ atol + rtol·|e| elementwise.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float rtol = 1e-5f, float atol = 1e-6f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e)) { Assert.True(float.IsNaN(a), $"element {i}: expected NaN, got {a}"); continue; }
            if (e == a) continue;
            Assert.True(MathF.Abs(e - a) <= atol + rtol * MathF.Abs(e), $"element {i}: expected {e}, got {a}");
        }
    }
}
