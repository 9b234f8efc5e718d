using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Vector;
using Xunit.Abstractions;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Kernels.F32Vector;

/// <summary>
/// Accuracy of the vector elementary functions against the correctly rounded result (the double-precision function
/// rounded to float), over a dense sweep of the whole float domain that matters: every 61st float (a prime stride, so
/// every mantissa residue is visited) from below the underflow threshold to past the overflow one, and the special
/// values. The bounds are the measured maxima, printed by each test.
/// </summary>
public class VectorMathAccuracyTests(ITestOutputHelper output)
{
    private const int Stride = 61;

    /// <summary>Every Stride-th float in [lo, hi] (ordered by value), as one array.</summary>
    private static float[] Sweep(float lo, float hi)
    {
        var values = new List<float>();
        for (long k = Ordered(lo); k <= Ordered(hi); k += Stride) values.Add(FromOrdered(k));
        return [.. values];
    }

    private static long Ordered(float f)
    {
        int bits = BitConverter.SingleToInt32Bits(f);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }

    private static float FromOrdered(long k) => k < 0 ? -BitConverter.Int32BitsToSingle((int)-k) : BitConverter.Int32BitsToSingle((int)k);

    private void AssertMaxUlps<TAct>(string name, TAct activation, Func<double, double> exact, float lo, float hi, int bound)
        where TAct : struct, IVectorActivation
    {
        var x = Sweep(lo, hi);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon,
            float.MaxValue, float.MinValue, 1e-30f, -1e-30f, 88.72283f, 88.72284f, -87.33654f, -103.97208f, -103.97209f];
        x = [.. x, .. specials.Where(v => !float.IsFinite(v) || (v >= lo && v <= hi))];
        var y = new float[x.Length];
        foreach (var isa in VectorKernelRunner.FastIsas)
        {
            VectorIsaApply.Apply(isa, x, y, activation);
            long worst = 0;
            float at = 0;
            for (int i = 0; i < x.Length; i++)
            {
                long d = UlpDistance((float)exact(x[i]), y[i]);
                if (d > worst) { worst = d; at = x[i]; }
            }
            output.WriteLine($"{name} on {isa}: max {worst} ulp (at {at:R}) over {x.Length} values in [{lo}, {hi}]");
            Assert.True(worst <= bound, $"{name} on {isa}: {worst} ulp at x = {at:R}, exact {(float)exact(at):R}");
        }
    }

    [Fact]
    public void ExpIsWithinOneUlp() => AssertMaxUlps("exp", new ExpActivation(), Math.Exp, -110f, 95f, 1);

    [Fact]
    public void SigmoidIsWithinThreeUlps() =>
        AssertMaxUlps("sigmoid", new SigmoidActivation(), x => 1 / (1 + Math.Exp(-x)), -110f, 110f, 3);

    /// <summary>
    /// Swish is x·sigmoid(x) in floats; below x ≈ −87 its result is subnormal, where the product of x and a subnormal
    /// sigmoid keeps only the bits that sigmoid had (up to all of them lost): the sweep stops at −80.
    /// </summary>
    [Fact]
    public void SwishIsWithinThreeUlps() =>
        AssertMaxUlps("swish", new SwishActivation(), x => x / (1 + Math.Exp(-x)), -80f, 110f, 3);

    [Fact]
    public void QuarterPowersByByteShuffleMatchTheTable()
    {
        // The lookup the 128-bit path takes where AVX's VPERMILPS is missing (ARM64's TBL): every index residue, with
        // the magic constant's bits above it as Pow2Quarters passes them, and negative k.
        var table = System.Runtime.Intrinsics.Vector128.Create(1f, 2f, 3f, 4f);
        for (int k = -9; k <= 9; k++)
        {
            var bits = System.Runtime.Intrinsics.Vector128.Create(0x4B400000 + k, 0x4B400000 + k + 1, 0x4B400000 + k + 2, 0x4B400000 + k + 3);
            var picked = F32Vector128.QuarterByShuffle(table, bits);
            for (int lane = 0; lane < 4; lane++)
                Assert.Equal(1 + ((k + lane) & 3), picked[lane]);
        }
    }

    [Fact]
    public void TanhIsWithinThreeUlps() => AssertMaxUlps("tanh", new TanhActivation(), Math.Tanh, -20f, 20f, 3);

    [Fact]
    public void EluIsWithinFourUlps() =>
        AssertMaxUlps("elu", new EluActivation(1f), x => x >= 0 ? x : ExpM1(x), -110f, 10f, 4);

    [Fact]
    public void SoftplusIsWithinFourUlps() =>
        AssertMaxUlps("softplus", new SoftplusActivation(), x => Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x))), -110f, 110f, 4);

    /// <summary>eˣ − 1 in double without cancellation (Taylor terms where the subtraction would lose digits).</summary>
    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

    /// <summary>ln(1 + e) in double, for 0 ≤ e ≤ 1 (series where 1 + e would round e away).</summary>
    private static double Log1P(double e) => e < 1e-5 ? e - e * e / 2 + e * e * e / 3 : Math.Log(1 + e);

    [Fact]
    public void EveryLengthMatchesTheFunctionElementByElement()
    {
        // The tail (a partial vector through a stack buffer) gives the same values as the full vectors.
        var rng = new Random(3);
        foreach (var isa in VectorKernelRunner.FastIsas)
            for (int n = 0; n <= 256; n++)
            {
                var x = new float[n + 2];
                for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 40 - 20);
                var y = new float[n + 2];
                y[n] = y[n + 1] = 12345f;
                VectorIsaApply.Apply(isa, x.AsSpan(0, n), y.AsSpan(0, n), new ExpActivation());
                Assert.Equal(12345f, y[n]);
                for (int i = 0; i < n; i++)
                {
                    var one = new float[1];
                    VectorIsaApply.Apply(isa, x.AsSpan(i, 1), one, new ExpActivation());
                    Assert.Equal(one[0], y[i]);
                    AssertUlps(MathF.Exp(x[i]), y[i], 1, $"exp on {isa}, length {n}, x[{i}] = {x[i]:R}");
                }
            }
    }
}
