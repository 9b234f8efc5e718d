using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Malformed Conv and pool nodes fail with a CnnrtException that names the node and the problem.</summary>
public class NnErrorTests
{
    private static readonly Tensor X = Random([1, 4, 5, 5], 1);

    private static void ConvFails(string fragment, ErrorKind kind, Tensor x, Tensor w, Tensor? b = null, params Cnnrt.Graph.NodeAttribute[] attrs)
    {
        var e = AssertNodeError(() => Run1("Conv", b is null ? [x, w] : [x, w, b], attrs), "conv_test");
        Assert.Contains(fragment, e.Message);
        Assert.Equal(kind, e.Kind);
    }

    [Fact]
    public void ConvChannelMismatch() => ConvFails("channels", ErrorKind.InvalidModel, X, Random([2, 3, 3, 3], 2));

    [Fact]
    public void ConvGroupMustDivideOutputChannels() =>
        ConvFails("not divisible by group", ErrorKind.InvalidModel, X, Random([3, 2, 3, 3], 2), null, Int("group", 2));

    [Fact]
    public void ConvWrongWeightRank() => ConvFails("rank", ErrorKind.InvalidModel, X, Random([2, 4, 3], 2));

    [Fact]
    public void ConvKernelLargerThanPaddedInput()
    {
        ConvFails("larger than the padded input", ErrorKind.InvalidModel, X, Random([2, 4, 7, 3], 2));
        ConvFails("larger than the padded input", ErrorKind.InvalidModel, X, Random([2, 4, 3, 3], 2), null, Ints("dilations", 1, 3));
        // Padding makes the same kernel fit.
        AssertShape([1, 2, 1, 3], Run1("Conv", [X, Random([2, 4, 7, 3], 2)], Ints("pads", 1, 0, 1, 0)));
    }

    [Fact]
    public void ConvBadAutoPad() =>
        ConvFails("auto_pad 'SAME'", ErrorKind.InvalidModel, X, Random([2, 4, 3, 3], 2), null, Str("auto_pad", "SAME"));

    [Fact]
    public void ConvKernelShapeMustMatchWeights() =>
        ConvFails("kernel_shape", ErrorKind.InvalidModel, X, Random([2, 4, 3, 3], 2), null, Ints("kernel_shape", 3, 2));

    [Fact]
    public void ConvBiasLength() =>
        ConvFails("bias", ErrorKind.InvalidModel, X, Random([2, 4, 3, 3], 2), Random([3], 3));

    [Fact]
    public void ConvAttributeLengthsAndValues()
    {
        var w = Random([2, 4, 3, 3], 2);
        ConvFails("'pads' has 2 values, expected 4", ErrorKind.InvalidModel, X, w, null, Ints("pads", 1, 1));
        ConvFails("'strides'", ErrorKind.InvalidModel, X, w, null, Ints("strides", 1, 1, 1));
        ConvFails("stride 0", ErrorKind.InvalidModel, X, w, null, Ints("strides", 0, 1));
        ConvFails("negative padding", ErrorKind.InvalidModel, X, w, null, Ints("pads", -1, 0, 0, 0));
        ConvFails("group 0", ErrorKind.InvalidModel, X, w, null, Int("group", 0));
    }

    [Fact]
    public void ConvOnlyUpTo3D() =>
        ConvFails("3-D", ErrorKind.Unsupported, Random([1, 1, 2, 2, 2, 2], 1), Random([1, 1, 1, 1, 1, 1], 2));

    [Fact]
    public void PoolErrors()
    {
        AssertNodeError(() => Run1("MaxPool", [X]), "maxpool_test");
        AssertNodeError(() => Run1("MaxPool", [X], Ints("kernel_shape", 2)), "maxpool_test");
        AssertNodeError(() => Run1("AveragePool", [X], Ints("kernel_shape", 6, 6)), "averagepool_test");
        AssertNodeError(() => Run1("AveragePool", [X], Ints("kernel_shape", 2, 2), Int("ceil_mode", 2)), "averagepool_test");
        AssertNodeError(() => Run1("MaxPool", [X], Ints("kernel_shape", 2, 2), Str("auto_pad", "same_upper")), "maxpool_test");
        var e = AssertNodeError(() => Run1("AveragePool", [Tensor.Create<byte>([1, 1, 2], [1, 2])], Ints("kernel_shape", 2)), "averagepool_test");
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        AssertNodeError(() => Run1("GlobalAveragePool", [Random([2, 3], 1)]), "globalaveragepool_test");
    }
}
