using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class CastTests
{
    private static Tensor Cast(Tensor x, DataType to, int opset = 13) => Eval(Node("Cast", 1, 1, Int("to", (long)to)), opset, x)[0];

    [Fact]
    public void FloatToInt8TruncatesTowardZero()
    {
        // numpy: np.array([-2.7, 3.9, -0.5, 127.9], np.float32).astype(np.int8) == [-2, 3, 0, 127]
        var y = Cast(F([4], -2.7f, 3.9f, -0.5f, 127.9f), DataType.Int8);
        AssertTensor([4], new sbyte[] { -2, 3, 0, 127 }, y);
    }

    [Fact]
    public void IntToBoolIsNonZero()
    {
        AssertTensor([3], new[] { false, true, true }, Cast(Longs(0, 3, -1), DataType.Bool));
        AssertTensor([3], new[] { false, true, true }, Cast(F([3], 0, float.NaN, -0.25f), DataType.Bool));
    }

    [Fact]
    public void BoolToNumbers()
    {
        var b = Tensor.Create([2], new[] { true, false });
        AssertExact([1, 0], Cast(b, DataType.Float));
        AssertTensor([2], new long[] { 1, 0 }, Cast(b, DataType.Int64));
        AssertTensor([2], new[] { (Half)1, (Half)0 }, Cast(b, DataType.Float16));
    }

    [Fact]
    public void NarrowingIntegersWrap()
    {
        // numpy: np.array([300, -1]).astype(np.uint8) == [44, 255]; np.array([3000000000]).astype(np.int32) == [-1294967296]
        AssertTensor([2], new byte[] { 44, 255 }, Cast(Longs(300, -1), DataType.UInt8));
        AssertTensor([1], new[] { -1294967296 }, Cast(Longs(3000000000), DataType.Int32));
    }

    [Fact]
    public void FloatingConversions()
    {
        AssertTensor([2], new[] { (Half)0.5f, (Half)65504f }, Cast(Tensor.Create([2], new[] { 0.5, 65504.0 }), DataType.Float16));
        AssertTensor([2], new[] { 0.1f, -3f }, Cast(Tensor.Create([2], new[] { 0.1, -3.0 }), DataType.Float));
        AssertTensor([2], new[] { 1.5, (double)1e30f }, Cast(F([2], 1.5f, 1e30f), DataType.Double));
        AssertTensor([2], new ulong[] { 7, 18446744073709551615 }, Cast(Tensor.Create([2], new[] { 7.9f, float.PositiveInfinity }), DataType.UInt64));
    }

    [Fact]
    public void NumbersToStrings()
    {
        var y = Cast(F([5], 0.1f, 1e20f, -2.5f, float.PositiveInfinity, float.NaN), DataType.String);
        AssertTensor([5], new[] { "0.1", "1E+20", "-2.5", "INF", "NaN" }, y);
        AssertTensor([2], new[] { "-7", "12" }, Cast(Longs(-7, 12), DataType.String));
    }

    [Fact]
    public void StringsToNumbers()
    {
        var s = Tensor.Create([6], new[] { "0.47892547", "1e-5", "INF", "+inf", "-INF", "nan" });
        var y = Cast(s, DataType.Float).Floats;
        Assert.Equal(new[] { 0.47892547f, 1e-5f, float.PositiveInfinity, float.PositiveInfinity, float.NegativeInfinity }, y[..5]);
        Assert.True(float.IsNaN(y[5]));
        AssertTensor([3], new long[] { 100, -3, 9007199254740993 }, Cast(Tensor.Create([3], new[] { "100.5", " -3 ", "9007199254740993" }), DataType.Int64));
        AssertTensor([3], new[] { true, false, true }, Cast(Tensor.Create([3], new[] { "True", "0", "2.5" }), DataType.Bool));
    }

    [Fact]
    public void StringThatIsNotANumberIsAnError() =>
        Fails(() => Cast(Tensor.Create([2], new[] { "1", "Hello" }), DataType.Float), ErrorKind.InvalidArgument, "\"Hello\"", "element 1");

    [Theory]
    [InlineData(16, "bfloat16")]
    [InlineData(17, "float8e4m3fn")]
    [InlineData(22, "int4")]
    [InlineData(14, "complex64")]
    public void ExoticTargetsAreNotSupported(long to, string name) =>
        Fails(() => Eval(Node("Cast", 1, 1, Int("to", to)), 13, F([1], 1)), ErrorKind.Unsupported, "cast_test", name);

    [Fact]
    public void CastLikeTakesTheTypeOfInput1()
    {
        var y = Eval(Node("CastLike", 2), 15, F([2], 2.9f, -2.9f), Tensor.Create([0], new int[0]))[0];
        AssertTensor([2], new[] { 2, -2 }, y);
    }

    [Fact]
    public void FloatToFloatStepCopies()
    {
        var x = Random([2, 3], 5);
        Assert.Equal(x.Floats, RunStep(Node("Cast", 1, 1, Int("to", 1)), 13, x)[0]);
    }
}
