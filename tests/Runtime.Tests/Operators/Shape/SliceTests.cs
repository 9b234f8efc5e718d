using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class SliceTests
{
    [Fact]
    public void NegativeStepsOnTwoAxes()
    {
        // numpy: np.arange(20).reshape(4,5)[3:0:-2, 4::-1] (end -INT64_MAX... written as INT64_MIN sentinel)
        var y = Eval(Node("Slice", 5), 13, IotaF(4, 5), Longs(3, 4), Longs(0, long.MinValue), Longs(0, 1), Longs(-2, -1))[0];
        AssertShape([2, 5], y);
        AssertExact([19, 18, 17, 16, 15, 9, 8, 7, 6, 5], y);
    }

    [Fact]
    public void ClampsOutOfRangeStartsAndEnds()
    {
        // numpy: np.arange(20).reshape(4,5)[1:1000, -100:3]
        var y = Eval(Node("Slice", 3), 13, IotaL(4, 5), Longs(1, -100), Longs(1000, 3))[0];
        AssertTensor([3, 3], new long[] { 5, 6, 7, 10, 11, 12, 15, 16, 17 }, y);
    }

    [Fact]
    public void Int64MaxEndSentinelAndNegativeAxis()
    {
        var y = Eval(Node("Slice", 4), 13, IotaF(2, 4), Longs(1), Longs(long.MaxValue), Longs(-1))[0];
        AssertShape([2, 3], y);
        AssertExact([1, 2, 3, 5, 6, 7], y);
    }

    [Theory]
    // numpy: np.arange(10)[-3:-100:-1], [8:2:-3], [5:5], [2:8:-1], [100:0:-4]
    [InlineData(-3, -100, -1, new long[] { 7, 6, 5, 4, 3, 2, 1, 0 })]
    [InlineData(8, 2, -3, new long[] { 8, 5 })]
    [InlineData(5, 5, 1, new long[0])]
    [InlineData(2, 8, -1, new long[0])]
    [InlineData(100, 0, -4, new long[] { 9, 5, 1 })]
    public void OneDimensionalClamping(long start, long end, long step, long[] expected)
    {
        var y = Eval(Node("Slice", 5), 13, IotaL(10), Longs(start), Longs(end), Longs(0), Longs(step))[0];
        AssertTensor([expected.Length], expected, y);
    }

    [Fact]
    public void ResolveFollowsOnnxClamping()
    {
        Assert.Equal((9, 10), SliceReference.Resolve(10, long.MaxValue, long.MinValue, -1));
        Assert.Equal((0, 10), SliceReference.Resolve(10, long.MinValue, long.MaxValue, 1));
        Assert.Equal((3, 1), SliceReference.Resolve(10, 3, 9, long.MaxValue));
        Assert.Equal((0, 0), SliceReference.Resolve(0, 0, -1, -1));
    }

    [Fact]
    public void Opset9AttributeForm()
    {
        var y = Eval(Node("Slice", 1, 1, Ints("starts", 0, 1), Ints("ends", 2, -1), Ints("axes", 1, 0)), 9, IotaF(3, 4))[0];
        // numpy: np.arange(12).reshape(3,4)[1:-1, 0:2]
        AssertShape([1, 2], y);
        AssertExact([4, 5], y);
    }

    [Fact]
    public void FloatStepMatchesEvaluate()
    {
        var inputs = new Tensor?[] { Random([3, 4, 5], 1), Longs(-1, 4), Longs(0, 0), Longs(0, 2), Longs(-1, -2) };
        var expected = Eval(Node("Slice", 5), 13, inputs)[0];
        AssertShape([2, 4, 2], expected);
        Assert.Equal(expected.Floats, RunStep(Node("Slice", 5), 13, inputs)[0]);
    }

    [Fact]
    public void Errors()
    {
        Fails(() => Eval(Node("Slice", 5), 13, IotaF(4), Longs(0), Longs(4), Longs(0), Longs(0)), ErrorKind.InvalidModel, "slice_test", "step 0");
        Fails(() => Eval(Node("Slice", 4), 13, IotaF(4, 4), Longs(0, 0), Longs(4, 4), Longs(1, -1)), ErrorKind.InvalidModel, "axis -1 is repeated");
        Fails(() => Eval(Node("Slice", 4), 13, IotaF(4, 4), Longs(0), Longs(4), Longs(2)), ErrorKind.InvalidModel, "axis 2 is out of range");
        var node = Node("Slice", 3);
        node.Inputs = ["x", "s", "e"];
        var op = Cnnrt.Operators.OperatorRegistry.Create(node, 13);
        Fails(() => op.InferOutputs([new(DataType.Float, [4]), new(DataType.Int64, [1]), Cnnrt.Operators.ValueInfo.Of(Longs(2))]),
            ErrorKind.Unsupported, "input 1 ('s', the starts)");
    }
}
