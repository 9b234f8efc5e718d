using Cnnrt.Operators;
using Cnnrt.Operators.Shape;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class ViewOperatorTests
{
    [Theory]
    [InlineData(new long[] { 0, -1 }, new[] { 2, 12 })]
    [InlineData(new long[] { -1, 4 }, new[] { 6, 4 })]
    [InlineData(new long[] { 2, 0, 2, 2 }, new[] { 2, 3, 2, 2 })]
    [InlineData(new long[] { 24 }, new[] { 24 })]
    public void ReshapeCopiesZerosAndInfersMinusOne(long[] target, int[] expected)
    {
        var y = Eval(Node("Reshape", 2), 13, IotaL(2, 3, 4), Longs(target))[0];
        AssertTensor(expected, IotaL(2, 3, 4).Longs, y);
    }

    [Fact]
    public void ReshapeAllowZeroMakesZeroARealDimension()
    {
        var y = Eval(Node("Reshape", 2, 1, Int("allowzero", 1)), 14, IotaF(0, 3), Longs(3, 0))[0];
        AssertShape([3, 0], y);
        Fails(() => Eval(Node("Reshape", 2, 1, Int("allowzero", 1)), 14, IotaF(2, 3), Longs(0, -1)), ErrorKind.InvalidModel, "-1 cannot be inferred");
    }

    [Fact]
    public void ReshapeErrors()
    {
        Fails(() => Eval(Node("Reshape", 2), 13, IotaF(2, 3), Longs(4, 2)), ErrorKind.InvalidModel,
            "reshape_test", "[2x3] (6 elements) to [4, 2] (8 elements)");
        Fails(() => Eval(Node("Reshape", 2), 13, IotaF(2, 3), Longs(-1, 4)), ErrorKind.InvalidModel, "not a multiple of 4");
        Fails(() => Eval(Node("Reshape", 2), 13, IotaF(2, 3), Longs(-1, -1)), ErrorKind.InvalidModel, "more than one -1");
        Fails(() => Eval(Node("Reshape", 2), 13, IotaF(6), Longs(6, 0)), ErrorKind.InvalidModel, "copies dim 1");
        Fails(() => Eval(Node("Reshape", 2), 13, IotaF(6), Longs(-2, -3)), ErrorKind.InvalidModel, "invalid dimension -2");
    }

    [Fact]
    public void ReshapeWithARuntimeShapeIsNotSupported()
    {
        var node = Node("Reshape", 2);
        node.Inputs = ["x", "target"];
        var op = OperatorRegistry.Create(node, 13);
        Fails(() => op.InferOutputs([new(DataType.Float, [2, 3]), new(DataType.Int64, [2])]), ErrorKind.Unsupported,
            "input 1 ('target', the target shape)");
    }

    [Theory]
    [InlineData(0, new[] { 1, 24 })]
    [InlineData(1, new[] { 2, 12 })]
    [InlineData(2, new[] { 6, 4 })]
    [InlineData(3, new[] { 24, 1 })]
    [InlineData(-1, new[] { 6, 4 })]
    [InlineData(-3, new[] { 1, 24 })]
    public void FlattenAroundAxis(long axis, int[] expected)
    {
        var y = Eval(Node("Flatten", 1, 1, Int("axis", axis)), 13, IotaF(2, 3, 4))[0];
        AssertShape(expected, y);
        Assert.Equal(IotaF(2, 3, 4).Floats, y.Floats);
    }

    [Fact]
    public void FlattenDefaultsToAxis1AndRejectsOutOfRange()
    {
        AssertShape([2, 12], Eval(Node("Flatten", 1), 13, IotaF(2, 3, 4))[0]);
        Fails(() => Eval(Node("Flatten", 1, 1, Int("axis", 4)), 13, IotaF(2, 3, 4)), ErrorKind.InvalidModel, "axis 4");
    }

    [Fact]
    public void SqueezeAxesAttributeBeforeOpset13AndInputFrom13()
    {
        AssertShape([3, 1], Eval(Node("Squeeze", 1, 1, Ints("axes", 0)), 11, IotaF(1, 3, 1))[0]);
        AssertShape([1, 3], Eval(Node("Squeeze", 2), 13, IotaF(1, 3, 1), Longs(-1))[0]);
        AssertTensor([3], new long[] { 0, 1, 2 }, Eval(Node("Squeeze", 1), 13, IotaL(1, 3, 1, 1))[0]);
        AssertShape([3], Eval(Node("Squeeze", 1), 11, IotaF(1, 3, 1))[0]);
    }

    [Fact]
    public void SqueezingANonUnitAxisIsAnError() =>
        Fails(() => Eval(Node("Squeeze", 2), 13, IotaF(1, 3), Longs(1)), ErrorKind.InvalidModel, "squeeze_test", "axis 1", "size is 3");

    [Fact]
    public void UnsqueezeAxesReferToTheOutputRank()
    {
        // numpy: np.expand_dims(np.zeros((3,4)), (-1, 0)).shape == (1, 3, 4, 1)
        AssertShape([1, 3, 4, 1], Eval(Node("Unsqueeze", 2), 13, IotaF(3, 4), Longs(-1, 0))[0]);
        // unsorted axes: np.expand_dims(np.zeros((3,4,5)), (5, 4, 2)).shape == (3, 4, 1, 5, 1, 1)
        AssertShape([3, 4, 1, 5, 1, 1], Eval(Node("Unsqueeze", 2), 13, IotaF(3, 4, 5), Longs(5, 4, 2))[0]);
        AssertTensor([1], new long[] { 7 }, Eval(Node("Unsqueeze", 1, 1, Ints("axes", 0)), 11, Tensor.Scalar(7L))[0]);
    }

    [Fact]
    public void UnsqueezeErrors()
    {
        Fails(() => Eval(Node("Unsqueeze", 2), 13, IotaF(3), Longs(0, 0)), ErrorKind.InvalidModel, "axis 0 is repeated");
        Fails(() => Eval(Node("Unsqueeze", 2), 13, IotaF(3), Longs(2)), ErrorKind.InvalidModel, "axis 2 is out of range for rank 2");
        Fails(() => Eval(Node("Unsqueeze", 1), 11, IotaF(3)), ErrorKind.InvalidModel, "'axes' is missing");
    }

    [Fact]
    public void IdentityPassesAnyType()
    {
        var s = Tensor.Create([2], new[] { "x", "y" });
        Assert.Equal(new[] { "x", "y" }, Eval(Node("Identity", 1), 16, s)[0].As<string>());
        AssertTensor([2, 2], new long[] { 0, 1, 2, 3 }, Eval(Node("Identity", 1), 16, IotaL(2, 2))[0]);
    }

    [Fact]
    public void DropoutIsIdentityWithAllTrueMask()
    {
        var x = Random([2, 3], 1);
        var outputs = Eval(Node("Dropout", 2, 2), 13, x, Tensor.Scalar(0.3f));
        Assert.Equal(x.Floats, outputs[0].Floats);
        AssertTensor([2, 3], Enumerable.Repeat(true, 6).ToArray(), outputs[1]);

        // opset 7..9: the mask has the input's type
        var old = Eval(Node("Dropout", 1, 2, Float("ratio", 0.5f)), 7, x);
        AssertExact([1, 1, 1, 1, 1, 1], old[1]);
    }

    [Fact]
    public void DropoutMaskIsAPlanTimeConstant()
    {
        var node = Node("Dropout", 1, 2);
        var op = OperatorRegistry.Create(node, 13);
        var outputs = op.InferOutputs([new ValueInfo(DataType.Float, [4])]);
        Assert.False(outputs[0].IsConstant);
        Assert.Equal(new[] { true, true, true, true }, outputs[1].Constant!.As<bool>());
    }

    [Fact]
    public void TrainingDropoutIsNotSupportedUnlessTheRatioIsZero()
    {
        var x = IotaF(3);
        var yes = Tensor.Create([], new[] { true });
        Fails(() => Eval(Node("Dropout", 3), 13, x, Tensor.Scalar(0.5f), yes), ErrorKind.Unsupported, "dropout_test", "training_mode is true");
        Fails(() => Eval(Node("Dropout", 3), 13, x, null, yes), ErrorKind.Unsupported, "training_mode");
        AssertExact([0, 1, 2], Eval(Node("Dropout", 3), 13, x, Tensor.Scalar(0f), yes)[0]);
        AssertExact([0, 1, 2], Eval(Node("Dropout", 3), 13, x, Tensor.Scalar(0.5f), Tensor.Create([], new[] { false }))[0]);
    }

    [Fact]
    public void ViewOperatorsAreMarkedForAliasing()
    {
        foreach (var op in new[] { "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout" })
            Assert.IsAssignableFrom<IViewOperator>(OperatorRegistry.Create(Node(op, 1, 1, Ints("axes", 0)), 11));
        Assert.False(OperatorRegistry.Create(Node("Transpose", 1), 13) is IViewOperator);
    }

    [Fact]
    public void ViewStepCopiesOnlyBetweenDistinctSlots()
    {
        var buffer = new float[] { 1, 2, 3, 4, 9, 9, 9, 9 };
        var copy = new ViewStep(new Slot(buffer, 0, 4), new Slot(buffer, 4, 4)) { NodeName = "r", OpType = "Reshape" };
        Assert.Equal(0, AllocatedByRun(copy));
        Assert.Equal(new float[] { 1, 2, 3, 4, 1, 2, 3, 4 }, buffer);

        var aliased = new ViewStep(new Slot(buffer, 0, 4), new Slot(buffer, 0, 4)) { NodeName = "r", OpType = "Reshape" };
        aliased.Run();
        Assert.Equal(new float[] { 1, 2, 3, 4, 1, 2, 3, 4 }, buffer);
    }

    [Fact]
    public void ReshapeFloatStepCopiesTheData()
    {
        var x = Random([2, 6], 3);
        Assert.Equal(x.Floats, RunStep(Node("Reshape", 2), 13, x, Longs(3, 4))[0]);
    }
}
