using Cnnrt.Kernels.Reference;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Output sizes and resolved padding (the course notes' shape exercises), through PaddingMath and whole operators.</summary>
public class PaddingMathTests
{
    private static SpatialAxis Axis(int n, int k, int p, int s, AutoPad autoPad = AutoPad.NotSet, int d = 1, bool ceil = false) =>
        PaddingMath.Resolve([n], [k], [s], [d], [p, p], autoPad, ceil, "test").Axes[0];

    [Theory]
    [InlineData(6, 3, 1, 2, 3)]
    [InlineData(6, 3, 0, 1, 4)]
    [InlineData(7, 3, 0, 1, 5)]
    [InlineData(7, 3, 0, 2, 3)]
    [InlineData(7, 3, 1, 1, 7)]
    [InlineData(32, 5, 2, 1, 32)]
    [InlineData(7, 3, 0, 3, 2)]
    public void OutputSize(int n, int k, int p, int s, int expected) => Assert.Equal(expected, Axis(n, k, p, s).Output);

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    public void SameUpperAtStride1PadsHalfTheKernelPerSide(int k, int pad)
    {
        var a = Axis(10, k, 0, 1, AutoPad.SameUpper);
        Assert.Equal((pad, pad, 10), (a.PadBegin, a.PadEnd, a.Output));
    }

    [Fact]
    public void SameSplitsAnOddTotal()
    {
        // n = 5, k = 3, s = 2 → out 3, total (3-1)*2 + 3 - 5 = 2; n = 6, k = 3, s = 2 → out 3, total 1.
        Assert.Equal((1, 1), (Axis(5, 3, 0, 2, AutoPad.SameLower).PadBegin, Axis(5, 3, 0, 2, AutoPad.SameLower).PadEnd));
        var upper = Axis(6, 3, 0, 2, AutoPad.SameUpper);
        var lower = Axis(6, 3, 0, 2, AutoPad.SameLower);
        Assert.Equal((0, 1, 3), (upper.PadBegin, upper.PadEnd, upper.Output));
        Assert.Equal((1, 0, 3), (lower.PadBegin, lower.PadEnd, lower.Output));
        // With dilation the window is d(k-1)+1 wide: n = 10, k = 3, d = 2 → total 4.
        var dilated = Axis(10, 3, 0, 1, AutoPad.SameUpper, d: 2);
        Assert.Equal((2, 2, 10), (dilated.PadBegin, dilated.PadEnd, dilated.Output));
    }

    [Fact]
    public void ValidIgnoresPadsAndCeilMode()
    {
        var a = PaddingMath.Resolve([7], [2], [2], [1], [3, 3], AutoPad.Valid, true, "test").Axes[0];
        Assert.Equal((0, 0, 3), (a.PadBegin, a.PadEnd, a.Output));
    }

    [Fact]
    public void DescribesPerSidePadding()
    {
        var p = PaddingMath.Resolve([5, 6], [3, 3], [2, 2], [1, 1], [0, 0, 0, 0], AutoPad.SameUpper, false, "test");
        Assert.Equal("kernel 3x3 stride 2x2 dilation 1x1 pads [1,0|1,1] out 3x3", p.ToString());
        Assert.Equal([1, 0, 1, 1], p.Pads());
    }

    [Fact]
    public void ConvThenPoolShapes()
    {
        var x = Random([1, 3, 32, 32], 1);
        var conv = Run1("Conv", [x, Random([5, 3, 3, 3], 2)]);
        AssertShape([1, 5, 30, 30], conv);
        AssertShape([1, 5, 15, 15], Run1("MaxPool", [conv], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        AssertShape([1, 10, 32, 32], Run1("Conv", [x, Random([10, 3, 5, 5], 3)], Ints("pads", 2, 2, 2, 2)));
    }

    [Fact]
    public void ConvOperatorReportsItsWindow()
    {
        var node = Node("Conv", 2, 1, Str("auto_pad", "SAME_LOWER"), Ints("strides", 2, 2));
        var op = (Cnnrt.Operators.Nn.IWindowedOperator)Cnnrt.Operators.OperatorRegistry.Create(node, 13);
        var p = op.ResolveWindow([new(Cnnrt.Tensors.DataType.Float, [1, 1, 6, 6]), new(Cnnrt.Tensors.DataType.Float, [1, 1, 3, 3])]);
        Assert.Equal([1, 1, 0, 0], p.Pads());
        Assert.Equal([3, 3], p.OutputDims());
    }
}
