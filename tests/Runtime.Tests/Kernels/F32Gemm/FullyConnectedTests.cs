using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Kernels.F32Gemm.FastStepRunner;

namespace Cnnrt.Tests.Kernels.F32Gemm;

/// <summary>Gemm and MatMul with constant weights on the GEMV path against the reference, on every fast ISA.</summary>
public class FullyConnectedTests
{
    public static IEnumerable<object[]> GemmCases()
    {
        int[][] cShapes = [[], [1], [0], [1, 0], [-1, 1], [-1, 0], [1, 1]]; // 0 = N, -1 = M
        int seed = 0;
        foreach (int m in new[] { 1, 2, 3 })
        foreach (int k in new[] { 1, 3, 8, 16, 33, 100 })
        foreach (int n in new[] { 1, 4, 5, 17, 40 })
        {
            seed++;
            bool transB = seed % 2 == 0, transA = m == 1 && seed % 3 == 0;
            int[]? c = seed % 8 == 0 ? null : cShapes[seed % cShapes.Length];
            yield return [m, k, n, transA, transB, seed % 5 == 0 ? 0.5f : 1f, seed % 4 == 0 ? -0.75f : 1f, c!, seed % ConvGemmTests.Activations.Length, seed];
        }
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmMatchesTheReference(int m, int k, int n, bool transA, bool transB, float alpha, float beta, int[]? cShape,
        int activation, int seed)
    {
        var a = Random(transA ? [k, m] : [m, k], seed * 5 + 1);
        var b = Random(transB ? [n, k] : [k, n], seed * 5 + 2);
        var c = cShape is null ? null : Random(cShape.Select(d => d == 0 ? n : d == -1 ? m : d).ToArray(), seed * 5 + 3);
        var act = ConvGemmTests.Activations[activation];
        Node MakeNode(bool withActivation)
        {
            var node = Node("Gemm", c is null ? 2 : 3, 1, Int("transA", transA ? 1 : 0), Int("transB", transB ? 1 : 0),
                Float("alpha", alpha), Float("beta", beta));
            if (withActivation && act.Kind != ActivationKind.None) act.WriteTo(node);
            return node;
        }
        Tensor?[] inputs = c is null ? [a, b] : [a, b, c];
        var expected = Eval(MakeNode(true), 13, inputs)[0].Floats;
        // Σ|terms|: |alpha|·|A|·|B| + |beta|·|C|, from the reference on absolute values.
        var absNode = Node("Gemm", c is null ? 2 : 3, 1, Int("transA", transA ? 1 : 0), Int("transB", transB ? 1 : 0),
            Float("alpha", Math.Abs(alpha)), Float("beta", Math.Abs(beta)));
        var absSums = Eval(absNode, 13, c is null ? [Abs(a), Abs(b)] : [Abs(a), Abs(b), Abs(c)])[0].Floats;
        foreach (var isa in FastIsas)
        {
            var (step, outputs) = FastStepRunner.Run(MakeNode(true), 13, inputs, [false, true, true], isa);
            Assert.IsType<F32FullyConnectedStep>(step);
            AssertWithinAccumulationBound(expected, outputs[0].Floats, absSums, k + 2, Lipschitz(act),
                $"{CpuFeatures.Name(isa)} Gemm m{m} k{k} n{n} {act}", ActivationError(act.Kind));
        }
    }

    public static IEnumerable<object[]> MatMulCases()
    {
        int[][] aShapes = [[0], [1, 0], [3, 0], [2, 3, 0]]; // 0 = K
        int seed = 0;
        foreach (var aShape in aShapes)
        foreach (int k in new[] { 1, 7, 8, 40 })
        foreach (bool vectorB in new[] { false, true })
            yield return [aShape, k, vectorB, seed++];
    }

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMulWithConstantWeightsMatchesTheReference(int[] aShape, int k, bool vectorB, int seed)
    {
        const int n = 6;
        var a = Random(aShape.Select(d => d == 0 ? k : d).ToArray(), seed * 3 + 1);
        var b = Random(vectorB ? [k] : [k, n], seed * 3 + 2);
        var expected = Eval(Node("MatMul", 2), 13, a, b)[0];
        var absSums = Eval(Node("MatMul", 2), 13, Abs(a), Abs(b))[0].Floats;
        foreach (var isa in FastIsas)
        {
            var (step, outputs) = FastStepRunner.Run(Node("MatMul", 2), 13, [a, b], [false, true], isa);
            Assert.IsType<F32FullyConnectedStep>(step);
            AssertShape(expected.Shape, outputs[0]);
            AssertWithinAccumulationBound(expected.Floats, outputs[0].Floats, absSums, k, 1, $"{CpuFeatures.Name(isa)} MatMul");
        }
    }

    [Fact]
    public void RuntimeWeightsAndTheReferenceIsaKeepTheReferenceStep()
    {
        var a = Random([2, 4], 1);
        var b = Random([4, 3], 2);
        foreach (var isa in FastIsas)
        {
            Assert.IsNotType<F32FullyConnectedStep>(FastStepRunner.Run(Node("MatMul", 2), 13, [a, b], [false, false], isa).Step);
            Assert.IsNotType<F32FullyConnectedStep>(FastStepRunner.Run(Node("Gemm", 2), 13, [a, b], [false, false], isa).Step);
            // transA with several rows would read A strided: reference.
            Assert.IsNotType<F32FullyConnectedStep>(FastStepRunner.Run(Node("Gemm", 2, 1, Int("transA", 1)), 13,
                [Random([4, 2], 3), b], [false, true], isa).Step);
        }
        Assert.IsNotType<F32FullyConnectedStep>(FastStepRunner.Run(Node("MatMul", 2), 13, [a, b], [false, true], KernelIsa.Reference).Step);
    }
}
