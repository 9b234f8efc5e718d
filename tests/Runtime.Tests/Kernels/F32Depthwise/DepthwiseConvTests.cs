using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Kernels.F32Depthwise;

/// <summary>
/// The depthwise convolution kernel on every vector path against the reference step: random shapes (widths 1..37,
/// some up to 70 so that stride-1 rows wide enough for the row kernel occur beside the channel-block kernel's cases,
/// channels 1..33, batch 1..2, 1-D and 2-D), kernels 1..7 (mostly 3 and 5, some non-square), strides 1..3,
/// dilations 1..2, every padding form (explicit asymmetric, SAME_UPPER/LOWER, VALID), with and without bias, each
/// fused activation. A second set of wide 2-D planes (rows of 16..80 inputs, widths 3 and 5 at strides 1 and 2 beside
/// others) exercises the channel blocks streamed by rows and their register-sharing row kernels.
/// </summary>
public class DepthwiseConvTests
{
    private sealed record Case(int N, int C, int[] In, int[] Kernel, int[] Stride, int[] Dilation, int[] Pads, string AutoPad,
        bool Bias, FusedActivation Activation)
    {
        public override string ToString() =>
            $"N={N} C={C} in [{string.Join(",", In)}] kernel [{string.Join(",", Kernel)}] stride [{string.Join(",", Stride)}] " +
            $"dilation [{string.Join(",", Dilation)}] {(AutoPad == "NOTSET" ? $"pads [{string.Join(",", Pads)}]" : AutoPad)} " +
            $"bias {Bias} {Activation}";
    }

    private static readonly FusedActivation[] Activations =
    [
        FusedActivation.None, new(ActivationKind.Relu), new(ActivationKind.LeakyRelu, 0.1f), new(ActivationKind.Clip, 0f, 6f),
        new(ActivationKind.Sigmoid), new(ActivationKind.HardSigmoid, 0.2f, 0.5f), new(ActivationKind.HardSwish),
        new(ActivationKind.Tanh), new(ActivationKind.Swish), new(ActivationKind.HardSigmoidGate, 0.2f, 0.5f),
    ];

    private static Case Generate(int seed)
    {
        var rng = new Random(seed);
        int rank = rng.Next(5) == 0 ? 1 : 2;
        string autoPad = rng.Next(6) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        int square = new[] { 1, 2, 3, 3, 3, 5, 5, 7 }[rng.Next(8)];
        var k = new int[rank]; var s = new int[rank]; var d = new int[rank]; var inDims = new int[rank];
        var pads = new int[2 * rank];
        for (int a = 0; a < rank; a++)
        {
            k[a] = rng.Next(5) == 0 ? rng.Next(1, 6) : square;
            s[a] = new[] { 1, 1, 2, 2, 3 }[rng.Next(5)];
            d[a] = rng.Next(4) == 0 ? 2 : 1;
            if (autoPad == "NOTSET") { pads[a] = rng.Next(k[a]); pads[a + rank] = rng.Next(k[a]); }
            int dk = d[a] * (k[a] - 1) + 1;
            int min = autoPad is "SAME_UPPER" or "SAME_LOWER" ? 1 : Math.Max(1, dk - pads[a] - pads[a + rank]);
            int max = a == rank - 1 ? (rng.Next(3) == 0 ? 70 : 37) : 19;
            inDims[a] = rng.Next(min, Math.Max(min, max) + 1);
        }
        return new Case(rng.Next(1, 3), rng.Next(1, 34), inDims, k, s, d, pads, autoPad, rng.Next(2) == 0,
            Activations[rng.Next(Activations.Length)]);
    }

    /// <summary>
    /// 2-D planes with rows of 16 to 80 inputs (wide enough to stream by rows on every path), mostly the shapes the
    /// row kernels cover (kernel width 3 or 5, stride 1 or 2, no horizontal dilation), any kernel height, vertical
    /// stride and dilation (the ring of rows wraps), and some other widths and dilations (the general kernel by rows).
    /// </summary>
    private static Case GenerateWide(int seed)
    {
        var rng = new Random(seed + 100_000);
        string autoPad = rng.Next(5) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        bool covered = rng.Next(4) != 0;
        int kw = covered ? (rng.Next(2) == 0 ? 3 : 5) : rng.Next(1, 8);
        int kh = rng.Next(3) == 0 ? rng.Next(1, 6) : kw;
        int[] k = [kh, kw];
        int[] s = [new[] { 1, 2, 2, 3 }[rng.Next(4)], covered ? rng.Next(1, 3) : rng.Next(1, 4)];
        int[] d = [rng.Next(4) == 0 ? 2 : 1, covered ? 1 : rng.Next(1, 3)];
        var pads = new int[4];
        var inDims = new int[2];
        for (int a = 0; a < 2; a++)
        {
            if (autoPad == "NOTSET") { pads[a] = rng.Next(k[a]); pads[a + 2] = rng.Next(k[a]); }
            int dk = d[a] * (k[a] - 1) + 1;
            int min = a == 1 ? 16 : Math.Max(1, dk - (autoPad == "NOTSET" ? pads[a] + pads[a + 2] : 0));
            inDims[a] = a == 1 ? rng.Next(min, 81) : rng.Next(min, min + 12);
        }
        return new Case(rng.Next(1, 3), rng.Next(1, 34), inDims, k, s, d, pads, autoPad, rng.Next(2) == 0,
            Activations[rng.Next(Activations.Length)]);
    }

    private static Node NodeFor(Case c)
    {
        var attrs = new List<NodeAttribute>
        {
            Ints("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()), Ints("strides", c.Stride.Select(v => (long)v).ToArray()),
            Ints("dilations", c.Dilation.Select(v => (long)v).ToArray()), Int("group", c.C),
        };
        if (c.AutoPad == "NOTSET") attrs.Add(Ints("pads", c.Pads.Select(v => (long)v).ToArray()));
        else attrs.Add(Str("auto_pad", c.AutoPad));
        if (c.Activation.Kind != ActivationKind.None) attrs.AddRange(Fused(c.Activation));
        return Node("Conv", c.Bias ? 3 : 2, 1, [.. attrs]);
    }

    public static IEnumerable<object[]> Cases() =>
        from isa in VectorKernelRunner.FastIsas from seed in Enumerable.Range(0, 120) select new object[] { isa, seed };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(KernelIsa isa, int seed) => CheckAgainstReference(Generate(seed), isa, seed);

    public static IEnumerable<object[]> WideCases() =>
        from isa in VectorKernelRunner.FastIsas from seed in Enumerable.Range(0, 60) select new object[] { isa, seed };

    [Theory]
    [MemberData(nameof(WideCases))]
    public void WidePlanesMatchReference(KernelIsa isa, int seed) => CheckAgainstReference(GenerateWide(seed), isa, seed);

    /// <summary>
    /// MobileNet's and EfficientNet's small planes (14×14, 28×28, 28→14 at stride 2; 3×3 and 5×5): transposed whole,
    /// rows narrower than two AVX-512 vectors, and computed row by row by the register-sharing row kernel.
    /// </summary>
    public static IEnumerable<object[]> SmallPlaneCases() =>
        from isa in VectorKernelRunner.FastIsas
        from shape in new[] { (14, 3, 1), (28, 3, 1), (28, 3, 2), (14, 5, 1), (28, 5, 2) }
        select new object[] { isa, shape.Item1, shape.Item2, shape.Item3 };

    [Theory]
    [MemberData(nameof(SmallPlaneCases))]
    public void SmallPlanesMatchReference(KernelIsa isa, int size, int kernel, int stride)
    {
        int p = kernel / 2;
        var c = new Case(1, 37, [size, size], [kernel, kernel], [stride, stride], [1, 1], [p, p, p, p], "NOTSET", true,
            new FusedActivation(ActivationKind.Clip, 0f, 6f));
        CheckAgainstReference(c, isa, size * 10 + kernel + stride);
    }

    private static void CheckAgainstReference(Case c, KernelIsa isa, int seed)
    {
        var x = Random([c.N, c.C, .. c.In], seed * 3 + 1, -2, 2);
        var w = Random([c.C, 1, .. c.Kernel], seed * 3 + 2);
        var b = c.Bias ? Random([c.C], seed * 3 + 3) : null;
        Tensor?[] inputs = b is null ? [x, w] : [x, w, b];
        var expected = VectorKernelRunner.Run(NodeFor(c), 13, KernelIsa.Reference, inputs, 1, 2);

        var (step, read) = VectorKernelRunner.Build(NodeFor(c), 13, isa, inputs, 1, 2);
        Assert.Contains("Depthwise", step.GetType().Name);
        var actual = VectorKernelRunner.Run(NodeFor(c), 13, isa, inputs, 1, 2);
        AssertShape(expected.Shape, actual);

        // Both sum T = kh·kw products of |w| ≤ 1, |x| ≤ 2 (plus |b| ≤ 1) in float, in different orders (FMA here);
        // the activations have slope ≤ 1.5 and add a few ulp of their own: 4e-7 relative covers 4u of activation
        // rounding (FastStepRunner.ActivationError's default) and the exp-based ones add what they need beyond it.
        int taps = c.Kernel.Aggregate(1, (p, v) => p * v);
        float bound = 2.4e-7f * (taps + 1) * (2 * taps + 1) + 1e-7f;
        float relative = 4e-7f + (float)((Kernels.F32Gemm.FastStepRunner.ActivationError(c.Activation.Kind) - 4) / (1 << 24));
        var e = expected.Floats;
        var a = actual.Floats;
        for (int i = 0; i < e.Length; i++)
            Assert.True(MathF.Abs(e[i] - a[i]) <= 1.5f * bound + relative * MathF.Abs(e[i]),
                $"{c} on {isa}: element {i}: reference {e[i]:R}, {a[i]:R} (bound {bound})");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void TheRandomCasesCoverEveryKernel(KernelIsa isa)
    {
        int blocks = 0, streamed = 0, rows = 0;
        var cases = Enumerable.Range(0, 120).Select(Generate).Concat(Enumerable.Range(0, 60).Select(GenerateWide));
        foreach (var c in cases)
        {
            var x = Random([c.N, c.C, .. c.In], 1);
            var w = Random([c.C, 1, .. c.Kernel], 2);
            Tensor?[] inputs = c.Bias ? [x, w, Random([c.C], 3)] : [x, w];
            var (step, _) = VectorKernelRunner.Build(NodeFor(c), 13, isa, inputs, 1, 2);
            string name = step.GetType().Name;
            if (name.StartsWith("DepthwiseChannelBlockStep")) blocks++;
            else if (name.StartsWith("DepthwiseChannelBlockRowsStep")) streamed++;
            else if (name.StartsWith("DepthwiseConvStep")) rows++;
        }
        Assert.True(blocks >= 20 && streamed >= 30 && rows >= 10,
            $"{isa}: {blocks} whole-plane channel-block cases, {streamed} streamed by rows, {rows} row-kernel cases");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void FallsBackWhereTheKernelDoesNotApply(KernelIsa isa)
    {
        // Runtime weights, channel multiplier 2, and 3-D stay on the reference step.
        var x = Random([1, 2, 5, 5], 1);
        var w2 = Random([4, 1, 3, 3], 2);
        var (multiplier, _) = VectorKernelRunner.Build(Node("Conv", 2, 1, Int("group", 2)), 13, isa, [x, w2], 1);
        Assert.DoesNotContain("Depthwise", multiplier.GetType().Name);
        var w = Random([2, 1, 3, 3], 3);
        var (runtime, _) = VectorKernelRunner.Build(Node("Conv", 2, 1, Int("group", 2)), 13, isa, [x, w]);
        Assert.DoesNotContain("Depthwise", runtime.GetType().Name);
        var (volume, _) = VectorKernelRunner.Build(Node("Conv", 2, 1, Int("group", 2)), 13, isa,
            [Random([1, 2, 3, 3, 3], 4), Random([2, 1, 2, 2, 2], 5)], 1);
        Assert.DoesNotContain("Depthwise", volume.GetType().Name);
    }
}
