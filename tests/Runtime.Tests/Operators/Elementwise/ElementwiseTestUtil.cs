using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Operators.Elementwise;

/// <summary>Helpers of the elementwise tests: planned steps, ulp comparison, a naive broadcast oracle.</summary>
public static class ElementwiseTestUtil
{
    /// <summary>
    /// Builds the float step as the planner would (float inputs are runtime slots; non-float inputs are constants
    /// read from their infos) and returns it with the output tensors it writes.
    /// </summary>
    public static (Step Step, Tensor[] Outputs) Plan(Node node, int opset, params Tensor?[] inputs)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        var op = OperatorRegistry.Create(node, opset);
        var infos = inputs.Select(t => t is null ? null : t.Type == DataType.Float ? new ValueInfo(t.Type, t.Shape) : ValueInfo.Of(t)).ToArray();
        var outInfos = op.InferOutputs(infos);
        var outputs = outInfos.Select(o => Tensor.Zeros(o.Type, o.Shape)).ToArray();
        var step = op.CreateStep(new StepContext
        {
            InputInfos = infos,
            OutputInfos = outInfos,
            Inputs = inputs.Select(t => t is { Type: DataType.Float } ? Slot.Of(t.Floats) : default).ToArray(),
            Outputs = outputs.Select(t => t.Type == DataType.Float ? Slot.Of(t.Floats) : default).ToArray(),
        });
        return (step, outputs);
    }

    /// <summary>Runs a step a few times (JIT warm-up), then asserts one more run allocates nothing.</summary>
    public static void AssertRunAllocatesNothing(Step step)
    {
        for (int i = 0; i < 3; i++) step.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        step.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{step.OpType} step allocated {allocated} bytes in Run()");
    }

    /// <summary>Distance in units in the last place (0 for equal values, including ±0; NaN only matches NaN).</summary>
    public static long UlpDistance(float expected, float actual)
    {
        if (float.IsNaN(expected) || float.IsNaN(actual)) return float.IsNaN(expected) && float.IsNaN(actual) ? 0 : long.MaxValue;
        if (expected == actual) return 0;
        if (float.IsInfinity(expected) || float.IsInfinity(actual)) return long.MaxValue;
        return Math.Abs(Ordered(expected) - Ordered(actual));
    }

    private static long Ordered(float f)
    {
        int bits = BitConverter.SingleToInt32Bits(f);
        return bits < 0 ? -(long)(bits & int.MaxValue) : bits;
    }

    public static void AssertUlps(float expected, float actual, int ulps, string context)
    {
        long d = UlpDistance(expected, actual);
        Assert.True(d <= ulps, $"{context}: expected {expected:R}, got {actual:R} ({(d == long.MaxValue ? "∞" : d.ToString())} ulp)");
    }

    /// <summary>Numpy's broadcast of two shapes, computed independently of ShapeMath.</summary>
    public static int[] NumpyShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1, db = i <= b.Length ? b[^i] : 1;
            Assert.True(da == db || da == 1 || db == 1, "test shapes must broadcast");
            r[^i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>The element of a tensor of <paramref name="shape"/> that output index <paramref name="index"/> reads.</summary>
    public static int SourceIndex(int[] shape, int[] index)
    {
        int offset = index.Length - shape.Length, flat = 0;
        for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + (shape[d] == 1 ? 0 : index[d + offset]);
        return flat;
    }

    /// <summary>Row-major multi-index of a flat position.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
        return index;
    }

    /// <summary>f applied with numpy broadcasting, element by element through explicit multi-indices.</summary>
    public static double[] NaiveBroadcast(Tensor a, Tensor b, Func<double, double, double> f, out int[] shape)
    {
        shape = NumpyShape(a.Shape, b.Shape);
        var r = new double[shape.Aggregate(1, (p, d) => p * d)];
        for (int i = 0; i < r.Length; i++)
        {
            var index = Unravel(i, shape);
            r[i] = f(a.ElementAsDouble(SourceIndex(a.Shape, index)), b.ElementAsDouble(SourceIndex(b.Shape, index)));
        }
        return r;
    }
}
