using Cnnrt.Graph;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>MaxPool, AveragePool and the global pools: worked examples, ONNX backend cases as literals, edge rules.</summary>
public class PoolTests
{
    private static Tensor Ramp(params int[] shape)
    {
        var t = Tensor.Zeros(DataType.Float, shape);
        for (int i = 0; i < t.Length; i++) t.Floats[i] = i + 1;
        return t;
    }

    [Fact]
    public void MaxPoolFindsTheFeatures()
    {
        var x = new float[6, 6];
        x[1, 4] = 1;
        x[3, 1] = 1;
        AssertExact(Flat(new float[,] { { 0, 0, 1, 1 }, { 1, 1, 1, 1 }, { 1, 1, 0, 0 }, { 1, 1, 0, 0 } }),
            Run1("MaxPool", [Image(x)], Ints("kernel_shape", 3, 3)));
        AssertExact(Flat(new float[,] { { 0, 1 }, { 1, 0 } }),
            Run1("MaxPool", [Image(x)], Ints("kernel_shape", 3, 3), Ints("strides", 3, 3)));
    }

    [Fact]
    public void MaxPool2x2Stride2()
    {
        var x = Image(new float[,] { { 1, 1, 2, 4 }, { 5, 6, 7, 8 }, { 3, 2, 1, 0 }, { 1, 2, 3, 4 } });
        AssertExact([6, 8, 3, 4], Run1("MaxPool", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
    }

    // ---- ONNX backend cases (inputs and expected outputs copied from the test data) ----

    [Fact]
    public void OnnxAveragePool2dCeil()
    {
        var y = Run("AveragePool", 11, [Ramp(1, 1, 4, 4)], 1, Int("ceil_mode", 1), Ints("kernel_shape", 3, 3), Ints("strides", 2, 2))[0];
        AssertShape([1, 1, 2, 2], y);
        AssertExact([6, 7.5f, 12, 13.5f], y);
    }

    [Fact]
    public void OnnxMaxPool2dCeil()
    {
        var y = Run("MaxPool", 12, [Ramp(1, 1, 4, 4)], 1, Int("ceil_mode", 1), Ints("kernel_shape", 3, 3), Ints("strides", 2, 2))[0];
        AssertExact([11, 12, 15, 16], y);
    }

    [Fact]
    public void OnnxMaxPool2dDilations()
    {
        var y = Run("MaxPool", 12, [Ramp(1, 1, 4, 4)], 1, Ints("dilations", 2, 2), Ints("kernel_shape", 2, 2), Ints("strides", 1, 1))[0];
        AssertExact([11, 12, 15, 16], y);
    }

    [Fact]
    public void OnnxPrecomputedSameUpper()
    {
        NodeAttribute[] attrs = [Str("auto_pad", "SAME_UPPER"), Ints("kernel_shape", 3, 3), Ints("strides", 2, 2)];
        AssertExact([7, 9, 10, 17, 19, 20, 22, 24, 25], Run("MaxPool", 12, [Ramp(1, 1, 5, 5)], 1, attrs)[0]);
        AssertExact([4, 5.5f, 7, 11.5f, 13, 14.5f, 19, 20.5f, 22], Run("AveragePool", 11, [Ramp(1, 1, 5, 5)], 1, attrs)[0]);
    }

    [Fact]
    public void OnnxAveragePoolPrecomputedPadsCountIncludePad()
    {
        var y = Run("AveragePool", 11, [Ramp(1, 1, 5, 5)], 1, Int("count_include_pad", 1), Ints("kernel_shape", 5, 5), Ints("pads", 2, 2, 2, 2))[0];
        AssertClose([
            2.52f, 3.6f, 4.8f, 4.08f, 3.24f, 4.56f, 6.4f, 8.4f, 7.04f, 5.52f, 7.2f, 10, 13, 10.8f, 8.4f,
            6.96f, 9.6f, 12.4f, 10.24f, 7.92f, 6.12f, 8.4f, 10.8f, 8.88f, 6.84f], y.Floats);
    }

    [Fact]
    public void OnnxAveragePoolPrecomputedStrides()
    {
        var y = Run("AveragePool", 11, [Ramp(1, 1, 5, 5)], 1, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2))[0];
        AssertExact([4, 6, 14, 16], y);
    }

    [Fact]
    public void OnnxMaxPoolWithArgmaxPrecomputedPads()
    {
        var r = Run("MaxPool", 12, [Ramp(1, 1, 5, 5)], 2, Ints("kernel_shape", 5, 5), Ints("pads", 2, 2, 2, 2));
        AssertExact([13, 14, 15, 15, 15, 18, 19, 20, 20, 20, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25, 23, 24, 25, 25, 25], r[0]);
        Assert.Equal([12L, 13, 14, 14, 14, 17, 18, 19, 19, 19, 22, 23, 24, 24, 24, 22, 23, 24, 24, 24, 22, 23, 24, 24, 24], r[1].Longs);
    }

    [Fact]
    public void OnnxMaxPoolWithArgmaxColumnMajor()
    {
        var r = Run("MaxPool", 12, [Ramp(1, 1, 5, 5)], 2, Ints("kernel_shape", 2, 2), Int("storage_order", 1), Ints("strides", 2, 2));
        AssertExact([7, 9, 17, 19], r[0]);
        Assert.Equal([6L, 16, 8, 18], r[1].Longs);
    }

    // Small versions of test_maxpool_2d_same_lower / _same_upper (whose inputs are 32x32 random) worked by hand.
    private static readonly Tensor Scrambled = Image(new float[,] { { 5, 1, 3 }, { 2, 9, 4 }, { 8, 6, 7 } });

    [Fact]
    public void MaxPoolSameLowerPadsAtTheBeginning()
    {
        var y = Run("MaxPool", 12, [Scrambled], 1, Str("auto_pad", "SAME_LOWER"), Ints("kernel_shape", 2, 2))[0];
        AssertExact([5, 5, 3, 5, 9, 9, 8, 9, 9], y);
    }

    [Fact]
    public void MaxPoolSameUpperPadsAtTheEnd()
    {
        var y = Run("MaxPool", 12, [Scrambled], 1, Str("auto_pad", "SAME_UPPER"), Ints("kernel_shape", 2, 2))[0];
        AssertExact([9, 9, 4, 9, 9, 7, 8, 7, 7], y);
    }

    [Fact]
    public void AveragePoolSameLowerExcludesPadding()
    {
        var y = Run("AveragePool", 11, [Scrambled], 1, Str("auto_pad", "SAME_LOWER"), Ints("kernel_shape", 2, 2))[0];
        AssertClose([5, 3, 2, 3.5f, 4.25f, 4.25f, 5, 6.25f, 6.5f], y.Floats);
    }

    [Fact]
    public void AveragePoolCountIncludePad()
    {
        // Small version of test_averagepool_2d_pads_count_include_pad: 3x3 kernel, pads 1, corner holds 1+2+4+5.
        var x = Ramp(1, 1, 3, 3);
        var include = Run("AveragePool", 11, [x], 1, Int("count_include_pad", 1), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1))[0];
        AssertClose([12 / 9f, 21 / 9f, 16 / 9f, 27 / 9f, 45 / 9f, 33 / 9f, 24 / 9f, 39 / 9f, 28 / 9f], include.Floats);
        var exclude = Run("AveragePool", 11, [x], 1, Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1))[0];
        AssertClose([3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7], exclude.Floats);
    }

    [Fact]
    public void CeilModeOverhangIsNeverCountedAsPadding()
    {
        // n = 5, k = 2, s = 2, ceil: the third window is [4, 6); position 5 lies past the end padding (0).
        var x = F([1, 1, 5], 1, 2, 3, 4, 5);
        NodeAttribute[] attrs = [Ints("kernel_shape", 2), Ints("strides", 2), Int("ceil_mode", 1), Int("count_include_pad", 1)];
        AssertExact([1.5f, 3.5f, 5], Run("AveragePool", 11, [x], 1, attrs)[0]);
    }

    [Fact]
    public void CeilModeDropsAWindowThatWouldStartInTheEndPadding()
    {
        // n = 6, k = 2, s = 2, pads 0/1: ceil((6+1-2)/2)+1 = 4, but window 4 would start at 6 (in the end padding).
        var x = F([1, 1, 6], 1, 2, 3, 4, 5, 6);
        var y = Run("MaxPool", 12, [x], 1, Ints("kernel_shape", 2), Ints("strides", 2), Ints("pads", 0, 1), Int("ceil_mode", 1))[0];
        AssertShape([1, 1, 3], y);
        AssertExact([2, 4, 6], y);
    }

    [Fact]
    public void MaxPoolOnOtherElementTypes()
    {
        var u8 = Run("MaxPool", 12, [Tensor.Create<byte>([1, 1, 4], [0, 0, 200, 3])], 1, Ints("kernel_shape", 2))[0];
        Assert.Equal(DataType.UInt8, u8.Type);
        Assert.Equal([0, 200, 200], u8.As<byte>());
        var i8 = Run("MaxPool", 12, [Tensor.Create<sbyte>([1, 1, 3], [-128, -128, -5])], 1, Ints("kernel_shape", 2))[0];
        Assert.Equal([-128, -5], i8.As<sbyte>());
        var f64 = Run("MaxPool", 12, [Tensor.Create<double>([1, 1, 3], [0.5, -1, 2.25])], 1, Ints("kernel_shape", 2))[0];
        Assert.Equal([0.5, 2.25], f64.As<double>());
        var f16 = Run("MaxPool", 12, [Tensor.Create<Half>([1, 1, 2], [(Half)1.5f, (Half)(-3f)])], 1, Ints("kernel_shape", 2))[0];
        Assert.Equal([(Half)1.5f], f16.As<Half>());
    }

    [Fact]
    public void MaxPoolIndicesIncludeThePlaneOffset()
    {
        // N = 2, C = 2, planes of 2x3; the max of plane p sits at its (1, 2) in row-major, so index p*6 + 5.
        var x = Ramp(2, 2, 2, 3);
        var r = Run("MaxPool", 12, [x], 2, Ints("kernel_shape", 2, 3));
        Assert.Equal([5L, 11, 17, 23], r[1].Longs);
        var col = Run("MaxPool", 12, [x], 2, Ints("kernel_shape", 2, 3), Int("storage_order", 1));
        Assert.Equal([5L, 11, 17, 23], col[1].Longs); // (1,2) column-major in a 2x3 plane: 1 + 2*2 = 5 as well
        var ramp3 = Run("MaxPool", 12, [Ramp(1, 1, 3, 2)], 2, Ints("kernel_shape", 2, 1), Int("storage_order", 1));
        Assert.Equal([1L, 4, 2, 5], ramp3[1].Longs); // rows 1 and 2 of columns 0 and 1: h + 3*w
    }

    [Fact]
    public void PlannedMaxPoolRejectsAUsedIndicesOutputOnly()
    {
        var x = Ramp(1, 1, 4, 4);
        var used = Node("MaxPool", 1, 2, Ints("kernel_shape", 2, 2));
        var e = AssertNodeError(() => ArenaRunner.Run(used, 12, x));
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        var unused = Node("MaxPool", 1, 2, Ints("kernel_shape", 2, 2));
        unused.Outputs = ["y0", ""];
        AssertExact([6, 7, 8, 10, 11, 12, 14, 15, 16], ArenaRunner.Run(unused, 12, x)[0]);
    }

    [Fact]
    public void GlobalPools()
    {
        var x = F([1, 2, 2, 2], 1, 2, 3, 4, -1, -5, -3, -2);
        var avg = Run1("GlobalAveragePool", [x]);
        AssertShape([1, 2, 1, 1], avg);
        AssertExact([2.5f, -2.75f], avg);
        AssertExact([4, -1], Run1("GlobalMaxPool", [x]));
        var x3 = Ramp(2, 1, 2, 2, 2);
        AssertShape([2, 1, 1, 1, 1], Run1("GlobalMaxPool", [x3]));
        AssertExact([4.5f, 12.5f], ArenaRunner.Run(Node("GlobalAveragePool", 1), 13, x3)[0]);
    }
}
