using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class SoftmaxOperatorTests
{
    /// <summary>Softmax (or its log) in double over [outer, n, inner], the way the ONNX formula reads.</summary>
    private static double[] Formula(float[] x, int outer, int n, int inner, bool log)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += Math.Exp(x[(o * n + k) * inner + j]);
                for (int k = 0; k < n; k++)
                {
                    int p = (o * n + k) * inner + j;
                    y[p] = log ? x[p] - Math.Log(sum) : Math.Exp(x[p]) / sum;
                }
            }
        return y;
    }

    [Theory]
    [InlineData("Softmax", 0, 1, 3, 20)]
    [InlineData("Softmax", 1, 3, 4, 5)]
    [InlineData("Softmax", 2, 12, 5, 1)]
    [InlineData("Softmax", -1, 12, 5, 1)]
    [InlineData("Softmax", -3, 1, 3, 20)]
    [InlineData("LogSoftmax", 0, 1, 3, 20)]
    [InlineData("LogSoftmax", 1, 3, 4, 5)]
    [InlineData("LogSoftmax", -1, 12, 5, 1)]
    public void Opset13NormalizesAlongOneAxis(string op, int axis, int outer, int n, int inner)
    {
        var x = Random([3, 4, 5], seed: 3, lo: -4, hi: 4);
        var y = Eval(Node(op, 1, 1, Int("axis", axis)), 13, x)[0];
        AssertShape([3, 4, 5], y);
        var expected = Formula(x.Floats, outer, n, inner, op == "LogSoftmax");
        AssertClose(expected.Select(v => (float)v).ToArray(), y.Floats, rtol: 1e-5f, atol: 1e-6f);
        if (op == "Softmax") AssertRowsSumToOne(y.Floats, outer, n, inner);
    }

    private static void AssertRowsSumToOne(float[] y, int outer, int n, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                double sum = 0;
                for (int k = 0; k < n; k++) sum += y[(o * n + k) * inner + j];
                Assert.True(Math.Abs(sum - 1) < 1e-6, $"row ({o}, {j}) sums to {sum}");
            }
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    public void BeforeOpset13TheAxisCoercesTo2D(string op)
    {
        var x = Random([2, 3, 4], seed: 4, lo: -3, hi: 3);
        bool log = op == "LogSoftmax";
        // axis 1 at opset 11: two rows of 3·4 = 12; at opset 13: along the 3 only.
        var y11 = Eval(Node(op, 1, 1, Int("axis", 1)), 11, x)[0];
        AssertClose(Formula(x.Floats, 2, 12, 1, log).Select(v => (float)v).ToArray(), y11.Floats);
        var y13 = Eval(Node(op, 1, 1, Int("axis", 1)), 13, x)[0];
        AssertClose(Formula(x.Floats, 2, 3, 4, log).Select(v => (float)v).ToArray(), y13.Floats);
        if (!log)
        {
            AssertRowsSumToOne(y11.Floats, 2, 12, 1);
            AssertRowsSumToOne(y13.Floats, 2, 3, 4);
        }
    }

    [Fact]
    public void DefaultAxisIsOneBefore13AndMinusOneFrom13()
    {
        var x = Random([2, 3, 4], seed: 5);
        AssertClose(Formula(x.Floats, 2, 12, 1, false).Select(v => (float)v).ToArray(), Eval(Node("Softmax", 1), 11, x)[0].Floats);
        AssertClose(Formula(x.Floats, 6, 4, 1, false).Select(v => (float)v).ToArray(), Eval(Node("Softmax", 1), 13, x)[0].Floats);
        AssertClose(Formula(x.Floats, 6, 4, 1, true).Select(v => (float)v).ToArray(), Eval(Node("LogSoftmax", 1), 13, x)[0].Floats);
        // opset < 13 with axis −1 on rank 3 is the 2-D view [6, 4].
        AssertClose(Formula(x.Floats, 6, 4, 1, false).Select(v => (float)v).ToArray(), Eval(Node("Softmax", 1, 1, Int("axis", -1)), 7, x)[0].Floats);
    }

    [Fact]
    public void LargeValuesStayFinite()
    {
        var x = F([2, 2], 1000, 1001, -1000, -1001);
        var s = Eval(Node("Softmax", 1), 13, x)[0];
        AssertClose([0.26894142f, 0.73105858f, 0.73105858f, 0.26894142f], s.Floats);
        var l = Eval(Node("LogSoftmax", 1), 13, x)[0];
        AssertClose([-1.3132617f, -0.3132617f, -0.3132617f, -1.3132617f], l.Floats);
        var huge = Eval(Node("Softmax", 1), 13, F([3], 3e38f, 3e38f, 0))[0];
        AssertClose([0.5f, 0.5f, 0f], huge.Floats);
    }

    [Fact]
    public void MinusInfinityGetsZeroProbability()
    {
        AssertExact([1, 0], Eval(Node("Softmax", 1), 13, F([2], 0, float.NegativeInfinity))[0]);
        var l = Eval(Node("LogSoftmax", 1), 13, F([2], 0, float.NegativeInfinity))[0].Floats;
        Assert.Equal(0f, l[0]);
        Assert.Equal(float.NegativeInfinity, l[1]);
    }

    [Fact]
    public void AxisOutOfRangeNamesTheNode()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval(Node("Softmax", 1, 1, Int("axis", 3)), 13, Random([2, 3, 4], 1)));
        Assert.Contains("Softmax node 'softmax_test'", e.Message);
        Assert.Contains("axis 3", e.Message);
    }

    [Fact]
    public void StepRunAllocatesNothing()
    {
        var (step, _) = Plan(Node("Softmax", 1, 1, Int("axis", 1)), 13, Random([2, 10, 3], 1));
        AssertRunAllocatesNothing(step);
        (step, _) = Plan(Node("LogSoftmax", 1), 11, Random([2, 10, 3], 1));
        AssertRunAllocatesNothing(step);
    }
}
