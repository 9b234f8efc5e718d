using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class ConcatSplitTests
{
    [Fact]
    public void ConcatInt64AlongAxis1()
    {
        // numpy: np.concatenate([np.arange(4).reshape(2,2), np.arange(6).reshape(2,3)], axis=1)
        var y = Eval(Node("Concat", 2, 1, Int("axis", 1)), 13, IotaL(2, 2), IotaL(2, 3))[0];
        AssertTensor([2, 5], new long[] { 0, 1, 0, 1, 2, 2, 3, 3, 4, 5 }, y);
    }

    [Fact]
    public void ConcatNegativeAxisThreeInputsWithEmptyPart()
    {
        var y = Eval(Node("Concat", 3, 1, Int("axis", -2)), 13, F([1, 2], 1, 2), F([0, 2]), F([2, 2], 3, 4, 5, 6))[0];
        AssertShape([3, 2], y);
        AssertExact([1, 2, 3, 4, 5, 6], y);
    }

    [Fact]
    public void ConcatFloatStepMatchesEvaluate()
    {
        var a = Random([2, 3, 4], 1);
        var b = Random([2, 1, 4], 2);
        var expected = Eval(Node("Concat", 2, 1, Int("axis", 1)), 13, a, b)[0];
        AssertShape([2, 4, 4], expected);
        Assert.Equal(b.Floats[4..8], expected.Floats[28..32]);
        Assert.Equal(expected.Floats, RunStep(Node("Concat", 2, 1, Int("axis", 1)), 13, a, b)[0]);
    }

    [Fact]
    public void ConcatMismatchesAreErrors()
    {
        Fails(() => Eval(Node("Concat", 2, 1, Int("axis", 0)), 13, IotaF(2, 3), IotaF(2, 4)), ErrorKind.InvalidModel,
            "concat_test", "input 1", "[2x4]", "dim 1");
        Fails(() => Eval(Node("Concat", 2, 1, Int("axis", 0)), 13, IotaF(2, 3), IotaF(6)), ErrorKind.InvalidModel, "rank 1");
        Fails(() => Eval(Node("Concat", 2, 1, Int("axis", 0)), 13, IotaF(2), IotaL(2)), ErrorKind.InvalidModel, "int64");
        Fails(() => Eval(Node("Concat", 1, 1, Int("axis", 2)), 13, IotaF(2, 3)), ErrorKind.InvalidModel, "axis 2");
        Fails(() => Eval(Node("Concat", 1), 13, IotaF(2)), ErrorKind.InvalidModel, "'axis' is missing");
    }

    [Fact]
    public void SplitEvenlyByDefault()
    {
        var parts = Eval(Node("Split", 1, 3), 13, IotaL(6));
        AssertTensor([2], new long[] { 0, 1 }, parts[0]);
        AssertTensor([2], new long[] { 2, 3 }, parts[1]);
        AssertTensor([2], new long[] { 4, 5 }, parts[2]);
    }

    [Fact]
    public void SplitSizesFromAttributeBeforeOpset13()
    {
        var parts = Eval(Node("Split", 1, 2, Int("axis", 1), Ints("split", 1, 2)), 11, IotaF(2, 3));
        AssertShape([2, 1], parts[0]);
        AssertExact([0, 3], parts[0]);
        AssertShape([2, 2], parts[1]);
        AssertExact([1, 2, 4, 5], parts[1]);
    }

    [Fact]
    public void SplitSizesFromInputFromOpset13WithZeroSizePart()
    {
        var parts = Eval(Node("Split", 2, 3, Int("axis", -1)), 13, IotaF(2, 3), Longs(0, 3, 0));
        AssertShape([2, 0], parts[0]);
        AssertExact([0, 1, 2, 3, 4, 5], parts[1]);
        AssertShape([2, 0], parts[2]);
    }

    [Fact]
    public void SplitNumOutputsOpset18MakesTheLastPartSmaller()
    {
        // 7 into 3 parts: ceil(7/3) = 3 -> 3, 3, 1
        var parts = Eval(Node("Split", 1, 3, Int("num_outputs", 3)), 18, IotaL(7));
        AssertTensor([3], new long[] { 0, 1, 2 }, parts[0]);
        AssertTensor([3], new long[] { 3, 4, 5 }, parts[1]);
        AssertTensor([1], new long[] { 6 }, parts[2]);
    }

    [Fact]
    public void SplitFloatStepMatchesEvaluate()
    {
        var x = Random([3, 5, 2], 3);
        var expected = Eval(Node("Split", 2, 2, Int("axis", 1)), 13, x, Longs(2, 3));
        var actual = RunStep(Node("Split", 2, 2, Int("axis", 1)), 13, x, Longs(2, 3));
        Assert.Equal(expected[0].Floats, actual[0]);
        Assert.Equal(expected[1].Floats, actual[1]);
    }

    [Fact]
    public void SplitErrors()
    {
        Fails(() => Eval(Node("Split", 1, 4), 13, IotaF(6)), ErrorKind.InvalidModel, "split_test", "(6) does not split evenly into 4");
        Fails(() => Eval(Node("Split", 2, 2), 13, IotaF(6), Longs(2, 3)), ErrorKind.InvalidModel, "split [2, 3] sums to 5");
        Fails(() => Eval(Node("Split", 1, 2, Int("num_outputs", 3)), 18, IotaF(6)), ErrorKind.InvalidModel, "num_outputs is 3");
    }
}
