using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class ClipOperatorTests
{
    private static readonly Tensor X = F([7], -10, -1, -0.5f, 0, 0.5f, 3, 10);

    [Fact]
    public void Opset6UsesTheMinMaxAttributes()
    {
        AssertExact([-1, -1, -0.5f, 0, 0.5f, 1, 1], Eval(Node("Clip", 1, 1, Float("min", -1), Float("max", 1)), 6, X)[0]);
        AssertExact([0, 0, 0, 0, 0.5f, 3, 6], Eval(Node("Clip", 1, 1, Float("min", 0), Float("max", 6)), 6, X)[0]);
        AssertExact([-10, -1, -0.5f, 0, 0.5f, 0.5f, 0.5f], Eval(Node("Clip", 1, 1, Float("max", 0.5f)), 6, X)[0]);
        // Clip-6's defaults are the lowest and highest finite floats, so infinities are clamped to them.
        AssertExact([float.MaxValue, -float.MaxValue, 2], Eval(Node("Clip", 1), 6, F([3], float.PositiveInfinity, float.NegativeInfinity, 2))[0]);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void FromOpset11TheBoundsAreOptionalInputs(int opset)
    {
        var lo = Tensor.Scalar(-1f);
        var hi = Tensor.Scalar(1f);
        AssertExact([-1, -1, -0.5f, 0, 0.5f, 1, 1], Eval(Node("Clip", 3), opset, X, lo, hi)[0]);
        AssertExact([-1, -1, -0.5f, 0, 0.5f, 3, 10], Eval(Node("Clip", 2), opset, X, lo)[0]);
        // Min omitted by an empty name, max given.
        AssertExact([-10, -1, -0.5f, 0, 0.5f, 1, 1], Eval(Node("Clip", 3), opset, X, null, hi)[0]);
        AssertExact(X.Floats, Eval(Node("Clip", 1), opset, X)[0]);
        AssertExact([float.PositiveInfinity], Eval(Node("Clip", 1), opset, F([1], float.PositiveInfinity))[0]);
    }

    [Fact]
    public void IntegerClipFromOpset12()
    {
        var x = Tensor.Create([5], new sbyte[] { -128, -5, 0, 5, 127 });
        Assert.Equal([(sbyte)0, (sbyte)0, (sbyte)0, (sbyte)5, (sbyte)127], Eval(Node("Clip", 2), 13, x, Tensor.Create([], new sbyte[] { 0 }))[0].As<sbyte>());
        Assert.Equal([(sbyte)-128, (sbyte)-5, (sbyte)0, (sbyte)0, (sbyte)0], Eval(Node("Clip", 3), 13, x, null, Tensor.Create([], new sbyte[] { 0 }))[0].As<sbyte>());
        var i = Eval(Node("Clip", 3), 12, Tensor.FromLongs([3], [-7, 3, 9]), Tensor.Scalar(-2L), Tensor.Scalar(4L))[0];
        Assert.Equal([-2L, 3, 4], i.Longs);
    }

    [Fact]
    public void NaNPropagatesAndMinAboveMaxGivesMax()
    {
        Assert.True(float.IsNaN(Eval(Node("Clip", 3), 13, F([1], float.NaN), Tensor.Scalar(0f), Tensor.Scalar(1f))[0].Floats[0]));
        AssertExact([1, 1, 1], Eval(Node("Clip", 3), 13, F([3], -5, 2, 5), Tensor.Scalar(3f), Tensor.Scalar(1f))[0]);
    }

    [Fact]
    public void TheStepReadsRuntimeBoundsEachRun()
    {
        var lo = F([], 0);
        var hi = F([], 6);
        var (step, outputs) = Plan(Node("Clip", 3), 13, X, lo, hi);
        AssertRunAllocatesNothing(step);
        AssertExact([0, 0, 0, 0, 0.5f, 3, 6], outputs[0]);
        lo.Floats[0] = -1;
        hi.Floats[0] = 1;
        step.Run();
        AssertExact([-1, -1, -0.5f, 0, 0.5f, 1, 1], outputs[0]);
    }

    [Fact]
    public void InvalidFormsAreReported()
    {
        var attr = Assert.Throws<CnnrtException>(() => Eval(Node("Clip", 1, 1, Float("min", 0)), 11, X));
        Assert.Contains("Clip node 'clip_test'", attr.Message);
        Assert.Contains("'min'", attr.Message);
        var shape = Assert.Throws<CnnrtException>(() => Eval(Node("Clip", 2), 13, X, F([2], 0, 1)));
        Assert.Contains("scalar", shape.Message);
        var type = Assert.Throws<CnnrtException>(() => Eval(Node("Clip", 2), 13, X, Tensor.Scalar(0L)));
        Assert.Contains("int64", type.Message);
        Assert.Throws<CnnrtException>(() => Eval(Node("Clip", 2), 6, X, Tensor.Scalar(0f)));
    }
}
