using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

/// <summary>Constant, Shape, Size, ConstantOfShape and Range: operators whose output is known at plan time.</summary>
public class GeneratorTests
{
    [Fact]
    public void ConstantFromEachAttributeForm()
    {
        var t = IotaL(2, 2);
        var tensorAttr = new NodeAttribute { Name = "value", Kind = AttributeKind.Tensor, Tensor = t };
        AssertTensor([2, 2], new long[] { 0, 1, 2, 3 }, Eval(Node("Constant", 0, 1, tensorAttr), 13)[0]);
        AssertTensor([], new[] { 2.5f }, Eval(Node("Constant", 0, 1, Float("value_float", 2.5f)), 13)[0]);
        AssertTensor([2], new[] { 1f, -1f }, Eval(Node("Constant", 0, 1, Floats("value_floats", 1, -1)), 13)[0]);
        AssertTensor([], new[] { 7L }, Eval(Node("Constant", 0, 1, Int("value_int", 7)), 13)[0]);
        AssertTensor([3], new[] { 1L, 2L, 3L }, Eval(Node("Constant", 0, 1, Ints("value_ints", 1, 2, 3)), 13)[0]);
        AssertTensor([], new[] { "hi" }, Eval(Node("Constant", 0, 1, Str("value_string", "hi")), 13)[0]);
        var strings = new NodeAttribute { Name = "value_strings", Kind = AttributeKind.Strings, Strings = ["a", "b"] };
        AssertTensor([2], new[] { "a", "b" }, Eval(Node("Constant", 0, 1, strings), 13)[0]);
    }

    [Fact]
    public void ConstantNeedsExactlyOneValue()
    {
        Fails(() => Eval(Node("Constant", 0), 13), ErrorKind.InvalidModel, "constant_test", "none of the attributes");
        Fails(() => Eval(Node("Constant", 0, 1, Int("value_int", 1), Float("value_float", 1)), 13), ErrorKind.InvalidModel, "exactly one");
        var sparse = new NodeAttribute { Name = "sparse_value", Kind = AttributeKind.Other };
        Fails(() => Eval(Node("Constant", 0, 1, sparse), 13), ErrorKind.Unsupported, "sparse_value");
    }

    [Theory]
    [InlineData(null, null, new long[] { 2, 3, 4, 5 })]
    [InlineData(1L, null, new long[] { 3, 4, 5 })]
    [InlineData(null, -1L, new long[] { 2, 3, 4 })]
    [InlineData(1L, 2L, new long[] { 3 })]
    [InlineData(-10L, 10L, new long[] { 2, 3, 4, 5 })]
    [InlineData(3L, 1L, new long[0])]
    public void ShapeWithStartAndEnd(long? start, long? end, long[] expected)
    {
        var attrs = new List<NodeAttribute>();
        if (start is { } s) attrs.Add(Int("start", s));
        if (end is { } e) attrs.Add(Int("end", e));
        var y = Eval(Node("Shape", 1, 1, attrs.ToArray()), 15, IotaF(2, 3, 4, 5))[0];
        AssertTensor([expected.Length], expected, y);
    }

    [Fact]
    public void ShapeAndSizeAreConstantForARuntimeInput()
    {
        ValueInfo?[] runtime = [new ValueInfo(DataType.Float, [1, 3, 224, 224])];
        var shape = OperatorRegistry.Create(Node("Shape", 1), 13).InferOutputs(runtime)[0];
        Assert.Equal(new long[] { 1, 3, 224, 224 }, shape.Constant!.Longs);
        var size = OperatorRegistry.Create(Node("Size", 1), 13).InferOutputs(runtime)[0];
        AssertTensor([], new[] { 150528L }, size.Constant!);
    }

    [Fact]
    public void SizeOfStrings() =>
        AssertTensor([], new[] { 3L }, Eval(Node("Size", 1), 13, Tensor.Create([3, 1], new[] { "a", "b", "c" }))[0]);

    [Fact]
    public void ConstantOfShapeDefaultsToFloatZero()
    {
        var y = Eval(Node("ConstantOfShape", 1), 9, Longs(2, 3))[0];
        AssertShape([2, 3], y);
        AssertExact([0, 0, 0, 0, 0, 0], y);
    }

    [Fact]
    public void ConstantOfShapeWithAnInt64ValueAndScalarShape()
    {
        var value = new NodeAttribute { Name = "value", Kind = AttributeKind.Tensor, Tensor = Tensor.FromLongs([1], [-4]) };
        AssertTensor([3], new long[] { -4, -4, -4 }, Eval(Node("ConstantOfShape", 1, 1, value), 9, Longs(3))[0]);
        AssertTensor([], new long[] { -4 }, Eval(Node("ConstantOfShape", 1, 1, value), 9, Longs())[0]);
        Fails(() => Eval(Node("ConstantOfShape", 1, 1, value), 9, Longs(2, -1)), ErrorKind.InvalidModel, "constantofshape_test", "-1");
    }

    [Fact]
    public void RangeOfIntegersWithNegativeDelta()
    {
        // numpy: np.arange(10, 4, -3) == [10, 7]
        var y = Eval(Node("Range", 3), 11, Tensor.Scalar(10L), Tensor.Scalar(4L), Tensor.Scalar(-3L))[0];
        AssertTensor([2], new long[] { 10, 7 }, y);
        var i32 = Eval(Node("Range", 3), 11, Tensor.Create([], new[] { 0 }), Tensor.Create([], new[] { 7 }), Tensor.Create([], new[] { 3 }))[0];
        AssertTensor([3], new[] { 0, 3, 6 }, i32);
    }

    [Fact]
    public void RangeOfFloatsAndEmptyRanges()
    {
        // count = ceil((2 - 1) / 0.3) = 4; out[i] = 1 + i * 0.3 in float32
        var y = Eval(Node("Range", 3), 11, Tensor.Scalar(1f), Tensor.Scalar(2f), Tensor.Scalar(0.3f))[0];
        AssertTensor([4], new[] { 1f, 1f + 0.3f, 1f + 2 * 0.3f, 1f + 3 * 0.3f }, y);
        AssertShape([0], Eval(Node("Range", 3), 11, Tensor.Scalar(5L), Tensor.Scalar(1L), Tensor.Scalar(2L))[0]);
    }

    [Fact]
    public void RangeErrors()
    {
        Fails(() => Eval(Node("Range", 3), 11, Tensor.Scalar(0L), Tensor.Scalar(5L), Tensor.Scalar(0L)), ErrorKind.InvalidModel, "range_test", "zero delta");
        Fails(() => Eval(Node("Range", 3), 11, Tensor.Scalar(0L), Tensor.Scalar(5f), Tensor.Scalar(1L)), ErrorKind.InvalidModel, "the limit");
        Fails(() => Eval(Node("Range", 3), 11, Tensor.Scalar(0L), Tensor.Scalar(long.MaxValue), Tensor.Scalar(1L)), ErrorKind.InvalidModel, "too many elements");
    }
}
