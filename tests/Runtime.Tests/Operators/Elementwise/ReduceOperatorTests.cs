using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class ReduceOperatorTests
{
    /// <summary>Reduction in double by explicit indices: every input element goes to the output index with reduced axes zeroed.</summary>
    private static double[] Naive(Tensor x, int[] axes, string op, bool keepDims, out int[] shape)
    {
        int rank = x.Rank;
        var reduced = new bool[rank];
        foreach (int a in axes.Length == 0 ? Enumerable.Range(0, rank).ToArray() : axes) reduced[a < 0 ? a + rank : a] = true;
        var keptShape = x.Shape.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        shape = keepDims ? keptShape : x.Shape.Where((_, i) => !reduced[i]).ToArray();
        int count = keptShape.Aggregate(1, (p, d) => p * d);
        var y = Enumerable.Repeat(op == "ReduceMax" ? double.NegativeInfinity : 0, count).ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            var index = Unravel(i, x.Shape);
            int o = SourceIndex(keptShape, index);
            double v = x.ElementAsDouble(i);
            y[o] = op == "ReduceMax" ? Math.Max(y[o], v) : y[o] + v;
        }
        if (op == "ReduceMean")
        {
            int group = x.Length / Math.Max(count, 1);
            for (int i = 0; i < y.Length; i++) y[i] /= group;
        }
        return y;
    }

    public static TheoryData<string, int[], bool> AxesMatrix()
    {
        var data = new TheoryData<string, int[], bool>();
        foreach (var op in new[] { "ReduceSum", "ReduceMean", "ReduceMax" })
            foreach (var axes in new int[][] { [], [0], [1], [3], [-1], [0, 2], [1, 3], [0, 1, 2, 3], [2, 1] })
                foreach (bool keep in new[] { true, false })
                    data.Add(op, axes, keep);
        return data;
    }

    /// <summary>The same reduction in both axes forms: the attribute (opset 13 for Mean/Max, 11 for Sum) and the input (18).</summary>
    [Theory]
    [MemberData(nameof(AxesMatrix))]
    public void AxesAttributeAndInputFormsMatchTheNaiveReduction(string op, int[] axes, bool keepDims)
    {
        var x = Random([2, 3, 4, 5], seed: 11, lo: -3, hi: 3);
        var expected = Naive(x, axes, op, keepDims, out var shape);
        var keep = Int("keepdims", keepDims ? 1 : 0);
        int attributeOpset = op == "ReduceSum" ? 11 : 13;
        var attrs = axes.Length == 0 ? new[] { keep } : [keep, Ints("axes", axes.Select(a => (long)a).ToArray())];
        var byAttribute = Eval(Node(op, 1, 1, attrs), attributeOpset, x)[0];
        AssertShape(shape, byAttribute);
        AssertClose(expected.Select(v => (float)v).ToArray(), byAttribute.Floats, rtol: 1e-5f, atol: 1e-5f);

        var axesInput = axes.Length == 0 ? null : Tensor.FromLongs([axes.Length], axes.Select(a => (long)a).ToArray());
        var byInput = Eval(Node(op, 2, 1, keep), 18, x, axesInput)[0];
        AssertShape(shape, byInput);
        Assert.Equal(byAttribute.Floats, byInput.Floats);

        var (step, planned) = Plan(Node(op, 2, 1, keep), 18, x, axesInput);
        step.Run();
        Assert.Equal(byAttribute.Floats, planned[0].Floats);
    }

    [Fact]
    public void OnnxKeepDimsExample()
    {
        var x = F([3, 2, 2], 5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2);
        var mean = Eval(Node("ReduceMean", 1, 1, Ints("axes", 1), Int("keepdims", 1)), 13, x)[0];
        AssertShape([3, 1, 2], mean);
        AssertExact([12.5f, 1.5f, 35, 1.5f, 57.5f, 1.5f], mean);
        var max = Eval(Node("ReduceMax", 2, 1, Int("keepdims", 0)), 18, x, Tensor.FromLongs([1], [1]))[0];
        AssertShape([3, 2], max);
        AssertExact([20, 2, 40, 2, 60, 2], max);
        var sum = Eval(Node("ReduceSum", 2, 1, Int("keepdims", 1)), 13, x, Tensor.FromLongs([1], [-2]))[0];
        AssertExact([25, 3, 70, 3, 115, 3], sum);
    }

    [Fact]
    public void DefaultReducesEveryAxis()
    {
        var x = F([2, 2], 1, 2, 3, 4);
        var keep = Eval(Node("ReduceMean", 1), 13, x)[0];
        AssertShape([1, 1], keep);
        AssertExact([2.5f], keep);
        var flat = Eval(Node("ReduceSum", 1, 1, Int("keepdims", 0)), 11, x)[0];
        AssertShape([], flat);
        AssertExact([10], flat);
        // An empty axes input without noop_with_empty_axes also reduces everything.
        AssertExact([4], Eval(Node("ReduceMax", 2), 18, x, Tensor.FromLongs([0], []))[0]);
    }

    [Theory]
    [InlineData("ReduceSum", 13)]
    [InlineData("ReduceMean", 18)]
    [InlineData("ReduceMax", 18)]
    public void NoopWithEmptyAxesReturnsTheInput(string op, int opset)
    {
        var x = Random([3, 2, 2], 1);
        var noop = Int("noop_with_empty_axes", 1);
        var empty = Eval(Node(op, 2, 1, noop), opset, x, Tensor.FromLongs([0], []))[0];
        AssertShape([3, 2, 2], empty);
        AssertExact(x.Floats, empty);
        AssertExact(x.Floats, Eval(Node(op, 1, 1, noop), opset, x)[0]);
        var (step, outputs) = Plan(Node(op, 2, 1, noop), opset, x, Tensor.FromLongs([0], []));
        step.Run();
        AssertExact(x.Floats, outputs[0]);
    }

    [Fact]
    public void IntegerReductions()
    {
        var x = Tensor.FromLongs([2, 3], [1, 2, 3, 4, 5, 7]);
        Assert.Equal([6L, 16], Eval(Node("ReduceSum", 2, 1, Int("keepdims", 0)), 13, x, Tensor.FromLongs([1], [1]))[0].Longs);
        Assert.Equal([3L, 7], Eval(Node("ReduceMax", 1, 1, Ints("axes", 1), Int("keepdims", 0)), 13, x)[0].Longs);
        var mean = Eval(Node("ReduceMean", 1, 1, Ints("axes", 0), Int("keepdims", 0)), 13, x)[0];
        Assert.Equal(DataType.Int64, mean.Type);
        Assert.Equal([2L, 3, 5], mean.Longs); // (1+4)/2 truncates to 2
    }

    [Fact]
    public void EmptyGroupsGiveTheIdentity()
    {
        var x = Tensor.Zeros(DataType.Float, [2, 0]);
        AssertExact([0, 0], Eval(Node("ReduceSum", 1, 1, Ints("axes", 1), Int("keepdims", 0)), 11, x)[0]);
        AssertExact([float.NegativeInfinity, float.NegativeInfinity], Eval(Node("ReduceMax", 1, 1, Ints("axes", 1), Int("keepdims", 0)), 13, x)[0]);
        Assert.All(Eval(Node("ReduceMean", 1, 1, Ints("axes", 1), Int("keepdims", 0)), 13, x)[0].Floats, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void ReduceMaxPropagatesNaN()
    {
        Assert.True(float.IsNaN(Eval(Node("ReduceMax", 1), 13, F([3], 1, float.NaN, 2))[0].Floats[0]));
    }

    [Fact]
    public void InvalidAxesAreReported()
    {
        var x = Random([2, 3], 1);
        var dup = Assert.Throws<CnnrtException>(() => Eval(Node("ReduceMean", 1, 1, Ints("axes", 1, -1)), 13, x));
        Assert.Contains("ReduceMean node 'reducemean_test'", dup.Message);
        Assert.Contains("twice", dup.Message);
        var range = Assert.Throws<CnnrtException>(() => Eval(Node("ReduceSum", 2), 13, x, Tensor.FromLongs([1], [2])));
        Assert.Contains("axis 2", range.Message);
        var form = Assert.Throws<CnnrtException>(() => Eval(Node("ReduceSum", 1, 1, Ints("axes", 1)), 13, x));
        Assert.Contains("input 1", form.Message);
        var form18 = Assert.Throws<CnnrtException>(() => Eval(Node("ReduceMean", 1, 1, Ints("axes", 1)), 18, x));
        Assert.Contains("opset 18", form18.Message);
    }

    [Fact]
    public void RuntimeAxesAreUnsupported()
    {
        var node = Node("ReduceSum", 2);
        var op = OperatorRegistry.Create(node, 13);
        var e = Assert.Throws<CnnrtException>(() => op.InferOutputs([new ValueInfo(DataType.Float, [2, 3]), new ValueInfo(DataType.Int64, [1])]));
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        Assert.Contains("axes", e.Message);
    }

    [Fact]
    public void StepRunAllocatesNothing()
    {
        foreach (var op in new[] { "ReduceSum", "ReduceMean", "ReduceMax" })
        {
            var (step, _) = Plan(Node(op, 1, 1, Ints("axes", 0, 2)), op == "ReduceSum" ? 11 : 13, Random([2, 3, 4, 5], 1));
            AssertRunAllocatesNothing(step);
        }
    }
}
