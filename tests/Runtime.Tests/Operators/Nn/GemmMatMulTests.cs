using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Gemm over every transpose/alpha/beta/C-broadcast combination and MatMul's numpy broadcasting, against direct formulas.</summary>
public class GemmMatMulTests
{
    public static IEnumerable<object[]> GemmCases()
    {
        int[][] cShapes = [[], [1], [5], [1, 5], [3, 1], [3, 5], [1, 1]];
        int seed = 0;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        {
            yield return [ta, tb, 1f, 1f, null!, seed++];
            foreach (var c in cShapes) yield return [ta, tb, 0.5f + seed % 3, seed % 4 == 0 ? 0f : -0.75f, c, seed++];
        }
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmMatchesTheFormula(bool transA, bool transB, float alpha, float beta, int[]? cShape, int seed)
    {
        const int m = 3, n = 5, k = 4;
        var a = Random(transA ? [k, m] : [m, k], seed * 5 + 1);
        var b = Random(transB ? [n, k] : [k, n], seed * 5 + 2);
        var c = cShape is null ? null : Random(cShape, seed * 5 + 3);
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++)
                s += a.Floats[transA ? p * m + i : i * k + p] * b.Floats[transB ? j * k + p : p * n + j];
            double cv = 0;
            if (c is not null)
            {
                // Unidirectional broadcast: right-align C's shape to [m, n]; a size-1 axis repeats.
                int r = c.Rank == 2 && c.Shape[0] != 1 ? i : 0;
                int col = c.Rank >= 1 && c.Shape[^1] != 1 ? j : 0;
                cv = c.Floats[c.Rank == 2 ? r * c.Shape[1] + col : col];
            }
            expected[i * n + j] = (float)(alpha * s + beta * cv);
        }
        var attrs = new[] { Int("transA", transA ? 1 : 0), Int("transB", transB ? 1 : 0), Float("alpha", alpha), Float("beta", beta) };
        Tensor?[] inputs = c is null ? [a, b] : [a, b, c];
        var y = Run1("Gemm", inputs, attrs);
        AssertShape([m, n], y);
        AssertClose(expected, y.Floats);
        AssertExact(y.Floats, ArenaRunner.Run(Node("Gemm", inputs.Length, 1, attrs), 13, inputs)[0]);
    }

    [Fact]
    public void GemmFusedActivationAndOpset7NeedsC()
    {
        var a = F([1, 2], 1, -2);
        var b = F([2, 2], 1, 0, 0, 1);
        AssertExact([1, 0], Run1("Gemm", [a, b], Fused(new FusedActivation(ActivationKind.Relu))));
        AssertNodeError(() => Run("Gemm", 7, [a, b], 1));
        AssertExact([2, -1], Run("Gemm", 7, [a, b, F([], 1)], 1)[0]);
    }

    [Fact]
    public void GemmRejectsBadShapes()
    {
        AssertNodeError(() => Run1("Gemm", [Random([2, 3], 1), Random([4, 2], 2)]));
        AssertNodeError(() => Run1("Gemm", [Random([2, 3], 1), Random([3, 2], 2), Random([3], 3)]));
        AssertNodeError(() => Run1("Gemm", [Random([2, 3, 1], 1), Random([3, 2], 2)]));
    }

    public static IEnumerable<object[]> MatMulCases() => new (int[] A, int[] B, int[] Y)[]
    {
        ([4], [4], []),
        ([4], [4, 3], [3]),
        ([2, 4], [4], [2]),
        ([2, 4], [4, 3], [2, 3]),
        ([2, 3, 2, 4], [4, 5], [2, 3, 2, 5]),
        ([2, 4], [3, 4, 5], [3, 2, 5]),
        ([2, 1, 2, 4], [3, 4, 5], [2, 3, 2, 5]),
        ([1, 2, 4], [4, 4, 3], [4, 2, 3]),
        ([4], [2, 4, 3], [2, 3]),
        ([2, 2, 4], [4], [2, 2]),
        ([3, 1, 2, 4], [1, 5, 4, 1], [3, 5, 2, 1]),
    }.Select((c, i) => new object[] { c.A, c.B, c.Y, i });

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMulBroadcastsLikeNumpy(int[] aShape, int[] bShape, int[] yShape, int seed)
    {
        var a = Random(aShape, seed * 2 + 1);
        var b = Random(bShape, seed * 2 + 2);
        // Promote 1-D operands, broadcast batch coordinates by clamping size-1 axes, then drop promoted axes.
        int[] pa = aShape.Length == 1 ? [1, aShape[0]] : aShape, pb = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        int rank = Math.Max(pa.Length, pb.Length);
        int[] batch = new int[rank - 2];
        for (int i = 0; i < batch.Length; i++)
        {
            int da = i - (rank - pa.Length) >= 0 ? pa[i - (rank - pa.Length)] : 1;
            int db = i - (rank - pb.Length) >= 0 ? pb[i - (rank - pb.Length)] : 1;
            batch[i] = Math.Max(da, db);
        }
        int m = pa[^2], k = pa[^1], n = pb[^1];
        int batches = batch.Aggregate(1, (p, v) => p * v);
        var expected = new float[batches * m * n];
        for (int t = 0; t < batches; t++)
        {
            var coord = new int[batch.Length];
            for (int i = batch.Length - 1, r = t; i >= 0; i--) { coord[i] = r % batch[i]; r /= batch[i]; }
            int Offset(int[] shape)
            {
                int off = 0;
                for (int i = 0; i < shape.Length - 2; i++)
                {
                    int ci = coord[i + (batch.Length - (shape.Length - 2))];
                    off = off * shape[i] + (shape[i] == 1 ? 0 : ci);
                }
                return off * shape[^2] * shape[^1];
            }
            int ao = Offset(pa), bo = Offset(pb);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += a.Floats[ao + i * k + p] * b.Floats[bo + p * n + j];
                expected[(t * m + i) * n + j] = (float)s;
            }
        }
        var y = Run1("MatMul", [a, b]);
        AssertShape(yShape, y);
        AssertClose(expected, y.Floats);
        AssertExact(y.Floats, ArenaRunner.Run(Node("MatMul", 2), 13, a, b)[0]);
    }

    [Fact]
    public void MatMulRejectsBadShapes()
    {
        AssertNodeError(() => Run1("MatMul", [Random([2, 3], 1), Random([4, 2], 2)]));
        AssertNodeError(() => Run1("MatMul", [Random([2, 2, 3], 1), Random([3, 3, 2], 2)]));
        AssertNodeError(() => Run1("MatMul", [F([], 1), Random([1, 2], 2)]));
    }
}
