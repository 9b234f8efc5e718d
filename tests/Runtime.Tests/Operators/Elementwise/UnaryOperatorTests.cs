using Cnnrt.Graph;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class UnaryOperatorTests
{
    private const double SeluAlpha = 1.67326319217681884765625, SeluGamma = 1.05070102214813232421875;

    /// <summary>One unary operator: its attributes, its formula in double, and the input range to sample.</summary>
    public sealed record Case(string Op, NodeAttribute[] Attributes, Func<double, double> Formula, float Lo = -6, float Hi = 6)
    {
        public override string ToString() => Op + string.Concat(Attributes.Select(a => $" {a}"));
    }

    private static readonly Case[] Cases =
    [
        new("Relu", [], x => Math.Max(0, x)),
        new("LeakyRelu", [], x => x >= 0 ? x : (double)0.01f * x),
        new("LeakyRelu", [Float("alpha", 0.1f)], x => x >= 0 ? x : (double)0.1f * x),
        new("Elu", [], x => x >= 0 ? x : Math.Exp(x) - 1),
        new("Elu", [Float("alpha", 2f)], x => x >= 0 ? x : 2 * (Math.Exp(x) - 1)),
        new("Selu", [], x => x > 0 ? SeluGamma * x : SeluGamma * (SeluAlpha * Math.Exp(x) - SeluAlpha)),
        new("Selu", [Float("alpha", 2f), Float("gamma", 3f)], x => x > 0 ? 3 * x : 3 * (2 * Math.Exp(x) - 2)),
        new("Celu", [], x => Math.Max(0, x) + Math.Min(0, Math.Exp(x) - 1)),
        new("Celu", [Float("alpha", 0.5f)], x => Math.Max(0, x) + Math.Min(0, 0.5 * (Math.Exp(x / 0.5) - 1))),
        new("Softplus", [], x => Math.Log(1 + Math.Exp(x)), -12, 12),
        new("Softsign", [], x => x / (1 + Math.Abs(x))),
        new("Sigmoid", [], x => 1 / (1 + Math.Exp(-x)), -12, 12),
        new("Tanh", [], x => (Math.Exp(x) - Math.Exp(-x)) / (Math.Exp(x) + Math.Exp(-x))),
        new("HardSigmoid", [], x => Math.Max(0, Math.Min(1, (double)0.2f * x + 0.5))),
        new("HardSigmoid", [Float("alpha", 0.5f), Float("beta", 0.25f)], x => Math.Max(0, Math.Min(1, 0.5 * x + 0.25))),
        new("HardSwish", [], x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5))),
        new("Sqrt", [], Math.Sqrt, 0, 100),
        new("Exp", [], Math.Exp, -20, 20),
        new("Log", [], Math.Log, 1e-3f, 1e3f),
        new("Floor", [], Math.Floor, -5, 5),
        new("Ceil", [], Math.Ceiling, -5, 5),
        new("Reciprocal", [], x => 1 / x, -10, 10),
        new("Neg", [], x => -x),
        new("Abs", [], Math.Abs),
    ];

    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Cases.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void EveryLengthMatchesTheFormulaWithinFourUlp(int caseIndex)
    {
        var c = Cases[caseIndex];
        for (int length = 0; length <= 70; length++)
        {
            var x = Random([length], seed: 1000 * caseIndex + length, c.Lo, c.Hi);
            var y = Eval(Node(c.Op, 1, 1, c.Attributes), 13, x)[0];
            AssertShape([length], y);
            for (int i = 0; i < length; i++)
                AssertUlps((float)c.Formula(x.Floats[i]), y.Floats[i], 4, $"{c} at x = {x.Floats[i]:R} (length {length}, element {i})");
        }
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void StepRunAllocatesNothing(int caseIndex)
    {
        var c = Cases[caseIndex];
        var (step, output) = Plan(Node(c.Op, 1, 1, c.Attributes), 13, Random([2, 3, 17], seed: 5, c.Lo, c.Hi));
        AssertRunAllocatesNothing(step);
        Assert.Equal(102, output[0].Length);
    }

    private const float Inf = float.PositiveInfinity, NaN = float.NaN;

    /// <summary>Hand-written values at ±0, ±inf, NaN and where exp over- or underflows.</summary>
    [Theory]
    [InlineData("Relu", 0f, 0f)]
    [InlineData("Relu", Inf, Inf)]
    [InlineData("Relu", -Inf, 0f)]
    [InlineData("Relu", NaN, NaN)]
    [InlineData("LeakyRelu", -Inf, -Inf)]
    [InlineData("LeakyRelu", NaN, NaN)]
    [InlineData("LeakyRelu", -1e30f, -1e28f)]
    [InlineData("Sigmoid", 0f, 0.5f)]
    [InlineData("Sigmoid", Inf, 1f)]
    [InlineData("Sigmoid", -Inf, 0f)]
    [InlineData("Sigmoid", NaN, NaN)]
    [InlineData("Sigmoid", 100f, 1f)]
    [InlineData("Sigmoid", -100f, 3.7200759760208361e-44f)] // e^-100, a float denormal: no overflow of e^100
    [InlineData("Sigmoid", 1e30f, 1f)]
    [InlineData("Sigmoid", -1e30f, 0f)]
    [InlineData("Tanh", 0f, 0f)]
    [InlineData("Tanh", Inf, 1f)]
    [InlineData("Tanh", -Inf, -1f)]
    [InlineData("Tanh", NaN, NaN)]
    [InlineData("Tanh", 1e30f, 1f)]
    [InlineData("Tanh", -1e30f, -1f)]
    [InlineData("Tanh", 1e-30f, 1e-30f)]
    [InlineData("Softplus", 0f, 0.693147180559945f)]
    [InlineData("Softplus", Inf, Inf)]
    [InlineData("Softplus", -Inf, 0f)]
    [InlineData("Softplus", NaN, NaN)]
    [InlineData("Softplus", 100f, 100f)]
    [InlineData("Softplus", 1e30f, 1e30f)] // ln(1 + e^x) would overflow to inf
    [InlineData("Softplus", -100f, 3.7200759760208361e-44f)]
    [InlineData("Softplus", -1e30f, 0f)]
    [InlineData("Softplus", -20f, 2.0611536181902037e-09f)] // 1 + e^-20 rounds to 1 in float
    [InlineData("Elu", 0f, 0f)]
    [InlineData("Elu", Inf, Inf)]
    [InlineData("Elu", -Inf, -1f)]
    [InlineData("Elu", NaN, NaN)]
    [InlineData("Elu", 1e30f, 1e30f)]
    [InlineData("Elu", -1e30f, -1f)]
    [InlineData("Elu", -100f, -1f)]
    [InlineData("Elu", -1e-30f, -1e-30f)] // e^x − 1 without cancellation
    [InlineData("Elu", -1e-6f, -9.999995e-7f)]
    [InlineData("Selu", 0f, 0f)]
    [InlineData("Selu", Inf, Inf)]
    [InlineData("Selu", -Inf, -1.7580993408473766f)] // −γα
    [InlineData("Selu", NaN, NaN)]
    [InlineData("Selu", -1e-30f, -1.7580993408473766e-30f)]
    [InlineData("Celu", -Inf, -1f)]
    [InlineData("Celu", Inf, Inf)]
    [InlineData("Celu", NaN, NaN)]
    [InlineData("Celu", -1e-30f, -1e-30f)]
    [InlineData("Softsign", 0f, 0f)]
    [InlineData("Softsign", 1e30f, 1f)]
    [InlineData("Softsign", -1e30f, -1f)]
    [InlineData("Softsign", Inf, NaN)] // x / (1 + |x|) = inf / inf, as in ONNX's reference
    [InlineData("Softsign", NaN, NaN)]
    [InlineData("HardSigmoid", Inf, 1f)]
    [InlineData("HardSigmoid", -Inf, 0f)]
    [InlineData("HardSigmoid", NaN, NaN)]
    [InlineData("HardSigmoid", -2.5f, 0f)]
    [InlineData("HardSwish", Inf, Inf)]
    [InlineData("HardSwish", -Inf, NaN)] // −inf · 0, as the formula (and ONNX's reference) gives
    [InlineData("HardSwish", NaN, NaN)]
    [InlineData("HardSwish", -3f, 0f)]
    [InlineData("HardSwish", 3f, 3f)]
    [InlineData("HardSwish", 1f, 0.6666667f)]
    [InlineData("Exp", 100f, Inf)]
    [InlineData("Exp", -Inf, 0f)]
    [InlineData("Exp", NaN, NaN)]
    [InlineData("Log", 0f, -Inf)]
    [InlineData("Log", -1f, NaN)]
    [InlineData("Log", Inf, Inf)]
    [InlineData("Sqrt", -1f, NaN)]
    [InlineData("Sqrt", Inf, Inf)]
    [InlineData("Sqrt", -0f, -0f)]
    [InlineData("Reciprocal", 0f, Inf)]
    [InlineData("Reciprocal", -0f, -Inf)]
    [InlineData("Reciprocal", Inf, 0f)]
    [InlineData("Floor", -0.5f, -1f)]
    [InlineData("Floor", NaN, NaN)]
    [InlineData("Ceil", -0.5f, -0f)]
    [InlineData("Ceil", Inf, Inf)]
    [InlineData("Neg", -Inf, Inf)]
    [InlineData("Neg", NaN, NaN)]
    [InlineData("Abs", -Inf, Inf)]
    [InlineData("Abs", -0f, 0f)]
    public void SpecialValues(string op, float x, float expected)
    {
        var y = Eval1(op, [F([1], x)]).Floats[0];
        AssertUlps(expected, y, 1, $"{op}({x:R})");
    }

    [Fact]
    public void NegAndAbsFlipTheSignOfZero()
    {
        Assert.True(float.IsNegative(Eval1("Neg", [F([1], 0f)]).Floats[0]));
        Assert.False(float.IsNegative(Eval1("Abs", [F([1], -0f)]).Floats[0]));
    }

    // ---- the course notes' activation table ----

    private static readonly float[] Points = [-3f, -1f, -0.5f, 0f, 0.25f, 1f, 2.5f];

    private static void AssertTable(string op, Func<double, double> formula, params NodeAttribute[] attrs)
    {
        var y = Eval1(op, [F([Points.Length], Points)], attrs);
        for (int i = 0; i < Points.Length; i++)
            AssertUlps((float)formula(Points[i]), y.Floats[i], 4, $"{op}({Points[i]})");
    }

    [Fact]
    public void CourseTableRelu() => AssertTable("Relu", x => x > 0 ? x : 0);

    [Fact]
    public void CourseTableLeakyReluIsOneHundredthOfXBelowZero()
    {
        AssertTable("LeakyRelu", x => x > 0 ? x : 0.01 * x);
        AssertExact([-0.03f, -0.01f, 0f, 2f], Eval1("LeakyRelu", [F([4], -3f, -1f, 0f, 2f)]));
    }

    [Fact]
    public void CourseTablePReluUsesTheLearnedSlope()
    {
        var y = Eval1("PRelu", [F([Points.Length], Points), F([1], 0.25f)]);
        for (int i = 0; i < Points.Length; i++)
            Assert.Equal(Points[i] > 0 ? Points[i] : 0.25f * Points[i], y.Floats[i]);
    }

    [Fact]
    public void CourseTableElu()
    {
        AssertTable("Elu", x => x > 0 ? x : Math.Exp(x) - 1);
        Assert.Equal(-0.86466472f, Eval1("Elu", [F([1], -2f)]).Floats[0], 6);
    }

    [Fact]
    public void CourseTableSeluWithTheNotesConstants()
    {
        const double lambda = 1.0507, alpha = 1.67326;
        AssertTable("Selu", x => lambda * (x > 0 ? x : alpha * (Math.Exp(x) - 1)), Float("alpha", 1.67326f), Float("gamma", 1.0507f));
        // ONNX's defaults are the same constants to more digits.
        var y = Eval1("Selu", [F([Points.Length], Points)]);
        for (int i = 0; i < Points.Length; i++)
        {
            double x = Points[i];
            AssertClose([(float)(lambda * (x > 0 ? x : alpha * (Math.Exp(x) - 1)))], [y.Floats[i]], rtol: 1e-4f, atol: 1e-6f);
        }
    }

    [Fact]
    public void CourseTableSoftplus()
    {
        AssertTable("Softplus", x => Math.Log(1 + Math.Exp(x)));
        Assert.Equal(0.6931472f, Eval1("Softplus", [F([1], 0f)]).Floats[0], 6);
    }

    [Fact]
    public void CourseTableSigmoid()
    {
        AssertTable("Sigmoid", x => 1 / (1 + Math.Exp(-x)));
        AssertExact([0.5f], Eval1("Sigmoid", [F([1], 0f)]));
    }

    [Fact]
    public void CourseTableTanh()
    {
        AssertTable("Tanh", x => (Math.Exp(2 * x) - 1) / (Math.Exp(2 * x) + 1));
        Assert.Equal(0.7615942f, Eval1("Tanh", [F([1], 1f)]).Floats[0], 6);
    }

    [Fact]
    public void CourseReluExampleAndWithBias()
    {
        var x = F([8], -1, 0, -1, 0, -2, 1, -1, 0);
        AssertExact([0, 0, 0, 0, 0, 1, 0, 0], Eval1("Relu", [x]));
        var biased = Eval1("Add", [x, Tensor.Scalar(1f)]);
        AssertExact([0, 1, 0, 1, -1, 2, 0, 1], biased);
        AssertExact([0, 1, 0, 1, 0, 2, 0, 1], Eval1("Relu", [biased]));
    }

    // ---- all numeric types ----

    [Fact]
    public void ReluNegAbsOnIntegers()
    {
        var x = Tensor.Create([5], new int[] { -3, 0, 7, int.MinValue, int.MaxValue });
        Assert.Equal([0, 0, 7, 0, int.MaxValue], Eval1("Relu", [x]).As<int>());
        Assert.Equal([3, 0, -7, int.MinValue, -int.MaxValue], Eval1("Neg", [x]).As<int>());
        Assert.Equal([3, 0, 7, int.MinValue, int.MaxValue], Eval1("Abs", [x]).As<int>()); // MIN wraps, as in numpy
        var b = Tensor.Create([3], new sbyte[] { -128, -1, 5 });
        Assert.Equal([(sbyte)-128, (sbyte)1, (sbyte)5], Eval1("Abs", [b]).As<sbyte>());
        var d = Tensor.Create([3], new double[] { -1.5, 0, 2 });
        Assert.Equal([0, 0, 2.0], Eval1("Relu", [d]).As<double>());
        Assert.Equal(DataType.Int64, Eval1("Neg", [Tensor.Scalar(4L)]).Type);
        Assert.Equal(-4L, Eval1("Neg", [Tensor.Scalar(4L)]).Longs[0]);
    }

    [Fact]
    public void FloatOnlyActivationsRejectIntegers()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval1("Sigmoid", [Tensor.Create([2], new int[] { 1, 2 })]));
        Assert.Contains("sigmoid_test", e.Message);
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
    }

    [Fact]
    public void WrongInputCountNamesTheNode()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval1("Tanh", [F([1], 1f), F([1], 2f)]));
        Assert.Contains("Tanh node 'tanh_test'", e.Message);
    }
}
