using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Operators.Nn;

/// <summary>
/// Runs an operator's float step the way a plan does: every float tensor is a window at a non-zero offset of one
/// shared arena, non-float inputs are plan-time constants only. Checks that Run() allocates nothing once warm.
/// </summary>
internal static class ArenaRunner
{
    public static Tensor[] Run(Node node, int opset, params Tensor?[] inputs)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        var op = OperatorRegistry.Create(node, opset);
        var infos = inputs.Select(t => t is null ? null : t.Type == DataType.Float ? new ValueInfo(t.Type, t.Shape) : ValueInfo.Of(t)).ToArray();
        var outInfos = op.InferOutputs(infos);

        // Lay everything out back to back with a gap of sentinel values between windows.
        const int gap = 7;
        int size = gap;
        var inOffsets = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { Type: DataType.Float } t) { inOffsets[i] = size; size += t.Length + gap; }
        var outOffsets = new int[outInfos.Length];
        for (int i = 0; i < outInfos.Length; i++) { outOffsets[i] = size; size += outInfos[i].Count + gap; }
        var arena = new float[size];
        Array.Fill(arena, float.NaN);

        var inSlots = new Slot[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { Type: DataType.Float } t)
            {
                t.Floats.CopyTo(arena, inOffsets[i]);
                inSlots[i] = new Slot(arena, inOffsets[i], t.Length);
            }
        var outSlots = new Slot[outInfos.Length];
        for (int i = 0; i < outInfos.Length; i++) outSlots[i] = new Slot(arena, outOffsets[i], outInfos[i].Count);

        var step = op.CreateStep(new StepContext { InputInfos = infos, OutputInfos = outInfos, Inputs = inSlots, Outputs = outSlots });
        step.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        step.Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{node.OpType} step allocated {allocated} bytes in Run()");

        // Inputs must be untouched and the gaps must still hold their sentinels.
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { Type: DataType.Float } t)
                Assert.True(t.Floats.AsSpan().SequenceEqual(arena.AsSpan(inOffsets[i], t.Length)), $"input {i} was modified");
        for (int i = 0; i < outInfos.Length; i++)
        {
            Assert.True(float.IsNaN(arena[outOffsets[i] - 1]), $"output {i} wrote before its slot");
            Assert.True(float.IsNaN(arena[outOffsets[i] + outInfos[i].Count]), $"output {i} wrote past its slot");
        }
        return outInfos.Select((o, i) => Tensor.FromFloats(o.Shape, arena.AsSpan(outOffsets[i], o.Count).ToArray())).ToArray();
    }
}
