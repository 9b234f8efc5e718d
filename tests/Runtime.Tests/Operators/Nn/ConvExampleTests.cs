using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>The worked convolution examples from the course notes, which must come out exactly.</summary>
public class ConvExampleTests
{
    private static Tensor Conv(Tensor x, Tensor w, Tensor? b = null, params Cnnrt.Graph.NodeAttribute[] attrs) =>
        Run1("Conv", b is null ? [x, w] : [x, w, b], attrs);

    private static readonly float[,] I5 =
        { { 1, 0, 0, 1, 2 }, { 0, 0, 0, 3, 0 }, { 0, 1, 2, 1, 1 }, { 1, 1, 3, 0, 0 }, { 3, 0, 0, 0, 1 } };
    private static readonly float[,] K3 = { { 0, 0, 1 }, { 0, 2, 0 }, { 1, 1, 0 } };

    [Fact]
    public void Valid5x5()
    {
        var y = Conv(Image(I5), Image(K3));
        AssertShape([1, 1, 3, 3], y);
        AssertExact(Flat(new float[,] { { 1, 4, 11 }, { 4, 11, 5 }, { 7, 7, 1 } }), y);
    }

    [Fact]
    public void Pads2Gives7x7()
    {
        var y = Conv(Image(I5), Image(K3), null, Ints("pads", 2, 2, 2, 2));
        AssertShape([1, 1, 7, 7], y);
        AssertExact(Flat(new float[,]
        {
            { 0, 1, 1, 0, 1, 3, 2 }, { 0, 2, 0, 0, 5, 7, 0 }, { 1, 0, 1, 4, 11, 2, 1 }, { 0, 1, 4, 11, 5, 2, 0 },
            { 0, 6, 7, 7, 1, 1, 1 }, { 1, 7, 3, 0, 0, 2, 0 }, { 3, 0, 0, 0, 1, 0, 0 },
        }), y);
    }

    private static float[,] Rows(int count, params float[] row)
    {
        var r = new float[count, row.Length];
        for (int i = 0; i < count; i++) for (int j = 0; j < row.Length; j++) r[i, j] = row[j];
        return r;
    }

    [Fact]
    public void VerticalEdgeDetector()
    {
        var k = Image(Rows(3, 1, 0, -1));
        AssertExact(Flat(Rows(4, 0, 30, 30, 0)), Conv(Image(Rows(6, 10, 10, 10, 0, 0, 0)), k));
        AssertExact(Flat(Rows(4, 0, -30, -30, 0)), Conv(Image(Rows(6, 0, 0, 0, 10, 10, 10)), k));
    }

    [Fact]
    public void HorizontalEdgeDetector()
    {
        var x = new float[6, 6];
        for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            x[i, j] = i < 3 ? (j < 3 ? 10 : 0) : (j < 3 ? 0 : 10);
        var y = Conv(Image(x), Image(new float[,] { { 1, 1, 1 }, { 0, 0, 0 }, { -1, -1, -1 } }));
        AssertExact(Flat(new float[,] { { 0, 0, 0, 0 }, { 30, 10, -10, -30 }, { 30, 10, -10, -30 }, { 0, 0, 0, 0 } }), y);
    }

    private static readonly float[,] I7 =
    {
        { 2, 3, 7, 4, 6, 2, 9 }, { 6, 6, 9, 8, 7, 4, 3 }, { 3, 4, 8, 3, 8, 9, 7 }, { 7, 8, 3, 6, 6, 3, 4 },
        { 4, 2, 1, 8, 3, 4, 6 }, { 3, 2, 4, 1, 9, 8, 3 }, { 0, 1, 3, 9, 2, 1, 4 },
    };

    [Fact]
    public void Stride2()
    {
        var y = Conv(Image(I7), Image(new float[,] { { 3, 4, 4 }, { 1, 0, 2 }, { -1, 0, 3 } }), null, Ints("strides", 2, 2));
        AssertShape([1, 1, 3, 3], y);
        AssertExact(Flat(new float[,] { { 91, 100, 88 }, { 69, 91, 117 }, { 44, 72, 74 } }), y);
    }

    [Fact]
    public void Stride3FloorsTo2x2()
    {
        var k = new float[,] { { 3, 4, 4 }, { 1, 0, 2 }, { -1, 0, 3 } };
        var y = Conv(Image(I7), Image(k), null, Ints("strides", 3, 3));
        AssertShape([1, 1, 2, 2], y);
        // Windows at rows/cols 0 and 3; the stride-2 results at (0,0) and the one at offset 3 computed by hand.
        float At(int r, int c)
        {
            float s = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) s += I7[r + i, c + j] * k[i, j];
            return s;
        }
        AssertExact([At(0, 0), At(0, 3), At(3, 0), At(3, 3)], y);
        Assert.Equal(91f, y.Floats[0]);
    }

    private static readonly float[,] Binary6 =
    {
        { 1, 0, 0, 0, 0, 1 }, { 0, 1, 0, 0, 1, 0 }, { 0, 0, 1, 1, 0, 0 }, { 1, 0, 0, 0, 1, 0 }, { 0, 1, 0, 0, 1, 0 }, { 0, 0, 1, 0, 1, 0 },
    };
    private static readonly float[,] Filter1 = { { 1, -1, -1 }, { -1, 1, -1 }, { -1, -1, 1 } };
    private static readonly float[,] Filter2 = { { -1, 1, -1 }, { -1, 1, -1 }, { -1, 1, -1 } };
    private static readonly float[,] Filter1Out = { { 3, -1, -3, -1 }, { -3, 1, 0, -3 }, { -3, -3, 0, 1 }, { 3, -2, -2, -1 } };
    private static readonly float[,] Filter2Out = { { -1, -1, -1, -1 }, { -1, -1, -2, 1 }, { -1, -1, -2, 1 }, { -1, 0, -4, 3 } };

    [Fact]
    public void BinaryImageFilters()
    {
        AssertExact(Flat(Filter1Out), Conv(Image(Binary6), Image(Filter1)));
        AssertExact(Flat(new float[,] { { 3, -3 }, { -3, 0 } }), Conv(Image(Binary6), Image(Filter1), null, Ints("strides", 2, 2)));
        AssertExact(Flat(Filter2Out), Conv(Image(Binary6), Image(Filter2)));
    }

    [Fact]
    public void TwoFiltersAsOneConv()
    {
        var w = F([2, 1, 3, 3], [.. Flat(Filter1), .. Flat(Filter2)]);
        var y = Conv(Image(Binary6), w);
        AssertShape([1, 2, 4, 4], y);
        AssertExact([.. Flat(Filter1Out), .. Flat(Filter2Out)], y);
    }

    [Fact]
    public void XFilter()
    {
        var x = new float[,] { { 1, 1, 1, 0, 0 }, { 0, 1, 1, 1, 0 }, { 0, 0, 1, 1, 1 }, { 0, 0, 1, 1, 0 }, { 0, 1, 1, 0, 0 } };
        var y = Conv(Image(x), Image(new float[,] { { 1, 0, 1 }, { 0, 1, 0 }, { 1, 0, 1 } }));
        AssertExact(Flat(new float[,] { { 4, 3, 4 }, { 2, 4, 3 }, { 2, 3, 4 } }), y);
    }

    private static readonly Tensor Signal = F([1, 1, 10], 0, 0, 1, 1, 1, 0, 1, 0, 0, 0);
    private static readonly Tensor Filter1D = F([1, 1, 3], -1, 1, -1);

    [Fact]
    public void OneDimensional()
    {
        var y = Conv(Signal, Filter1D);
        AssertShape([1, 1, 8], y);
        AssertExact([-1, 0, -1, 0, -2, 1, -1, 0], y);
    }

    [Fact]
    public void OneDimensionalFusedRelu()
    {
        var relu = Fused(new FusedActivation(ActivationKind.Relu));
        AssertExact([0, 0, 0, 0, 0, 1, 0, 0], Conv(Signal, Filter1D, null, relu));
        AssertExact([0, 1, 0, 1, 0, 2, 0, 1], Conv(Signal, Filter1D, F([1], 1), relu));
    }

    private static readonly float[,] Pattern = { { 1, 0, 1, 0, 0 }, { 1, 0, 1, 0, 1 }, { 1, 1, 1, 0, 0 }, { 1, 0, 1, 0, 1 }, { 1, 0, 1, 0, 1 } };
    private static readonly float[,] Surround = { { -1, -1, -1 }, { -1, 1, -1 }, { -1, -1, -1 } };

    [Fact]
    public void SurroundFilter()
    {
        AssertExact(Flat(new float[,] { { -7, -2, -4 }, { -5, -2, -5 }, { -7, -2, -5 } }), Conv(Image(Pattern), Image(Surround)));
        var padded = Conv(Image(Pattern), Image(Surround), null, Ints("pads", 1, 1, 1, 1));
        AssertExact(Flat(new float[,]
        {
            { 0, -4, 0, -3, -1 }, { -2, -7, -2, -4, 1 }, { -2, -5, -2, -5, -2 }, { -2, -7, -2, -5, 0 }, { 0, -4, 0, -4, 0 },
        }), padded);
    }

    [Fact]
    public void SurroundFilterWithRelu()
    {
        var relu = Fused(new FusedActivation(ActivationKind.Relu));
        var y = Conv(Image(Pattern), Image(Surround), null, relu.With(Ints("pads", 1, 1, 1, 1)));
        var expected = new float[25];
        expected[1 * 5 + 4] = 1;
        AssertExact(expected, y);

        var biased = Conv(Image(Pattern), Image(Surround), F([1], 2), relu.With(Ints("pads", 1, 1, 1, 1)));
        AssertExact(Flat(new float[,] { { 2, 0, 2, 0, 1 }, { 0, 0, 0, 0, 3 }, { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 2 }, { 2, 0, 2, 0, 2 } }), biased);
    }

    [Fact]
    public void OtherFusedActivations()
    {
        var x = F([1, 1, 4], -2, -1, 1, 2);
        var w = F([1, 1, 1], 3);
        AssertExact([-1.5f, -0.75f, 3, 6], Conv(x, w, null, Fused(new FusedActivation(ActivationKind.LeakyRelu, 0.25f))));
        AssertExact([0, 0, 3, 4], Conv(x, w, null, Fused(new FusedActivation(ActivationKind.Clip, 0, 4))));
        AssertClose([1 / (1 + MathF.Exp(3))], Conv(F([1, 1, 1], -1), w, null, Fused(new FusedActivation(ActivationKind.Sigmoid))).Floats);
    }
}
