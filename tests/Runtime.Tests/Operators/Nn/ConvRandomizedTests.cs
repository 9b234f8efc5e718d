using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>
/// Conv against a second, deliberately naive implementation written from the formula in this file: output sizes and
/// padding computed here from the ONNX text, then a direct sum over every tap with explicit bounds checks.
/// </summary>
public class ConvRandomizedTests
{
    /// <summary>One random convolution problem, lifted to 3 spatial axes (leading axes of size 1) for the oracle.</summary>
    private sealed record Case(int Rank, int N, int C, int M, int Group, int[] In, int[] Kernel, int[] Stride, int[] Dilation,
        int[] PadBegin, int[] PadEnd, string AutoPad, bool Bias, bool KernelAttr, ActivationKind Activation);

    private static Case Generate(Random rng)
    {
        int rank = rng.Next(1, 4);
        int groupIn = rng.Next(1, 4), groupOut = rng.Next(1, 4);
        int group = rng.Next(4) switch { 0 => 1, 1 => 2, 2 => 3, _ => 0 }; // 0: depthwise
        if (group == 0) { groupIn = 1; group = rng.Next(1, 5); }
        string autoPad = rng.Next(5) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        int maxSide = rank == 3 ? 7 : rank == 2 ? 11 : 17;
        var inDims = new int[rank];
        var k = new int[rank]; var s = new int[rank]; var d = new int[rank]; var pb = new int[rank]; var pe = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            k[a] = rng.Next(1, 5); s[a] = rng.Next(1, 4); d[a] = rng.Next(1, 4);
            pb[a] = autoPad == "NOTSET" ? rng.Next(0, 3) : 0;
            pe[a] = autoPad == "NOTSET" ? rng.Next(0, 3) : 0;
            int dk = d[a] * (k[a] - 1) + 1;
            int min = Math.Max(1, dk - pb[a] - pe[a]);
            if (autoPad is "SAME_UPPER" or "SAME_LOWER") min = 1;
            inDims[a] = rng.Next(min, Math.Max(min, maxSide) + 3);
        }
        return new Case(rank, rng.Next(1, 3), groupIn * group, groupOut * group, group, inDims, k, s, d, pb, pe, autoPad,
            rng.Next(2) == 0, rng.Next(2) == 0, rng.Next(3) == 0 ? ActivationKind.Relu : ActivationKind.None);
    }

    /// <summary>Output size and begin padding of one axis, from the ONNX Conv text.</summary>
    private static (int Out, int PadBegin) Axis(Case c, int a)
    {
        int n = c.In[a], k = c.Kernel[a], s = c.Stride[a], d = c.Dilation[a];
        switch (c.AutoPad)
        {
            case "VALID":
                return ((int)Math.Ceiling((n - ((k - 1) * d + 1) + 1) / (double)s), 0);
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                int o = (int)Math.Ceiling(n / (double)s);
                int total = Math.Max(0, (o - 1) * s + ((k - 1) * d + 1) - n);
                return (o, c.AutoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2);
            }
            default:
                return ((int)Math.Floor((n + c.PadBegin[a] + c.PadEnd[a] - d * (k - 1) - 1) / (double)s) + 1, c.PadBegin[a]);
        }
    }

    private static float[] Naive(Case c, float[] x, float[] w, float[]? b, out int[] outShape)
    {
        // Lift to 3 spatial axes: index 0..2 = D, H, W.
        int lift = 3 - c.Rank;
        var inD = new int[3]; var k = new int[3]; var s = new int[3]; var d = new int[3]; var pb = new int[3]; var o = new int[3];
        for (int a = 0; a < 3; a++)
        {
            if (a < lift) { inD[a] = 1; k[a] = 1; s[a] = 1; d[a] = 1; pb[a] = 0; o[a] = 1; continue; }
            int j = a - lift;
            inD[a] = c.In[j]; k[a] = c.Kernel[j]; s[a] = c.Stride[j]; d[a] = c.Dilation[j];
            (o[a], pb[a]) = Axis(c, j);
        }
        int cg = c.C / c.Group, mg = c.M / c.Group;
        var y = new float[c.N * c.M * o[0] * o[1] * o[2]];
        for (int n = 0; n < c.N; n++)
        for (int m = 0; m < c.M; m++)
        for (int od = 0; od < o[0]; od++)
        for (int oh = 0; oh < o[1]; oh++)
        for (int ow = 0; ow < o[2]; ow++)
        {
            double sum = b?[m] ?? 0;
            int g = m / mg;
            for (int ci = 0; ci < cg; ci++)
            for (int kd = 0; kd < k[0]; kd++)
            for (int kh = 0; kh < k[1]; kh++)
            for (int kw = 0; kw < k[2]; kw++)
            {
                int id = od * s[0] - pb[0] + kd * d[0];
                int ih = oh * s[1] - pb[1] + kh * d[1];
                int iw = ow * s[2] - pb[2] + kw * d[2];
                if (id < 0 || id >= inD[0] || ih < 0 || ih >= inD[1] || iw < 0 || iw >= inD[2]) continue;
                int channel = g * cg + ci;
                float xv = x[(((n * c.C + channel) * inD[0] + id) * inD[1] + ih) * inD[2] + iw];
                float wv = w[(((m * cg + ci) * k[0] + kd) * k[1] + kh) * k[2] + kw];
                sum += xv * wv;
            }
            float v = (float)sum;
            if (c.Activation == ActivationKind.Relu) v = Math.Max(v, 0);
            y[(((n * c.M + m) * o[0] + od) * o[1] + oh) * o[2] + ow] = v;
        }
        outShape = [c.N, c.M, .. o[lift..]];
        return y;
    }

    private static Node NodeFor(Case c)
    {
        var attrs = new List<NodeAttribute> { Ints("strides", c.Stride.Select(v => (long)v).ToArray()),
            Ints("dilations", c.Dilation.Select(v => (long)v).ToArray()), Int("group", c.Group) };
        if (c.AutoPad == "NOTSET") attrs.Add(Ints("pads", [.. c.PadBegin.Select(v => (long)v), .. c.PadEnd.Select(v => (long)v)]));
        else attrs.Add(Str("auto_pad", c.AutoPad));
        if (c.KernelAttr) attrs.Add(Ints("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()));
        if (c.Activation != ActivationKind.None) attrs.AddRange(Fused(new FusedActivation(c.Activation)));
        return Node("Conv", c.Bias ? 3 : 2, 1, [.. attrs]);
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 300).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesNaiveConvolution(int seed)
    {
        var rng = new Random(seed);
        var c = Generate(rng);
        var x = Random([c.N, c.C, .. c.In], seed * 3 + 1);
        var w = Random([c.M, c.C / c.Group, .. c.Kernel], seed * 3 + 2);
        var b = c.Bias ? Random([c.M], seed * 3 + 3) : null;
        var expected = Naive(c, x.Floats, w.Floats, b?.Floats, out var shape);

        var viaEvaluate = Eval(NodeFor(c), 13, b is null ? [x, w] : [x, w, b])[0];
        AssertShape(shape, viaEvaluate);
        AssertClose(expected, viaEvaluate.Floats, 1e-5f, 1e-5f);

        var viaArena = ArenaRunner.Run(NodeFor(c), 13, b is null ? [x, w] : [x, w, b])[0];
        AssertExact(viaEvaluate.Floats, viaArena);
    }

    [Fact]
    public void SameUpperPutsTheOddUnitAtTheEndAndSameLowerAtTheBeginning()
    {
        // n = 4, k = 2, s = 1: total padding 1. Ones-kernel sums make the side visible.
        var x = F([1, 1, 4], 1, 2, 3, 4);
        var w = F([1, 1, 2], 1, 1);
        AssertExact([3, 5, 7, 4], Run1("Conv", [x, w], Str("auto_pad", "SAME_UPPER")));
        AssertExact([1, 3, 5, 7], Run1("Conv", [x, w], Str("auto_pad", "SAME_LOWER")));
    }

    [Fact]
    public void DepthwiseConvolutionFiltersEachChannelAlone()
    {
        var x = F([1, 3, 3], 1, 2, 3, 10, 20, 30, 100, 200, 300);
        var w = F([3, 1, 2], 1, 1, 1, -1, 0, 2);
        var y = Run1("Conv", [x, w], Int("group", 3));
        AssertShape([1, 3, 2], y);
        AssertExact([3, 5, -10, -10, 400, 600], y);
    }

    [Fact]
    public void DilatedKernelSkipsInputs()
    {
        var x = F([1, 1, 7], 1, 2, 3, 4, 5, 6, 7);
        var y = Run1("Conv", [x, F([1, 1, 3], 1, 10, 100)], Ints("dilations", 3));
        AssertExact([1 + 40 + 700], y);
    }
}
