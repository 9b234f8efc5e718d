using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Pad: the ONNX spec examples, every mode with positive and negative pads against a crop-then-pad oracle, all forms.</summary>
public class PadTests
{
    private static Tensor Pads(params long[] p) => Tensor.FromLongs([p.Length], p);

    private static readonly Tensor Spec = F([3, 2], 1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f);

    [Fact]
    public void SpecExamples()
    {
        var pads = Pads(0, 2, 0, 0);
        AssertExact([0, 0, 1.0f, 1.2f, 0, 0, 2.3f, 3.4f, 0, 0, 4.5f, 5.7f], Run1("Pad", [Spec, pads, F([], 0)], Str("mode", "constant")));
        AssertExact([1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f], Run1("Pad", [Spec, pads], Str("mode", "reflect")));
        AssertExact([1.0f, 1.0f, 1.0f, 1.2f, 2.3f, 2.3f, 2.3f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f], Run1("Pad", [Spec, pads], Str("mode", "edge")));
    }

    [Fact]
    public void OneDimensionalModes()
    {
        var x = F([3], 1, 2, 3);
        var pads = Pads(2, 2);
        AssertExact([0, 0, 1, 2, 3, 0, 0], Run1("Pad", [x, pads]));
        AssertExact([9, 9, 1, 2, 3, 9, 9], Run1("Pad", [x, pads, F([1], 9)]));
        AssertExact([3, 2, 1, 2, 3, 2, 1], Run1("Pad", [x, pads], Str("mode", "reflect")));
        AssertExact([1, 1, 1, 2, 3, 3, 3], Run1("Pad", [x, pads], Str("mode", "edge")));
        AssertExact([2, 3, 1, 2, 3, 1, 2], Run("Pad", 19, [x, pads], 1, Str("mode", "wrap"))[0]);
        // Pads wider than the axis reflect back and forth.
        AssertExact([1, 2, 3, 2, 1, 2, 3, 2, 1], Run1("Pad", [x, Pads(4, 2)], Str("mode", "reflect")));
    }

    [Fact]
    public void NegativePadsCropFirst()
    {
        var x = F([5], 1, 2, 3, 4, 5);
        AssertExact([2, 3, 4], Run1("Pad", [x, Pads(-1, -1)]));
        AssertExact([2, 3, 4, 5, 0, 0], Run1("Pad", [x, Pads(-1, 2)]));
        // Wrap and reflect repeat the cropped extent, not the original axis (onnxruntime's reading).
        AssertExact([2, 3, 4, 5, 2, 3], Run("Pad", 19, [x, Pads(-1, 2)], 1, Str("mode", "wrap"))[0]);
        AssertExact([3, 4, 5, 4, 3, 4], Run1("Pad", [x, Pads(-2, 3)], Str("mode", "reflect")));
        AssertExact([3], Run1("Pad", [x, Pads(-2, -2)], Str("mode", "edge")));
    }

    [Fact]
    public void AttributeFormBeforeOpset11()
    {
        var y = Run("Pad", 7, [Spec], 1, Ints("pads", 1, 0, 0, 1), Float("value", -1))[0];
        AssertShape([4, 3], y);
        AssertExact([-1, -1, -1, 1.0f, 1.2f, -1, 2.3f, 3.4f, -1, 4.5f, 5.7f, -1], y);
        AssertNodeError(() => Run("Pad", 7, [Spec], 1));
    }

    [Fact]
    public void AxesInputFromOpset18()
    {
        var x = F([2, 2, 2], 1, 2, 3, 4, 5, 6, 7, 8);
        var y = Run("Pad", 18, [x, Pads(1, 0), null, Tensor.FromLongs([1], [-1])], 1)[0];
        AssertShape([2, 2, 3], y);
        AssertExact([0, 1, 2, 0, 3, 4, 0, 5, 6, 0, 7, 8], y);
        var two = Run("Pad", 18, [x, Pads(0, 1, 1, 0), F([], 5), Tensor.FromLongs([2], [2, 0])], 1)[0];
        AssertShape([3, 2, 3], two);
        AssertExact([5, 5, 5, 5, 5, 5, 1, 2, 5, 3, 4, 5, 5, 6, 5, 7, 8, 5], two);
        AssertNodeError(() => Run("Pad", 18, [x, Pads(0, 1, 1, 0), null, Tensor.FromLongs([2], [2, -1])], 1));
    }

    [Fact]
    public void AnyElementType()
    {
        var u8 = Run1("Pad", [Tensor.Create<byte>([2], [200, 7]), Pads(1, 1), Tensor.Create<byte>([], [255])]);
        Assert.Equal([255, 200, 7, 255], u8.As<byte>());
        var i64 = Run1("Pad", [Tensor.Create<long>([2], [-3, 4]), Pads(0, 2)], Str("mode", "reflect"));
        Assert.Equal([-3L, 4, -3, 4], i64.As<long>());
        var s = Run1("Pad", [Tensor.Create<string>([2], ["a", "b"]), Pads(1, 0)], Str("mode", "edge"));
        Assert.Equal(["a", "a", "b"], s.As<string>());
        var s0 = Run1("Pad", [Tensor.Create<string>([1], ["a"]), Pads(0, 1)]);
        Assert.Equal(["a", ""], s0.As<string>());
        var b = Run1("Pad", [Tensor.Create<bool>([1], [true]), Pads(1, 0)]);
        Assert.Equal([false, true], b.As<bool>());
        var u32 = Run1("Pad", [Tensor.Create<uint>([1], [4000000000u]), Pads(1, 1)], Str("mode", "edge"));
        Assert.Equal([4000000000u, 4000000000u, 4000000000u], u32.As<uint>());
    }

    [Fact]
    public void RejectsBadPads()
    {
        var x = F([3], 1, 2, 3);
        AssertNodeError(() => Run1("Pad", [x, Pads(1)]));
        AssertNodeError(() => Run1("Pad", [x, Pads(-2, -2)]));
        AssertNodeError(() => Run1("Pad", [x, Pads(-3, 1)], Str("mode", "edge")));
        AssertNodeError(() => Run1("Pad", [x, Pads(1, 1)], Str("mode", "mirror")));
        AssertNodeError(() => Run1("Pad", [x, Pads(1, 1), Tensor.Create<long>([], [1])]));
    }

    /// <summary>Crop by the negative pads, then pad by the positive ones, one axis at a time, with numpy's mode rules.</summary>
    private static float[] Oracle(float[] x, int[] shape, long[] pads, string mode, float value, out int[] outShape)
    {
        int rank = shape.Length;
        var cur = x;
        var curShape = (int[])shape.Clone();
        for (int axis = 0; axis < rank; axis++)
        {
            int pb = (int)pads[axis], pe = (int)pads[axis + rank];
            int cropB = Math.Max(0, -pb), cropE = Math.Max(0, -pe), addB = Math.Max(0, pb), addE = Math.Max(0, pe);
            int n = curShape[axis], kept = n - cropB - cropE, m = kept + addB + addE;
            int outer = curShape.Take(axis).Aggregate(1, (p, v) => p * v), inner = curShape.Skip(axis + 1).Aggregate(1, (p, v) => p * v);
            var next = new float[outer * m * inner];
            for (int o = 0; o < outer; o++)
            for (int j = 0; j < m; j++)
            {
                int i = j - addB; // index into the kept range
                bool constant = false;
                if (i < 0 || i >= kept)
                    switch (mode)
                    {
                        case "edge": i = Math.Clamp(i, 0, kept - 1); break;
                        case "wrap": i = ((i % kept) + kept) % kept; break;
                        case "reflect":
                            while (i < 0 || i >= kept) { if (kept == 1) { i = 0; break; } i = i < 0 ? -i : 2 * (kept - 1) - i; }
                            break;
                        default: constant = true; break;
                    }
                for (int q = 0; q < inner; q++)
                    next[(o * m + j) * inner + q] = constant ? value : cur[(o * n + i + cropB) * inner + q];
            }
            cur = next;
            curShape[axis] = m;
        }
        outShape = curShape;
        return cur;
    }

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 120).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatchesCropThenPad(int seed)
    {
        var rng = new Random(seed);
        string mode = new[] { "constant", "reflect", "edge", "wrap" }[seed % 4];
        int rank = rng.Next(1, 5);
        var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(1, 5)).ToArray();
        var pads = new long[2 * rank];
        for (int a = 0; a < rank; a++)
        {
            // Crop at most n-1 in total so every axis keeps an element to repeat.
            int crop = rng.Next(0, shape[a]);
            int cropB = rng.Next(0, crop + 1);
            pads[a] = rng.Next(3) == 0 ? -cropB : rng.Next(0, 5);
            pads[a + rank] = rng.Next(3) == 0 ? -(crop - cropB) : rng.Next(0, 5);
        }
        var x = Random(shape, seed);
        var expected = Oracle(x.Floats, shape, pads, mode, 0.5f, out var outShape);
        Tensor?[] inputs = [x, Tensor.FromLongs([pads.Length], pads), F([], 0.5f)];
        var y = Run("Pad", 19, inputs, 1, Str("mode", mode))[0];
        AssertShape(outShape, y);
        AssertExact(expected, y);
        AssertExact(expected, ArenaRunner.Run(Node("Pad", 3, 1, Str("mode", mode)), 19, inputs)[0]);
    }
}
