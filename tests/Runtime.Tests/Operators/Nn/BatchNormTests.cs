using Cnnrt.Operators.Nn;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Nn.NnTestUtil;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>Inference-mode BatchNormalization against its formula, its unsupported forms, and folding into Conv.</summary>
public class BatchNormTests
{
    private static float[] Formula(Tensor x, float[] s, float[] b, float[] mean, float[] var, float eps)
    {
        int c = x.Shape[1], plane = x.Length / (x.Shape[0] * c);
        var y = new float[x.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int ch = i / plane % c;
            y[i] = (float)((x.Floats[i] - mean[ch]) / Math.Sqrt(var[ch] + (double)eps) * s[ch] + b[ch]);
        }
        return y;
    }

    [Fact]
    public void OnnxExample()
    {
        // test_batchnorm_example's parameters on a small input.
        var x = F([1, 2, 1, 3], -1, 0, 1, 2, 3, 4);
        float[] s = [1, 1.5f], b = [0, 1], mean = [0, 3], var = [1, 1.5f];
        var y = Run("BatchNormalization", 15, [x, F([2], s), F([2], b), F([2], mean), F([2], var)], 1)[0];
        AssertClose([-0.999995f, 0, 0.999995f, -0.22474074f, 1, 2.2247407f], y.Floats);
    }

    [Theory]
    [InlineData(7, new[] { 2, 3, 4, 5 })]
    [InlineData(9, new[] { 1, 4 })]
    [InlineData(14, new[] { 2, 3, 2, 2, 2 })]
    [InlineData(15, new[] { 3, 2, 7 })]
    public void MatchesTheFormula(int opset, int[] shape)
    {
        var x = Random(shape, opset);
        int c = shape[1];
        var s = Random([c], 1).Floats; var b = Random([c], 2).Floats; var mean = Random([c], 3).Floats;
        var var = Random([c], 4, 0.1f, 2).Floats;
        Tensor[] inputs = [x, F([c], s), F([c], b), F([c], mean), F([c], var)];
        var node = Node("BatchNormalization", 5, 1, Float("epsilon", 1e-3f));
        var y = Eval(node, opset, inputs)[0];
        AssertShape(shape, y);
        AssertClose(Formula(x, s, b, mean, var, 1e-3f), y.Floats);
        AssertExact(y.Floats, ArenaRunner.Run(Node("BatchNormalization", 5, 1, Float("epsilon", 1e-3f)), opset, inputs)[0]);
    }

    [Fact]
    public void TrainingFormsAreNotSupported()
    {
        Tensor[] inputs = [Random([1, 2, 2], 1), F([2], 1, 1), F([2], 0, 0), F([2], 0, 0), F([2], 1, 1)];
        Assert.Equal(ErrorKind.Unsupported, AssertNodeError(() => Run("BatchNormalization", 15, inputs, 1, Int("training_mode", 1))).Kind);
        Assert.Equal(ErrorKind.Unsupported, AssertNodeError(() => Run("BatchNormalization", 7, inputs, 1, Int("spatial", 0))).Kind);
        Assert.Equal(ErrorKind.Unsupported, AssertNodeError(() => Run("BatchNormalization", 15, inputs, 3)).Kind);
        // Declared but unnamed (unused) statistics outputs are fine.
        var node = Node("BatchNormalization", 5, 3);
        node.Outputs = ["y0", "", ""];
        AssertClose(inputs[0].Floats.Select(v => v / MathF.Sqrt(1 + 1e-5f)).ToArray(), Eval(node, 15, inputs)[0].Floats);
        // Opset 7 with the explicit default spatial = 1 is the same computation.
        AssertExact(Run("BatchNormalization", 15, inputs, 1)[0].Floats, Run("BatchNormalization", 7, inputs, 1, Int("spatial", 1))[0]);
    }

    [Fact]
    public void RejectsParameterShapes() =>
        AssertNodeError(() => Run1("BatchNormalization", [Random([1, 2, 2], 1), F([3], 1, 1, 1), F([2], 0, 0), F([2], 0, 0), F([2], 1, 1)]));

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 2)]
    public void FoldingIntoConvEqualsConvThenBatchNorm(bool convBias, int group)
    {
        const int m = 4, c = 4;
        var x = Random([2, c, 6, 5], 10);
        var w = Random([m, c / group, 3, 3], 11);
        var b = convBias ? Random([m], 12) : null;
        var s = Random([m], 13).Floats; var beta = Random([m], 14).Floats; var mean = Random([m], 15).Floats;
        var var = Random([m], 16, 0.2f, 3).Floats;
        const float eps = 1e-4f;
        var attrs = new[] { Int("group", group), Ints("pads", 1, 0, 1, 2) };

        var conv = Run1("Conv", b is null ? [x, w] : [x, w, b], attrs);
        var reference = Run("BatchNormalization", 15, [conv, F([m], s), F([m], beta), F([m], mean), F([m], var)], 1, Float("epsilon", eps))[0];

        var (fw, fb) = BatchNormFolding.FoldIntoConv(w.Floats, b?.Floats, m, s, beta, mean, var, eps);
        var folded = Run1("Conv", [x, F(w.Shape, fw), F([m], fb)], attrs);
        AssertClose(reference.Floats, folded.Floats, 1e-4f, 1e-5f);
        Assert.NotSame(w.Floats, fw);
    }

    [Fact]
    public void FoldingChecksItsArguments() =>
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConv(new float[10], null, 3, new float[3], new float[3], new float[3], new float[3], 1e-5f));
}
