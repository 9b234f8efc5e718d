using Cnnrt.Planning;
using Cnnrt.Tensors;

namespace Cnnrt;

/// <summary>Options for a session.</summary>
public sealed record SessionOptions
{
    /// <summary>Worker threads for one run; 0 = the number of physical cores.</summary>
    public int Threads { get; init; }
    /// <summary>Kernel path; null = the widest this CPU runs. Tests force each path to compare it with the reference.</summary>
    public Kernels.KernelIsa? Isa { get; init; }
    /// <summary>Input shapes to plan for at creation; null = the model's declared shapes (batch 1).</summary>
    public IReadOnlyList<int[]>? InputShapes { get; init; }
}

/// <summary>
/// Runs a model. Owns the plan (and its arena) for the current input shapes; a new shape re-plans, a repeated one
/// reuses the plan it has. A session belongs to one thread at a time; its runs allocate nothing. Disposing it stops
/// its worker threads.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);
    private Plan _plan;
    private readonly Threading.WorkerPool? _pool;

    public Session(Model model, SessionOptions? options = null)
    {
        Model = model;
        Options = options ?? new SessionOptions();
        if (Options.Threads < 0) throw CnnrtException.Argument($"thread count must not be negative, got {Options.Threads}");
        Threads = Options.Threads == 0 ? Threading.CpuTopology.PhysicalCores : Options.Threads;
        _pool = Threads > 1 ? new Threading.WorkerPool(Threads) : null;
        _plan = PlanFor(Options.InputShapes ?? model.DefaultInputShapes());
    }

    public Model Model { get; }
    /// <summary>Threads a run uses (the caller's plus workers).</summary>
    public int Threads { get; }
    public SessionOptions Options { get; }
    /// <summary>The plan for the current input shapes.</summary>
    public Plan Plan => _plan;
    /// <summary>How many distinct input shapes this session has planned for.</summary>
    public int PlanCount => _plans.Count;

    public int InputCount => _plan.InputInfos.Length;
    public int OutputCount => _plan.OutputInfos.Length;
    public ReadOnlySpan<int> InputShape(int index) => _plan.InputInfos[CheckIndex(index, InputCount, "input")].Shape;
    public ReadOnlySpan<int> OutputShape(int index) => _plan.OutputInfos[CheckIndex(index, OutputCount, "output")].Shape;
    public string InputName(int index) => Model.Inputs[CheckIndex(index, InputCount, "input")].Name;
    public string OutputName(int index) => Model.Outputs[CheckIndex(index, OutputCount, "output")].Name;

    /// <summary>
    /// Makes the session run with these input shapes: re-plans when they are new, switches back to an earlier plan
    /// when they are not, and does nothing when they are the current ones.
    /// </summary>
    public void SetInputShapes(IReadOnlyList<int[]> shapes)
    {
        if (SameAsCurrent(shapes)) return;
        _plan = PlanFor(shapes);
    }

    /// <summary>The arena span of input <paramref name="index"/>, to fill before <see cref="Run()"/>.</summary>
    public Span<float> Input(int index) => _plan.Input(CheckIndex(index, InputCount, "input"));

    /// <summary>The arena span of output <paramref name="index"/>, valid until the next run or re-plan.</summary>
    public ReadOnlySpan<float> Output(int index) => _plan.Output(CheckIndex(index, OutputCount, "output"));

    /// <summary>Runs on the inputs already written through <see cref="Input"/>.</summary>
    public void Run() => _plan.Run();

    /// <summary>One input, one output, at the current shapes: copies in, runs, copies out. Allocates nothing.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (InputCount != 1 || OutputCount != 1)
            throw CnnrtException.Argument($"this model has {InputCount} inputs and {OutputCount} outputs; use Input(i)/Run()/Output(i)");
        var inSpan = _plan.Input(0);
        if (input.Length != inSpan.Length)
            throw CnnrtException.Argument($"input '{InputName(0)}' needs {inSpan.Length} floats ({ShapeMath.Format(InputShape(0))}), got {input.Length}");
        var outSpan = _plan.Output(0);
        if (output.Length != outSpan.Length)
            throw CnnrtException.Argument($"output '{OutputName(0)}' has {outSpan.Length} floats ({ShapeMath.Format(OutputShape(0))}), the buffer holds {output.Length}");
        input.CopyTo(inSpan);
        _plan.Run();
        _plan.Output(0).CopyTo(output);
    }

    private bool SameAsCurrent(IReadOnlyList<int[]> shapes)
    {
        if (shapes.Count != _plan.InputInfos.Length) return false;
        for (int i = 0; i < shapes.Count; i++)
            if (!shapes[i].AsSpan().SequenceEqual(_plan.InputInfos[i].Shape)) return false;
        return true;
    }

    private Plan PlanFor(IReadOnlyList<int[]> shapes)
    {
        string key = string.Join(";", shapes.Select(s => string.Join("x", s)));
        if (!_plans.TryGetValue(key, out var plan)) _plans[key] = plan = Model.CreatePlan(shapes, Options.Isa, _pool);
        return plan;
    }

    public void Dispose() => _pool?.Dispose();

    private static int CheckIndex(int index, int count, string what) =>
        (uint)index < (uint)count ? index : throw CnnrtException.Argument($"{what} index {index} is out of range (the model has {count})");
}
