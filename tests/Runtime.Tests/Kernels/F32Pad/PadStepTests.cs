using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Pad;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;
using Cnnrt.Tests.Kernels.F32Gemm;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Kernels.F32Pad;

/// <summary>
/// The row-copy Pad step against <see cref="PadReference"/> on every fast path: random ranks 1–4, odd sizes, pads from
/// −2 (a crop) to 4 on each side, every mode, the constant from the input or the opset-9 attribute. Copies are
/// exact, so the outputs must be bit-identical.
/// </summary>
public class PadStepTests
{
    public static IEnumerable<object[]> Cases() =>
        from isa in FastStepRunner.FastIsas from seed in Enumerable.Range(0, 60) select new object[] { isa, seed };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReference(KernelIsa isa, int seed)
    {
        var rng = new Random(seed);
        string mode = new[] { "constant", "edge", "reflect", "wrap" }[seed % 4];
        int rank = rng.Next(1, 5);
        var shape = new int[rank];
        var begin = new int[rank];
        var end = new int[rank];
        for (int a = 0; a < rank; a++)
        {
            shape[a] = rng.Next(1, a == rank - 1 ? 19 : 6);
            begin[a] = rng.Next(-2, 5);
            end[a] = rng.Next(-2, 5);
            // Keep at least one element of the axis (edge, reflect and wrap need one to repeat).
            while (shape[a] + Math.Min(0, begin[a]) + Math.Min(0, end[a]) < 1) { begin[a] = Math.Max(begin[a], 0); end[a]++; }
        }
        var x = Random(shape, seed, -5, 5);
        float constant = mode == "constant" ? (float)rng.NextDouble() : 0f;
        long[] pads = [.. begin.Select(v => (long)v), .. end.Select(v => (long)v)];
        var outShape = shape.Select((n, a) => n + begin[a] + end[a]).ToArray();
        var expected = new float[ShapeMath.Count(outShape)];
        var padMode = Enum.Parse<PadMode>(mode, ignoreCase: true);
        PadReference.Pad<float>(x.Floats, shape, expected, begin, end, padMode, constant);

        bool attributes = seed % 5 == 0;
        var node = attributes
            ? Node("Pad", 1, 1, Str("mode", mode), Ints("pads", pads), Float("value", constant))
            : Node("Pad", 3, 1, Str("mode", mode));
        Tensor?[] inputs = attributes ? [x] : [x, Tensor.FromLongs([pads.Length], pads), Tensor.FromFloats([], [constant])];
        var (step, outputs) = FastStepRunner.Run(node, attributes ? 9 : 13, inputs, [false, true, false], isa);
        Assert.IsType<F32PadStep>(step);
        Assert.Equal(outShape, outputs[0].Shape);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), outputs[0].Floats.Select(BitConverter.SingleToInt32Bits));
    }
}
