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
            // Integer constants (Pad's pads) are read from their ValueInfo at plan time and have no slot.
            if (constant[i]) { inSlots[i] = t.Type == DataType.Float ? Slot.Of((float[])t.Floats.Clone()) : default; continue; }
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
    /// |fast − reference| ≤ lipschitz·2·K·u·Σ|terms| + activationError·u·|reference| + 1e-7 per element: both sides sum
    /// K products in float (worst-case rounding K·u of the absolute sum each, u = 2⁻²⁴), the activation scales the
    /// difference by at most its Lipschitz constant, and the two activations differ by their own errors
    /// (<see cref="ActivationError"/>).
    /// </summary>
    public static void AssertWithinAccumulationBound(float[] expected, float[] actual, float[] absoluteSums, int k,
        float lipschitz, string what, double activationError = 4)
    {
        Assert.Equal(expected.Length, actual.Length);
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = lipschitz * 2 * k * u * absoluteSums[i] + activationError * u * Math.Abs(expected[i]) + 1e-7;
            double error = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(error <= bound, $"{what}: element {i}: reference {expected[i]:G9}, fast {actual[i]:G9}, " +
                $"|difference| {error:G3} > bound {bound:G3}");
        }
    }

    /// <summary>
    /// How far a fast activation may land from the reference's on the same input, in units of u·|result| (one ulp of
    /// y is at most 2u·|y|): the reference rounds a double result once (½ ulp); the vector sigmoid and tanh are within
    /// 3 ulp of the exact value (VectorMathAccuracyTests), so 2·3.5; Swish is x times a sigmoid 3.5 ulp apart plus one
    /// float product rounding on each side, 2·3.5 + 2. The piecewise-linear activations round differently (float FMA vs
    /// double) by at most an ulp each side: 4.
    /// </summary>
    public static double ActivationError(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => 7,
        ActivationKind.Tanh => 7,
        ActivationKind.Swish => 9,
        _ => 4,
    };

    /// <summary>
    /// The largest slope of the activation, which scales the difference of its inputs: 1 for most, Swish's is
    /// 1.0998 (at x ≈ 2.4); x·clamp(αx + β, 0, 1) (α &gt; 0) has slope 2αx + β between the clamps, from −β to 2 − β.
    /// </summary>
    public static float Lipschitz(FusedActivation activation) => activation.Kind switch
    {
        ActivationKind.HardSwish => 1.5f,
        ActivationKind.HardSigmoidGate => Math.Max(1f, Math.Max(2 - activation.Beta, Math.Abs(activation.Beta))),
        ActivationKind.Swish => 1.1f,
        _ => 1f,
    };

    public static Tensor Abs(Tensor t) => Tensor.FromFloats(t.Shape, t.Floats.Select(MathF.Abs).ToArray());
}
