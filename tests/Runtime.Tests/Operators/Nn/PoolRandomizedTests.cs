using Cnnrt.Graph;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>
/// MaxPool and AveragePool against a naive implementation written here from the ONNX/PyTorch text: sizes with the
/// ceil-mode rule, then every tap of every window visited with explicit bounds checks.
/// </summary>
public class PoolRandomizedTests
{
    private sealed record Case(bool Max, int N, int C, int[] In, int[] Kernel, int[] Stride, int[] Dilation, int[] PadBegin,
        int[] PadEnd, string AutoPad, bool Ceil, bool IncludePad);

    private static Case Generate(Random rng)
    {
        int rank = rng.Next(1, 4);
        string autoPad = rng.Next(5) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        var k = new int[rank]; var s = new int[rank]; var d = new int[rank]; var pb = new int[rank]; var pe = new int[rank];
        var n = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            k[a] = rng.Next(1, 5); s[a] = rng.Next(1, 4); d[a] = rng.Next(1, 4);
            // Padding smaller than the window, as PyTorch requires, so no window is all padding.
            pb[a] = autoPad == "NOTSET" ? rng.Next(0, k[a]) : 0;
            pe[a] = autoPad == "NOTSET" ? rng.Next(0, k[a]) : 0;
            int dk = d[a] * (k[a] - 1) + 1;
            int min = autoPad is "SAME_UPPER" or "SAME_LOWER" ? 1 : Math.Max(1, dk - pb[a] - pe[a]);
            n[a] = rng.Next(min, min + (rank == 3 ? 5 : 9));
        }
        return new Case(rng.Next(2) == 0, rng.Next(1, 3), rng.Next(1, 4), n, k, s, d, pb, pe, autoPad,
            rng.Next(2) == 0, rng.Next(2) == 0);
    }

    private static (int Out, int PadBegin, int PadEnd) Axis(Case c, int a)
    {
        int n = c.In[a], k = c.Kernel[a], s = c.Stride[a], d = c.Dilation[a], dk = (k - 1) * d + 1;
        if (c.AutoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int o = (n + s - 1) / s;
            int total = Math.Max(0, (o - 1) * s + dk - n);
            int begin = c.AutoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
            return (o, begin, total - begin);
        }
        int pb = c.AutoPad == "VALID" ? 0 : c.PadBegin[a], pe = c.AutoPad == "VALID" ? 0 : c.PadEnd[a];
        double exact = (double)(n + pb + pe - dk) / s + 1;
        int outSize = c.Ceil && c.AutoPad == "NOTSET" ? (int)Math.Ceiling(exact) : (int)Math.Floor(exact);
        if (c.Ceil && c.AutoPad == "NOTSET" && (outSize - 1) * s >= n + pb) outSize--;
        return (outSize, pb, pe);
    }

    private static float[] Naive(Case c, float[] x, out int[] shape)
    {
        int rank = c.In.Length;
        var axes = Enumerable.Range(0, rank).Select(a => Axis(c, a)).ToArray();
        int inPlane = c.In.Aggregate(1, (p, v) => p * v);
        int outPlane = axes.Aggregate(1, (p, v) => p * v.Out);
        var y = new float[c.N * c.C * outPlane];
        var outCoord = new int[rank];
        var tap = new int[rank];
        for (int plane = 0; plane < c.N * c.C; plane++)
        for (int o = 0; o < outPlane; o++)
        {
            for (int a = rank - 1, r = o; a >= 0; a--) { outCoord[a] = r % axes[a].Out; r /= axes[a].Out; }
            float best = float.MinValue, sum = 0;
            int valid = 0, padded = 0;
            int taps = c.Kernel.Aggregate(1, (p, v) => p * v);
            for (int t = 0; t < taps; t++)
            {
                for (int a = rank - 1, r = t; a >= 0; a--) { tap[a] = r % c.Kernel[a]; r /= c.Kernel[a]; }
                bool inside = true, inPadded = true;
                int offset = 0;
                for (int a = 0; a < rank; a++)
                {
                    int pos = outCoord[a] * c.Stride[a] - axes[a].PadBegin + tap[a] * c.Dilation[a];
                    if (pos < 0 || pos >= c.In[a]) inside = false;
                    if (pos < -axes[a].PadBegin || pos >= c.In[a] + axes[a].PadEnd) inPadded = false;
                    offset = offset * c.In[a] + pos;
                }
                if (inPadded) padded++;
                if (!inside) continue;
                float v = x[plane * inPlane + offset];
                valid++;
                sum += v;
                best = Math.Max(best, v);
            }
            y[plane * outPlane + o] = c.Max ? best : sum / (c.IncludePad ? padded : valid);
        }
        shape = [c.N, c.C, .. axes.Select(a => a.Out)];
        return y;
    }

    private static Node NodeFor(Case c)
    {
        var attrs = new List<NodeAttribute>
        {
            Ints("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()), Ints("strides", c.Stride.Select(v => (long)v).ToArray()),
            Ints("dilations", c.Dilation.Select(v => (long)v).ToArray()), Int("ceil_mode", c.Ceil ? 1 : 0),
        };
        if (c.AutoPad == "NOTSET") attrs.Add(Ints("pads", [.. c.PadBegin.Select(v => (long)v), .. c.PadEnd.Select(v => (long)v)]));
        else attrs.Add(Str("auto_pad", c.AutoPad));
        if (!c.Max) attrs.Add(Int("count_include_pad", c.IncludePad ? 1 : 0));
        return Node(c.Max ? "MaxPool" : "AveragePool", 1, 1, [.. attrs]);
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 300).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesNaivePooling(int seed)
    {
        var c = Generate(new Random(seed));
        var x = Random([c.N, c.C, .. c.In], seed + 1000);
        var expected = Naive(c, x.Floats, out var shape);
        var y = Eval(NodeFor(c), 19, x)[0];
        AssertShape(shape, y);
        AssertClose(expected, y.Floats, 1e-5f, 1e-6f);
        // NaN-aware: an average over a dilated window with no tap inside the input is 0/0 in both.
        AssertClose(y.Floats, ArenaRunner.Run(NodeFor(c), 19, x)[0].Floats, 0, 0);
    }
}
