using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Operators.Shape;

/// <summary>Builders and runners shared by the shape and data-movement operator tests.</summary>
public static class ShapeTestUtil
{
    /// <summary>A 1-D int64 tensor (shapes, axes, starts...).</summary>
    public static Tensor Longs(params long[] v) => Tensor.FromLongs([v.Length], v);

    /// <summary>0, 1, 2, ... as float32 of the given shape.</summary>
    public static Tensor IotaF(params int[] shape)
    {
        var d = new float[ShapeMath.Count(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = i;
        return Tensor.FromFloats(shape, d);
    }

    /// <summary>0, 1, 2, ... as int64 of the given shape.</summary>
    public static Tensor IotaL(params int[] shape)
    {
        var d = new long[ShapeMath.Count(shape)];
        for (int i = 0; i < d.Length; i++) d[i] = i;
        return Tensor.FromLongs(shape, d);
    }

    public static void AssertTensor<T>(int[] shape, T[] expected, Tensor actual)
    {
        OpTestUtil.AssertShape(shape, actual);
        Assert.Equal(expected, actual.As<T>());
    }

    /// <summary>
    /// Plans the node as the planner would, with input 0 known only at run time and the other inputs constant, then
    /// runs its float step once; returns the float outputs (null for outputs that were folded to constants).
    /// </summary>
    public static float[]?[] RunStep(Node node, int opset, params Tensor?[] inputs)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        var op = OperatorRegistry.Create(node, opset);
        var infos = inputs.Select((t, i) => t is null ? null : i == 0 ? new ValueInfo(t.Type, t.Shape) : ValueInfo.Of(t)).ToArray();
        var outInfos = op.InferOutputs(infos);
        var outputs = outInfos.Select(o => o.IsConstant ? null : new float[o.Count]).ToArray();
        var step = op.CreateStep(new StepContext
        {
            InputInfos = infos,
            OutputInfos = outInfos,
            Inputs = inputs.Select(t => t is { Type: DataType.Float } ? Slot.Of(t.Floats) : default).ToArray(),
            Outputs = outputs.Select(o => o is null ? default : Slot.Of(o)).ToArray(),
        });
        step.Run();
        return outputs;
    }

    /// <summary>Bytes the step's Run allocates on this thread (after a warm-up run).</summary>
    public static long AllocatedByRun(Step step)
    {
        step.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        step.Run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public static CnnrtException Fails(Action action, ErrorKind kind, params string[] mentions)
    {
        var e = Assert.Throws<CnnrtException>(action);
        Assert.Equal(kind, e.Kind);
        foreach (var m in mentions) Assert.Contains(m, e.Message);
        return e;
    }
}
