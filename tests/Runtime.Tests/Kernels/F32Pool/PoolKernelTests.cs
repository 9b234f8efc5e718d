using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Kernels.F32Pool;

/// <summary>
/// The pooling kernels on every vector path against the reference steps. MaxPool and AveragePool are bit-identical
/// by construction (same taps in the same order, padding that adds exact zeros or −∞, the same divisor), so they are
/// compared exactly over random 1-D/2-D shapes, kernels, strides, dilations, paddings, ceil_mode and
/// count_include_pad; the global pools sum in a different order and get the accumulation bound.
/// </summary>
public class PoolKernelTests
{
    private sealed record Case(bool Max, int N, int C, int[] In, int[] Kernel, int[] Stride, int[] Dilation, int[] Pads,
        string AutoPad, bool CeilMode, bool CountIncludePad)
    {
        public override string ToString() =>
            $"{(Max ? "MaxPool" : "AveragePool")} N={N} C={C} in [{string.Join(",", In)}] kernel [{string.Join(",", Kernel)}] " +
            $"stride [{string.Join(",", Stride)}] dilation [{string.Join(",", Dilation)}] " +
            $"{(AutoPad == "NOTSET" ? $"pads [{string.Join(",", Pads)}]" : AutoPad)} ceil {CeilMode} include_pad {CountIncludePad}";
    }

    /// <param name="wideMax">A MaxPool whose output rows are at least two AVX-512 vectors wide, which the narrow random
    /// shapes (up to 37 columns) rarely give: the in-place kernel (strides 1 and 2) and the padded row kernel
    /// (stride 3) take those.</param>
    private static Case Generate(int seed, bool wideMax = false)
    {
        var rng = new Random(seed);
        int rank = rng.Next(5) == 0 ? 1 : 2;
        string autoPad = rng.Next(6) switch { 0 => "SAME_UPPER", 1 => "SAME_LOWER", 2 => "VALID", _ => "NOTSET" };
        int square = new[] { 1, 2, 2, 3, 3, 3, 4, 5 }[rng.Next(8)];
        var k = new int[rank]; var s = new int[rank]; var d = new int[rank]; var inDims = new int[rank];
        var pads = new int[2 * rank];
        for (int a = 0; a < rank; a++)
        {
            k[a] = rng.Next(5) == 0 ? rng.Next(1, 5) : square;
            s[a] = new[] { 1, 1, 2, 2, 3 }[rng.Next(5)];
            d[a] = rng.Next(5) == 0 ? 2 : 1;
            if (autoPad == "NOTSET") { pads[a] = rng.Next(k[a]); pads[a + rank] = rng.Next(k[a]); }
            int dk = d[a] * (k[a] - 1) + 1;
            int min = autoPad is "SAME_UPPER" or "SAME_LOWER" ? 1 : Math.Max(1, dk - pads[a] - pads[a + rank]);
            int max = a == rank - 1 ? 37 : 19;
            if (wideMax && a == rank - 1) (min, max) = (32 * s[a] + dk, 32 * s[a] + dk + 60);
            inDims[a] = rng.Next(min, Math.Max(min, max) + 1);
        }
        return new Case(wideMax || rng.Next(2) == 0, rng.Next(1, 3), wideMax ? rng.Next(1, 6) : rng.Next(1, 34), inDims, k, s, d, pads,
            autoPad, rng.Next(2) == 0, rng.Next(2) == 0);
    }

    private static Node NodeFor(Case c)
    {
        var attrs = new List<NodeAttribute>
        {
            Ints("kernel_shape", c.Kernel.Select(v => (long)v).ToArray()), Ints("strides", c.Stride.Select(v => (long)v).ToArray()),
            Ints("dilations", c.Dilation.Select(v => (long)v).ToArray()), Int("ceil_mode", c.CeilMode ? 1 : 0),
        };
        if (c.AutoPad == "NOTSET") attrs.Add(Ints("pads", c.Pads.Select(v => (long)v).ToArray()));
        else attrs.Add(Str("auto_pad", c.AutoPad));
        if (!c.Max) attrs.Add(Int("count_include_pad", c.CountIncludePad ? 1 : 0));
        return Node(c.Max ? "MaxPool" : "AveragePool", 1, 1, [.. attrs]);
    }

    public static IEnumerable<object[]> Cases() =>
        from isa in VectorKernelRunner.FastIsas from seed in Enumerable.Range(0, 150) select new object[] { isa, seed, false };

    public static IEnumerable<object[]> WideMaxCases() =>
        from isa in VectorKernelRunner.FastIsas from seed in Enumerable.Range(0, 40) select new object[] { isa, seed, true };

    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(WideMaxCases))]
    public void WindowedPoolsMatchTheReferenceExactly(KernelIsa isa, int seed, bool wideMax)
    {
        var c = Generate(seed, wideMax);
        var x = Random([c.N, c.C, .. c.In], seed + 1000, -3, 3);
        var expected = VectorKernelRunner.Run(NodeFor(c), 19, KernelIsa.Reference, [x]);
        var (step, _) = VectorKernelRunner.Build(NodeFor(c), 19, isa, [x]);
        Assert.Contains("PoolStep`2", step.GetType().Name);
        var actual = VectorKernelRunner.Run(NodeFor(c), 19, isa, [x]);
        AssertShape(expected.Shape, actual);
        var e = expected.Floats;
        var a = actual.Floats;
        for (int i = 0; i < e.Length; i++)
            Assert.True(e[i].Equals(a[i]), $"{c} on {isa}: element {i}: reference {e[i]:R}, got {a[i]:R}");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void TheRandomMaxPoolCasesCoverEveryKernel(KernelIsa isa)
    {
        int blocks = 0, rows = 0, inPlace = 0, narrowInPlace = 0;
        foreach (var c in Enumerable.Range(0, 150).Select(seed => Generate(seed)).Concat(Enumerable.Range(0, 40).Select(seed => Generate(seed, true))))
        {
            if (!c.Max) continue;
            var (step, _) = VectorKernelRunner.Build(NodeFor(c), 19, isa, [Random([c.N, c.C, .. c.In], 1)]);
            if (step.GetType().Name.StartsWith("ChannelBlockMaxPoolStep")) blocks++;
            else if (step.GetType().Name.StartsWith("MaxPoolStep")) rows++;
            else if (step.GetType().Name.StartsWith("InPlaceMaxPoolStep"))
            {
                inPlace++;
                // AVX-512's rows of 16–31 outputs: the in-place kernel on 256-bit vectors.
                if (isa == KernelIsa.Avx512 && step.GetType().GetGenericArguments()[0] == typeof(Cnnrt.Kernels.F32Vector.F32Vector256)) narrowInPlace++;
            }
        }
        Assert.True(blocks >= 10 && rows >= 3 && inPlace >= 3 && (isa != KernelIsa.Avx512 || narrowInPlace >= 3),
            $"{isa}: {blocks} channel-block cases, {rows} row-kernel cases, {inPlace} in-place cases ({narrowInPlace} on 256-bit vectors)");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void MaxPoolWindowsEntirelyInPaddingGiveTheLowestFloat(KernelIsa isa)
    {
        // Kernel 1 with padding 2: the border outputs see only padding (the reference's T.MinValue).
        var node = Node("MaxPool", 1, 1, Ints("kernel_shape", 1, 1), Ints("pads", 2, 1, 0, 2));
        var x = Random([1, 3, 4, 5], 7);
        var expected = VectorKernelRunner.Run(node, 12, KernelIsa.Reference, [x]);
        var actual = VectorKernelRunner.Run(Node("MaxPool", 1, 1, Ints("kernel_shape", 1, 1), Ints("pads", 2, 1, 0, 2)), 12, isa, [x]);
        Assert.Contains(float.MinValue, expected.Floats);
        AssertExact(expected.Floats, actual);
    }

    public static IEnumerable<object[]> GlobalCases() =>
        from isa in VectorKernelRunner.FastIsas
        from max in new[] { false, true }
        from shape in new[] { new[] { 1, 1, 1, 1 }, [2, 3, 1, 7], [1, 5, 7, 7], [2, 33, 13, 11], [1, 4, 37], [1, 2, 56, 56], [1, 3, 2, 3, 5] }
        select new object[] { isa, max, shape };

    [Theory]
    [MemberData(nameof(GlobalCases))]
    public void GlobalPoolsMatchTheReference(KernelIsa isa, bool max, int[] shape)
    {
        string op = max ? "GlobalMaxPool" : "GlobalAveragePool";
        var x = Random(shape, shape.Sum(), -3, 3);
        var expected = VectorKernelRunner.Run(Node(op, 1), 13, KernelIsa.Reference, [x]);
        var actual = VectorKernelRunner.Run(Node(op, 1), 13, isa, [x]);
        int n = shape.Skip(2).Aggregate(1, (p, v) => p * v);
        for (int p = 0; p < expected.Length; p++)
        {
            // Both sum n terms of |x| ≤ 3 in float, in different orders: |error| ≤ (n − 1)·2⁻²⁴·Σ|x| each, over n.
            float bound = max ? 0 : 2 * 6e-8f * 3 * n;
            Assert.True(MathF.Abs(expected.Floats[p] - actual.Floats[p]) <= bound,
                $"{op} {string.Join("x", shape)} on {isa}: plane {p}: reference {expected.Floats[p]:R}, got {actual.Floats[p]:R}");
        }
    }

    public static IEnumerable<object[]> TrailingReduceCases() =>
        from isa in VectorKernelRunner.FastIsas
        from op in new[] { "ReduceMean", "ReduceMax" }
        from axes in new[] { new[] { 2, 3 }, [-1], [1, 2, 3], [3, 2] }
        from keep in new[] { 0, 1 }
        select new object[] { isa, op, axes, keep };

    [Theory]
    [MemberData(nameof(TrailingReduceCases))]
    public void ReductionsOverTrailingAxesRunAsGlobalPools(KernelIsa isa, string op, int[] axes, int keepDims)
    {
        // ShuffleNet's global mean is ReduceMean over H, W: the global-pool kernel, with its accumulation bound.
        var x = Random([2, 5, 7, 9], axes.Sum() + keepDims, -3, 3);
        Node NodeFor() => Node(op, 1, 1, Ints("axes", axes.Select(a => (long)a).ToArray()), Int("keepdims", keepDims));
        var expected = VectorKernelRunner.Run(NodeFor(), 13, KernelIsa.Reference, [x]);
        var (step, _) = VectorKernelRunner.Build(NodeFor(), 13, isa, [x]);
        Assert.Contains("GlobalPoolStep", step.GetType().Name);
        var actual = VectorKernelRunner.Run(NodeFor(), 13, isa, [x]);
        AssertShape(expected.Shape, actual);
        int n = x.Length / expected.Length;
        float bound = op == "ReduceMax" ? 0 : 2 * 6e-8f * 3 * n;
        for (int p = 0; p < expected.Length; p++)
            Assert.True(MathF.Abs(expected.Floats[p] - actual.Floats[p]) <= bound,
                $"{op} axes [{string.Join(",", axes)}] on {isa}: {p}: reference {expected.Floats[p]:R}, got {actual.Floats[p]:R}");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void ReductionsOverOtherAxesKeepTheReferenceStep(KernelIsa isa)
    {
        var x = Random([2, 5, 7, 9], 3, -3, 3);
        var (step, _) = VectorKernelRunner.Build(Node("ReduceMean", 1, 1, Ints("axes", 1, 3)), 13, isa, [x]);
        Assert.DoesNotContain("GlobalPoolStep", step.GetType().Name);
    }
}
