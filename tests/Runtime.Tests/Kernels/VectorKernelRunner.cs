using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Kernels;

/// <summary>
/// Runs one node's float step on a chosen kernel path the way a plan does: runtime inputs and the output are windows
/// of one arena, separated by NaN sentinels; the inputs listed as constants are initializers (their values known at
/// plan time, as weights are). Checks that Run() allocates nothing, leaves the inputs alone and writes only its
/// output window.
/// </summary>
internal static class VectorKernelRunner
{
    /// <summary>
    /// The vector paths to test: every one this CPU runs, plus Vector128 and the AVX-512 path always. Where the CPU
    /// lacks AVX-512 the AVX-512 path runs the same generic code on .NET's software Vector512 (its few AVX-512-only
    /// instructions run only on AVX-512 CPUs), so its logic (16-float vectors, tails, narrow rows) is still checked.
    /// </summary>
    public static IEnumerable<KernelIsa> FastIsas =>
        new[] { KernelIsa.Vector128, KernelIsa.Avx2, KernelIsa.Avx512 }
            .Where(i => i != KernelIsa.Avx2 || CpuFeatures.Supports(i));

    public static TheoryData<KernelIsa> IsaData()
    {
        var data = new TheoryData<KernelIsa>();
        foreach (var isa in FastIsas) data.Add(isa);
        return data;
    }

    public static Tensor Run(Node node, int opset, KernelIsa isa, Tensor?[] inputs, params int[] constantInputs) =>
        Run(node, opset, isa, inputs, null, constantInputs);

    /// <summary><see cref="Run(Node, int, KernelIsa, Tensor?[], int[])"/> with the step given a worker pool.</summary>
    public static Tensor Run(Node node, int opset, KernelIsa isa, Tensor?[] inputs, Cnnrt.Threading.WorkerPool? pool, params int[] constantInputs)
    {
        var (step, read) = Build(node, opset, isa, inputs, pool, constantInputs);
        step.Run();
        // The runtime itself allocates once when tiered compilation promotes a method a run has called often enough
        // (call counting completes on the calling thread); a step that allocates per run never gets a clean run.
        long allocated = 0;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            step.Run();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) break;
            Thread.Sleep(20);
        }
        Assert.True(allocated == 0, $"{node.OpType} step on {isa} allocated {allocated} bytes in every Run()");
        return read();
    }

    /// <summary>The step (for its type) and a function that checks the arena and returns the output.</summary>
    public static (Step Step, Func<Tensor> Read) Build(Node node, int opset, KernelIsa isa, Tensor?[] inputs, params int[] constantInputs) =>
        Build(node, opset, isa, inputs, null, constantInputs);

    public static (Step Step, Func<Tensor> Read) Build(Node node, int opset, KernelIsa isa, Tensor?[] inputs,
        Cnnrt.Threading.WorkerPool? pool, params int[] constantInputs)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        var op = OperatorRegistry.Create(node, opset);
        bool IsConstant(int i) => constantInputs.Contains(i) || inputs[i]!.Type != DataType.Float;
        var infos = inputs.Select((t, i) => t is null ? null : IsConstant(i) ? ValueInfo.Of(t) : new ValueInfo(t.Type, t.Shape)).ToArray();
        var outInfo = op.InferOutputs(infos)[0];

        const int gap = 5;
        int size = gap;
        var offsets = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { Type: DataType.Float } t && !IsConstant(i)) { offsets[i] = size; size += t.Length + gap; }
        int outOffset = size;
        size += outInfo.Count + gap;
        var arena = new float[size];
        Array.Fill(arena, float.NaN);

        var slots = new Slot[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { Type: DataType.Float } t) continue;
            if (IsConstant(i)) { slots[i] = Slot.Of(t.Floats); continue; }
            t.Floats.CopyTo(arena, offsets[i]);
            slots[i] = new Slot(arena, offsets[i], t.Length);
        }
        var step = op.CreateStep(new StepContext
        {
            InputInfos = infos, OutputInfos = [outInfo], Inputs = slots,
            Outputs = [new Slot(arena, outOffset, outInfo.Count)], Isa = isa, Pool = pool,
        });

        Tensor Read()
        {
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i] is { Type: DataType.Float } t && !IsConstant(i))
                    Assert.True(t.Floats.AsSpan().SequenceEqual(arena.AsSpan(offsets[i], t.Length)), $"input {i} was modified");
            Assert.True(float.IsNaN(arena[outOffset - 1]), "the step wrote before its output");
            Assert.True(float.IsNaN(arena[outOffset + outInfo.Count]), "the step wrote past its output");
            return Tensor.FromFloats(outInfo.Shape, arena.AsSpan(outOffset, outInfo.Count).ToArray());
        }
        return (step, Read);
    }
}
