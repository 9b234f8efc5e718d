using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class BroadcastOperatorTests
{
    private static readonly Dictionary<string, Func<double, double, double>> Formulas = new()
    {
        ["Add"] = (a, b) => a + b,
        ["Sub"] = (a, b) => a - b,
        ["Mul"] = (a, b) => a * b,
        ["Div"] = (a, b) => a / b,
        ["Max"] = Math.Max,
        ["Min"] = Math.Min,
        ["Pow"] = Math.Pow,
        ["Sum"] = (a, b) => a + b,
    };

    /// <summary>Shape pairs: equal, scalar either side, row, column, NCHW vs channel, both-sided, rank-0, empty.</summary>
    public static TheoryData<string, int[], int[]> Matrix()
    {
        int[][][] pairs =
        [
            [[2, 3], [2, 3]],
            [[2, 3], []],
            [[], [2, 3]],
            [[2, 3], [1]],
            [[2, 3], [3]],
            [[3], [2, 3]],
            [[2, 3], [2, 1]],
            [[2, 1], [2, 3]],
            [[2, 3, 4, 5], [3, 1, 1]],
            [[3, 1, 1], [2, 3, 4, 5]],
            [[2, 3, 4, 5], [1, 3, 1, 1]],
            [[3, 1], [1, 4]],
            [[1, 4], [3, 1]],
            [[2, 1, 4], [3, 1]],
            [[2, 3, 1, 5], [1, 3, 4, 1]],
            [[5, 1, 7], [5, 6, 7]],
            [[], []],
            [[0, 3], [3]],
            [[4, 1], [0]],
        ];
        var data = new TheoryData<string, int[], int[]>();
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Sum" })
            foreach (var p in pairs) data.Add(op, p[0], p[1]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void BroadcastMatchesTheNaiveIndexFormula(string op, int[] shapeA, int[] shapeB)
    {
        var a = Random(shapeA, seed: 1, lo: 0.5f, hi: 2f);
        var b = Random(shapeB, seed: 2, lo: -2f, hi: 2f);
        var expected = NaiveBroadcast(a, b, Formulas[op], out var shape);
        var y = Eval(Node(op, 2), 13, a, b)[0];
        AssertShape(shape, y);
        for (int i = 0; i < expected.Length; i++) AssertUlps((float)expected[i], y.Floats[i], 1, $"{op} element {i}");
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Div")]
    [InlineData("Max")]
    public void StepRunAllocatesNothing(string op)
    {
        var (step, _) = Plan(Node(op, 2), 13, Random([2, 3, 4, 5], 1), Random([3, 1, 1], 2));
        AssertRunAllocatesNothing(step);
        (step, _) = Plan(Node(op, 2), 13, Random([3, 1], 1), Random([1, 4], 2));
        AssertRunAllocatesNothing(step);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 4 })]
    [InlineData(new[] { 3, 1 }, new[] { 2, 1 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 5 })]
    public void IncompatibleShapesNameTheNodeAndShapes(int[] shapeA, int[] shapeB)
    {
        var e = Assert.Throws<CnnrtException>(() => Eval(Node("Add", 2), 13, Random(shapeA, 1), Random(shapeB, 2)));
        Assert.Equal(ErrorKind.InvalidModel, e.Kind);
        Assert.Contains("Add node 'add_test'", e.Message);
        Assert.Contains(ShapeMath.Format(shapeA), e.Message);
        Assert.Contains(ShapeMath.Format(shapeB), e.Message);
    }

    [Fact]
    public void MismatchedElementTypesAreRejected()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval(Node("Mul", 2), 13, F([1], 1f), Tensor.Scalar(2L)));
        Assert.Contains("int64", e.Message);
        Assert.Contains("float32", e.Message);
    }

    // ---- integer and other element types ----

    [Fact]
    public void IntegerAddMulWrapLikeTwosComplement()
    {
        var a = Tensor.Create([4], new int[] { 1, -2, int.MaxValue, 7 });
        var b = Tensor.Create([4], new int[] { 2, 5, 1, -3 });
        Assert.Equal([3, 3, int.MinValue, 4], Eval(Node("Add", 2), 13, a, b)[0].As<int>());
        Assert.Equal([2, -10, int.MaxValue, -21], Eval(Node("Mul", 2), 13, a, b)[0].As<int>());
        Assert.Equal([-1, -7, int.MaxValue - 1, 10], Eval(Node("Sub", 2), 13, a, b)[0].As<int>());
        var u = Tensor.Create([2], new byte[] { 250, 3 });
        Assert.Equal([(byte)4, (byte)13], Eval(Node("Add", 2), 14, u, Tensor.Create([], new byte[] { 10 }))[0].As<byte>());
    }

    [Fact]
    public void Int64ShapeArithmeticBroadcasts()
    {
        var shape = Tensor.FromLongs([4], [1, 3, 224, 224]);
        var y = Eval(Node("Mul", 2), 13, shape, Tensor.Scalar(2L))[0];
        Assert.Equal(DataType.Int64, y.Type);
        Assert.Equal([2L, 6, 448, 448], y.Longs);
        Assert.Equal([0L, 1, 112, 112], Eval(Node("Div", 2), 13, shape, Tensor.Scalar(2L))[0].Longs);
    }

    [Fact]
    public void IntegerDivisionTruncatesTowardZero()
    {
        var a = Tensor.Create([8], new int[] { 7, -7, 7, -7, 6, 0, 5, int.MinValue });
        var b = Tensor.Create([8], new int[] { 2, 2, -2, -2, 3, 4, 0, -1 });
        // 5 / 0 and MIN / −1 are undefined in C; numpy gives 0 and MIN.
        Assert.Equal([3, -3, -3, 3, 2, 0, 0, int.MinValue], Eval(Node("Div", 2), 13, a, b)[0].As<int>());
        var ua = Tensor.Create([3], new byte[] { 16, 6, 200 });
        var ub = Tensor.Create([3], new byte[] { 11, 5, 7 });
        Assert.Equal([(byte)1, (byte)1, (byte)28], Eval(Node("Div", 2), 14, ua, ub)[0].As<byte>());
        var la = Tensor.FromLongs([2], [-9, long.MaxValue]);
        Assert.Equal([-4L, long.MaxValue / 2], Eval(Node("Div", 2), 13, la, Tensor.Scalar(2L))[0].Longs);
    }

    [Fact]
    public void DoubleAndHalfUseTheirOwnArithmetic()
    {
        var d = Eval(Node("Div", 2), 13, Tensor.Create([2], new[] { 1.0, -1.0 }), Tensor.Create([1], new[] { 3.0 }))[0];
        Assert.Equal([1.0 / 3, -1.0 / 3], d.As<double>());
        var h = Eval(Node("Add", 2), 13, Tensor.Create([2], new[] { (Half)1.5, (Half)2 }), Tensor.Create([], new[] { (Half)0.25 }))[0];
        Assert.Equal(DataType.Float16, h.Type);
        Assert.Equal([(Half)1.75, (Half)2.25], h.As<Half>());
    }

    [Fact]
    public void FloatDivisionByZeroIsIeee()
    {
        var y = Eval(Node("Div", 2), 13, F([3], 1, -1, 0), F([1], 0f))[0].Floats;
        Assert.Equal(float.PositiveInfinity, y[0]);
        Assert.Equal(float.NegativeInfinity, y[1]);
        Assert.True(float.IsNaN(y[2]));
    }

    // ---- variadic Sum / Max / Min ----

    [Fact]
    public void VariadicSumMaxMinFoldAllInputsWithBroadcasting()
    {
        var a = Random([2, 1, 4], 1);
        var b = Random([3, 1], 2);
        var c = Random([4], 3);
        var d = Random([], 4);
        foreach (var (op, f) in new (string, Func<double, double, double>)[] { ("Sum", (p, q) => p + q), ("Max", Math.Max), ("Min", Math.Min) })
        {
            var ab = NaiveBroadcast(a, b, f, out var s1);
            var abc = NaiveBroadcast(Tensor.FromFloats(s1, ab.Select(v => (float)v).ToArray()), c, f, out var s2);
            var expected = NaiveBroadcast(Tensor.FromFloats(s2, abc.Select(v => (float)v).ToArray()), d, f, out var shape);
            var y = Eval(Node(op, 4), 13, a, b, c, d)[0];
            AssertShape([2, 3, 4], y);
            AssertShape([2, 3, 4], Tensor.Zeros(DataType.Float, shape));
            AssertClose(expected.Select(v => (float)v).ToArray(), y.Floats, rtol: 1e-6f, atol: 1e-6f);
        }
    }

    [Fact]
    public void VariadicStepAllocatesNothing()
    {
        var (step, outputs) = Plan(Node("Sum", 3), 13, F([2], 1, 2), F([2, 1], 10, 20), F([], 100));
        AssertRunAllocatesNothing(step);
        AssertExact([111, 112, 121, 122], outputs[0]);
    }

    [Fact]
    public void SingleInputSumMaxMinCopy()
    {
        var x = F([3], 3, 0, 2);
        foreach (var op in new[] { "Sum", "Max", "Min" }) AssertExact([3, 0, 2], Eval(Node(op, 1), 13, x)[0]);
    }

    [Fact]
    public void MaxMinPropagateNaNAndWorkOnIntegers()
    {
        var y = Eval(Node("Max", 2), 13, F([3], float.NaN, 1, 2), F([3], 0, float.NaN, 3))[0].Floats;
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[1]));
        Assert.Equal(3f, y[2]);
        var u = Eval(Node("Max", 2), 13, Tensor.Create([3], new byte[] { 3, 2, 1 }), Tensor.Create([3], new byte[] { 1, 4, 4 }))[0];
        Assert.Equal([(byte)3, (byte)4, (byte)4], u.As<byte>());
        var m = Eval(Node("Min", 3), 13, Tensor.FromLongs([2], [5, -1]), Tensor.Scalar(2L), Tensor.FromLongs([2, 1], [0, 9]))[0];
        Assert.Equal([0L, -1, 2, -1], m.Longs);
    }

    // ---- Pow ----

    [Fact]
    public void PowWithMixedTypes()
    {
        var x = F([3], 1, 2, 3);
        AssertExact([1, 32, 729], Eval(Node("Pow", 2), 13, x, Tensor.FromLongs([3], [4, 5, 6]))[0]);
        var xi = Tensor.Create([3], new int[] { 1, 2, 3 });
        var yi = Eval(Node("Pow", 2), 15, xi, F([3], 4, 5, 6))[0];
        Assert.Equal(DataType.Int32, yi.Type);
        Assert.Equal([1, 32, 729], yi.As<int>());
        Assert.Equal([1L, 32, 729], Eval(Node("Pow", 2), 15, Tensor.FromLongs([3], [1, 2, 3]), Tensor.FromLongs([3], [4, 5, 6]))[0].Longs);
        AssertClose([MathF.Sqrt(2), 1f / 4], Eval(Node("Pow", 2), 13, F([2], 2, 4), F([2], 0.5f, -1))[0].Floats);
    }

    [Fact]
    public void PowStepConvertsAConstantIntegerExponent()
    {
        var (step, outputs) = Plan(Node("Pow", 2), 13, F([2, 2], 1, -2, 3, 0.5f), Tensor.Scalar(2L));
        AssertRunAllocatesNothing(step);
        AssertExact([1, 4, 9, 0.25f], outputs[0]);
    }

    // ---- PRelu ----

    [Fact]
    public void PReluBroadcastsThePerChannelSlope()
    {
        var x = Random([2, 3, 2, 2], 7);
        var slope = F([3, 1, 1], 0.1f, 0.2f, 0.3f);
        var expected = NaiveBroadcast(x, slope, (v, s) => v < 0 ? (float)s * (float)v : v, out _);
        AssertExact(expected.Select(v => (float)v).ToArray(), Eval(Node("PRelu", 2), 9, x, slope)[0]);
        var onnxCase = Random([3, 4, 5], 8);
        var slope5 = F([5], -0.67f, -0.36f, -0.81f, -1.73f, 0.18f);
        var y = Eval(Node("PRelu", 2), 16, onnxCase, slope5)[0];
        AssertShape([3, 4, 5], y);
        for (int i = 0; i < 60; i++)
            Assert.Equal(onnxCase.Floats[i] < 0 ? onnxCase.Floats[i] * slope5.Floats[i % 5] : onnxCase.Floats[i], y.Floats[i]);
    }

    [Fact]
    public void PReluSlopeMustBroadcastToX()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval(Node("PRelu", 2), 9, Random([1, 3], 1), Random([2, 3], 2)));
        Assert.Contains("prelu_test", e.Message);
        Assert.Contains("does not broadcast to input 0's shape [1x3]", e.Message);
        Assert.Throws<CnnrtException>(() => Eval(Node("PRelu", 2), 9, Random([2, 3, 4, 4], 1), Random([3], 2)));
    }

    // ---- Equal / Where ----

    [Fact]
    public void EqualBroadcastsOnNumbersAndBools()
    {
        var y = Eval(Node("Equal", 2), 13, Tensor.Create([2, 3], new int[] { 1, 2, 3, 4, 2, 6 }), Tensor.Create([3], new int[] { 4, 2, 6 }))[0];
        Assert.Equal(DataType.Bool, y.Type);
        AssertShape([2, 3], y);
        Assert.Equal([false, true, false, true, true, true], y.As<bool>());
        var f = Eval(Node("Equal", 2), 13, F([3], float.NaN, 0f, 1f), F([3], float.NaN, -0f, 2f))[0];
        Assert.Equal([false, true, false], f.As<bool>());
        var b = Eval(Node("Equal", 2), 13, Tensor.Create([2], new[] { true, false }), Tensor.Create([2, 1], new[] { true, false }))[0];
        Assert.Equal([true, false, false, true], b.As<bool>());
    }

    [Fact]
    public void EqualHasNoFloatStep()
    {
        var e = Assert.Throws<CnnrtException>(() => Plan(Node("Equal", 2), 13, F([1], 1f), F([1], 1f)));
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
    }

    [Fact]
    public void WhereBroadcastsAllThreeInputs()
    {
        var condition = Tensor.Create([2, 1], new[] { true, false });
        var x = F([3], 1, 2, 3);
        var y = F([], 9);
        var z = Eval(Node("Where", 3), 16, condition, x, y)[0];
        AssertShape([2, 3], z);
        AssertExact([1, 2, 3, 9, 9, 9], z);
        var longs = Eval(Node("Where", 3), 16, Tensor.Create([3], new[] { true, false, true }), Tensor.FromLongs([3], [1, 2, 3]), Tensor.Scalar(-1L))[0];
        Assert.Equal([1L, -1, 3], longs.Longs);
    }

    [Fact]
    public void WhereStepTakesAConstantConditionAndRuntimeValues()
    {
        var condition = Tensor.Create([2, 2], new[] { true, false, true, true });
        var (step, outputs) = Plan(Node("Where", 3), 16, condition, F([2, 2], 1, 2, 3, 4), F([2, 2], 9, 8, 7, 6));
        AssertRunAllocatesNothing(step);
        AssertExact([1, 8, 3, 4], outputs[0]);
    }

    [Fact]
    public void WhereNeedsABoolCondition()
    {
        var e = Assert.Throws<CnnrtException>(() => Eval(Node("Where", 3), 16, F([1], 1), F([1], 1), F([1], 2)));
        Assert.Contains("condition", e.Message);
    }
}
