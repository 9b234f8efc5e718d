using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Kernels.F32Elementwise;

/// <summary>
/// The vector steps of the elementwise operators on every vector path against the reference steps. Binary
/// arithmetic is the same IEEE operation per element, so it must match exactly, over every broadcast form the
/// kernel vectorizes (equal shapes, scalars, per-channel, squeeze-excitation) and the strided rest; activations get
/// their ulp bounds, at every length 0..256.
/// </summary>
public class ElementwiseStepTests
{
    private static readonly (int[] A, int[] B)[] Shapes =
    [
        ([1, 7, 5, 9], [1, 7, 5, 9]), // equal
        ([37], [37]),
        ([2, 3, 4, 5], []),           // scalar right
        ([1], [3, 1, 17]),            // scalar left
        ([2, 5, 7, 3], [1, 5, 1, 1]), // per channel
        ([1, 33, 6, 6], [33, 1, 1]),
        ([2, 9, 11, 13], [2, 9, 1, 1]), // squeeze-excitation scale
        ([2, 9, 1, 1], [2, 9, 11, 13]),
        ([2, 3, 4, 1], [1, 1, 1, 5]), // both broadcast: strided inner runs
        ([3, 1], [1, 19]),
        ([1, 5, 4, 4], [1, 5, 4, 1]),
    ];

    public static IEnumerable<object[]> BinaryCases() =>
        from isa in VectorKernelRunner.FastIsas
        from op in new[] { "Add", "Sub", "Mul", "Div", "Max", "Min", "Sum" }
        from shape in Enumerable.Range(0, Shapes.Length)
        select new object[] { isa, op, shape };

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void BinaryOpsMatchTheReferenceExactly(KernelIsa isa, string op, int shapeIndex)
    {
        var (sa, sb) = Shapes[shapeIndex];
        var a = WithSpecials(Random(sa, shapeIndex * 2 + 1, -2, 2));
        var b = WithSpecials(Random(sb, shapeIndex * 2 + 2, 0.25f, 2));
        var expected = VectorKernelRunner.Run(Node(op, 2), 13, KernelIsa.Reference, [a, b]);
        var (step, _) = VectorKernelRunner.Build(Node(op, 2), 13, isa, [a, b]);
        Assert.Contains("FoldStep`3", step.GetType().Name);
        var actual = VectorKernelRunner.Run(Node(op, 2), 13, isa, [a, b]);
        AssertBitwise(expected, actual, $"{op} {Describe(sa)} {Describe(sb)} on {isa}");
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void VariadicSumAndPReluMatchTheReference(KernelIsa isa)
    {
        var x = Random([2, 5, 3, 7], 1, -2, 2);
        var y = Random([5, 1, 7], 2, -2, 2);
        var z = Random([2, 1, 3, 1], 3, -2, 2);
        foreach (var op in new[] { "Sum", "Max", "Min" })
            AssertBitwise(VectorKernelRunner.Run(Node(op, 3), 13, KernelIsa.Reference, [x, y, z]),
                VectorKernelRunner.Run(Node(op, 3), 13, isa, [x, y, z]), $"{op} of three on {isa}");
        var slope = Random([5, 1, 1], 4, 0, 0.5f);
        AssertBitwise(VectorKernelRunner.Run(Node("PRelu", 2), 13, KernelIsa.Reference, [x, slope]),
            VectorKernelRunner.Run(Node("PRelu", 2), 13, isa, [x, slope]), $"PRelu on {isa}");
    }

    /// <summary>One unary operator: attributes, and the ulp bound (plus an absolute floor) against the reference.</summary>
    public sealed record UnaryCase(string Op, NodeAttribute[] Attributes, int Ulps, float Absolute, float Lo, float Hi)
    {
        public override string ToString() => Op + string.Concat(Attributes.Select(a => $" {a.Name}={a.Float}"));
    }

    private static readonly UnaryCase[] Unary =
    [
        new("Relu", [], 0, 0, -3, 3),
        new("LeakyRelu", [Float("alpha", 0.1f)], 0, 0, -3, 3),
        new("Clip", [], 0, 0, -8, 8),
        new("Sigmoid", [], 3, 0, -100, 100),
        new("Tanh", [], 4, 0, -12, 12),
        new("HardSigmoid", [Float("alpha", 0.2f), Float("beta", 0.5f)], 2, 1e-7f, -4, 4),
        new("HardSwish", [], 3, 1e-7f, -5, 5),
        new("Elu", [Float("alpha", 1.5f)], 4, 0, -20, 5),
        new("Softplus", [], 4, 0, -90, 90),
        new("Exp", [], 1, 0, -100, 88),
    ];

    public static IEnumerable<object[]> UnaryCases() =>
        from isa in VectorKernelRunner.FastIsas from i in Enumerable.Range(0, Unary.Length) select new object[] { isa, i };

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void UnaryOpsMatchTheReferenceAtEveryLength(KernelIsa isa, int caseIndex)
    {
        var c = Unary[caseIndex];
        for (int n = 0; n <= 256; n++)
        {
            var x = Random([n], n + 17 * caseIndex, c.Lo, c.Hi);
            Tensor[] inputs = c.Op == "Clip" ? [x, Tensor.FromFloats([], [-1.5f]), Tensor.FromFloats([], [6f])] : [x];
            var expected = VectorKernelRunner.Run(Node(c.Op, inputs.Length, 1, c.Attributes), 13, KernelIsa.Reference, inputs);
            var (step, _) = VectorKernelRunner.Build(Node(c.Op, inputs.Length, 1, c.Attributes), 13, isa, inputs);
            Assert.Contains("Step`", step.GetType().Name);
            var actual = VectorKernelRunner.Run(Node(c.Op, inputs.Length, 1, c.Attributes), 13, isa, inputs);
            for (int i = 0; i < n; i++)
            {
                float e = expected.Floats[i], a = actual.Floats[i];
                if (MathF.Abs(e - a) <= c.Absolute) continue;
                AssertUlps(e, a, c.Ulps, $"{c} on {isa}, length {n}, x[{i}] = {x.Floats[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void ActivationsKeepTheReferenceSpecialValues(KernelIsa isa)
    {
        var x = Tensor.FromFloats([9], [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-40f, -1e-40f, 89f, -104f]);
        foreach (var c in Unary)
        {
            if (c.Op == "Clip") continue;
            var expected = VectorKernelRunner.Run(Node(c.Op, 1, 1, c.Attributes), 13, KernelIsa.Reference, [x]);
            var actual = VectorKernelRunner.Run(Node(c.Op, 1, 1, c.Attributes), 13, isa, [x]);
            for (int i = 0; i < x.Length; i++)
            {
                float e = expected.Floats[i], a = actual.Floats[i];
                if (MathF.Abs(e - a) <= c.Absolute) continue;
                AssertUlps(e, a, c.Ulps, $"{c} on {isa} at {x.Floats[i]:R}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(VectorKernelRunner.IsaData), MemberType = typeof(VectorKernelRunner))]
    public void ClipReadsRuntimeBoundsAndOmittedOnes(KernelIsa isa)
    {
        var x = Random([3, 29], 5, -10, 10);
        foreach (var bounds in new Tensor?[][] { [null, null], [Tensor.FromFloats([], [2f]), null], [null, Tensor.FromFloats([], [-1f])] })
        {
            Tensor?[] inputs = [x, .. bounds];
            var expected = VectorKernelRunner.Run(Node("Clip", 3), 13, KernelIsa.Reference, inputs);
            var actual = VectorKernelRunner.Run(Node("Clip", 3), 13, isa, inputs);
            AssertBitwise(expected, actual, $"Clip on {isa}");
        }
        // Opset 6: the bounds are attributes.
        var attr = VectorKernelRunner.Run(Node("Clip", 1, 1, Float("min", -1f), Float("max", 3f)), 6, isa, [x]);
        AssertBitwise(VectorKernelRunner.Run(Node("Clip", 1, 1, Float("min", -1f), Float("max", 3f)), 6, KernelIsa.Reference, [x]),
            attr, $"Clip-6 on {isa}");
    }

    /// <summary>NaN, ±∞ and ±0 in the first elements (Max/Min must keep Math.Max's answers for them).</summary>
    private static Tensor WithSpecials(Tensor t)
    {
        float[] specials = [float.NaN, 0f, -0f, float.PositiveInfinity, float.NegativeInfinity, -0f];
        for (int i = 0; i < Math.Min(specials.Length, t.Length / 4); i++) t.Floats[i * 3] = specials[i];
        return t;
    }

    private static string Describe(int[] shape) => $"[{string.Join(",", shape)}]";

    private static void AssertBitwise(Tensor expected, Tensor actual, string context)
    {
        AssertShape(expected.Shape, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected.Floats[i], a = actual.Floats[i];
            Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a) || float.IsNaN(e) && float.IsNaN(a),
                $"{context}: element {i}: reference {e:R}, got {a:R}");
        }
    }
}
