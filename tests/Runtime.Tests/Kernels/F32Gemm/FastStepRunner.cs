using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Kernels.F32Gemm;

/// <summary>
/// Plans one node the way the planner does for a model whose weights are initializers — constant inputs carry their
/// value in the ValueInfo and live in their own arrays, runtime inputs and outputs are windows of one NaN-filled arena —
/// runs the step, and returns it with its outputs. Checks what a plan relies on: Run() allocates nothing, leaves the
/// inputs alone and writes nothing outside its outputs.
/// </summary>
internal static class FastStepRunner
{
    private const int Gap = 7;

    /// <param name="constant">Which inputs are plan-time constants.</param>
    /// <param name="slack">Floats of arena after the last runtime input (what an in-place reader may over-read).</param>
    /// <param name="create">Builds the step; by default the operator's own CreateStep at <paramref name="isa"/>.</param>
    public static (Step Step, Tensor[] Outputs) Run(Node node, int opset, Tensor?[] inputs, bool[] constant, KernelIsa isa,
        int slack = 0, Func<Operator, StepContext, Step>? create = null)
    {
        node.Inputs = inputs.Select((t, i) => t is null ? "" : $"x{i}").ToArray();
        var op = OperatorRegistry.Create(node, opset);
        var infos = inputs.Select((t, i) => t is null ? null : constant[i] ? ValueInfo.Of(t) : new ValueInfo(t.Type, t.Shape)).ToArray();
        var outInfos = op.InferOutputs(infos);

        int size = Gap;
        var outOffsets = new int[outInfos.Length];
        for (int i = 0; i < outInfos.Length; i++) { outOffsets[i] = size; size += outInfos[i].Count + Gap; }
        var inOffsets = new int[inputs.Length];
        int lastRuntime = -1;
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is not null && !constant[i]) lastRuntime = i;
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { } t && !constant[i]) { inOffsets[i] = size; size += t.Length + (i == lastRuntime ? slack : Gap); }
        var arena = new float[size];
        Array.Fill(arena, float.NaN);

        var inSlots = new Slot[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            if (constant[i]) { inSlots[i] = Slot.Of((float[])t.Floats.Clone()); continue; }
            t.Floats.CopyTo(arena, inOffsets[i]);
            inSlots[i] = new Slot(arena, inOffsets[i], t.Length);
        }
        var outSlots = new Slot[outInfos.Length];
        for (int i = 0; i < outInfos.Length; i++) outSlots[i] = new Slot(arena, outOffsets[i], outInfos[i].Count);

        var context = new StepContext { InputInfos = infos, OutputInfos = outInfos, Inputs = inSlots, Outputs = outSlots, Isa = isa };
        var step = create is null ? op.CreateStep(context) : create(op, context);
        step.Run();
        // The fewest bytes of three runs: a run's own allocation shows in every run, while the runtime's one-off
        // bookkeeping (tiered JIT installing a method) lands in one.
        long allocated = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            step.Run();
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocated == 0, $"{step.GetType().Name} allocated {allocated} bytes in Run()");

        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i] is { } t && !constant[i])
                Assert.True(t.Floats.AsSpan().SequenceEqual(arena.AsSpan(inOffsets[i], t.Length)), $"input {i} was modified");
        for (int i = 0; i < outInfos.Length; i++)
        {
            Assert.True(float.IsNaN(arena[outOffsets[i] - 1]), $"output {i} wrote before its slot");
            Assert.True(float.IsNaN(arena[outOffsets[i] + outInfos[i].Count]), $"output {i} wrote past its slot");
        }
        var outputs = outInfos.Select((o, i) => Tensor.FromFloats(o.Shape, arena.AsSpan(outOffsets[i], o.Count).ToArray())).ToArray();
        return (step, outputs);
    }

    /// <summary>The fast ISA paths this host runs (every one but the reference oracle).</summary>
    public static IEnumerable<KernelIsa> FastIsas => CpuFeatures.Available.Where(i => i != KernelIsa.Reference);

    /// <summary>
    /// |fast − reference| ≤ lipschitz·2·K·u·Σ|terms| + 4u·|reference| + 1e-7 per element: both sides sum K products in
    /// float (worst-case rounding K·u of the absolute sum each, u = 2⁻²⁴), and the activation scales the difference by
    /// at most its Lipschitz constant and may itself differ by an ulp or two (vector float vs reference double).
    /// </summary>
    public static void AssertWithinAccumulationBound(float[] expected, float[] actual, float[] absoluteSums, int k,
        float lipschitz, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = lipschitz * 2 * k * u * absoluteSums[i] + 4 * u * Math.Abs(expected[i]) + 1e-7;
            double error = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(error <= bound, $"{what}: element {i}: reference {expected[i]:G9}, fast {actual[i]:G9}, " +
                $"|difference| {error:G3} > bound {bound:G3}");
        }
    }

    public static Tensor Abs(Tensor t) => Tensor.FromFloats(t.Shape, t.Floats.Select(MathF.Abs).ToArray());
}
