using System.CommandLine;
using System.Diagnostics;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cnnrt.Diagnostics;
using Cnnrt.Kernels;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt bench MODEL`: latency percentiles, allocated bytes per run, arena size, ISA; optionally time per layer,
/// or the speed-up over another thread count timed run by run beside it.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = physical cores).", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "Timed runs.", DefaultValueFactory = _ => 100 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first (at least this many, and for at least --warmup-seconds).", DefaultValueFactory = _ => 10 };
        var warmupSeconds = new Option<double>("--warmup-seconds")
        {
            Description = "Keep warming up for at least this long, and then until the JIT has compiled nothing for 0.5 s (2 s on one CPU), at most 30 s: " +
                          "it recompiles hot kernels optimized only after ~30 calls and a delay. 0 turns both off.",
            DefaultValueFactory = _ => 1.0,
        };
        var shape = new Option<string[]>("--input-shape") { Description = "Input shape(s) like 1x3x224x224, one per input." };
        var isa = new Option<string?>("--isa") { Description = "Kernel path: reference, vector128, avx2, avx512 (default: the widest this CPU runs)." };
        var perLayer = new Option<bool>("--per-layer") { Description = "After the timed runs, as many runs again timing each plan step; report time per layer." };
        var top = new Option<int>("--top") { Description = "Layers shown by --per-layer in the text output (the JSON lists all).", DefaultValueFactory = _ => 20 };
        var versus = new Option<int?>("--versus-threads")
        {
            Description = "Also time a session with this many threads, alternating with the --threads one run by run, and report " +
                          "the speed-up of --threads over it (median of the pairs' ratios): both see the same moments of a shared host.",
        };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("bench", "Measure inference latency and allocation.") { model, threads, runs, warmup, warmupSeconds, shape, isa, perLayer, top, versus, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(model)!, r.GetValue(threads), r.GetValue(runs), r.GetValue(warmup),
            r.GetValue(warmupSeconds), r.GetValue(shape), CliSupport.ParseIsa(r.GetValue(isa)), r.GetValue(perLayer), r.GetValue(top),
            r.GetValue(versus), r.GetValue(json))));
        return cmd;
    }

    /// <summary>
    /// How long the JIT must have compiled nothing before the warm-up may end: past the runtime's delay before it
    /// counts calls to tier up (100 ms, restarted by every new tier-0 compilation) and the 30 calls that follow. On one
    /// CPU (a single-core board, a container limited to one CPU, `taskset` to one core) the runtime makes that delay ten
    /// times longer (`TC_DelaySingleProcMultiplier`), so the JIT is quiet for a second before it optimizes anything:
    /// ResNet-18 with `DOTNET_PROCESSOR_COUNT=1` was still on unoptimized code after the 1 s warm-up (18.5–24.2 ms a run
    /// against 13.3–13.8, and 13.6 in the profiled runs after them). A NativeAOT build compiles nothing and does not
    /// wait.
    /// </summary>
    private static readonly double JitQuietSeconds = Environment.ProcessorCount == 1 ? 2.0 : 0.5;

    /// <summary>The longest the warm-up waits for the JIT to go quiet (--warmup-seconds, when that is longer).</summary>
    private const double MaxWarmupSeconds = 30;

    private static int Execute(string modelPath, int threads, int runs, int warmup, double warmupSeconds, string[]? shapes,
        KernelIsa? isa, bool perLayer, int top, int? versusThreads, bool json)
    {
        if (runs < 1) throw CnnrtException.Argument($"--runs must be at least 1, got {runs}");
        if (warmup < 0) throw CnnrtException.Argument($"--warmup must not be negative, got {warmup}");
        if (!(warmupSeconds >= 0 && warmupSeconds <= 600)) throw CnnrtException.Argument($"--warmup-seconds must be in [0, 600], got {warmupSeconds}");
        if (threads < 0) throw CnnrtException.Argument($"--threads must not be negative, got {threads}");
        if (top < 1) throw CnnrtException.Argument($"--top must be at least 1, got {top}");
        if (versusThreads < 0) throw CnnrtException.Argument($"--versus-threads must not be negative, got {versusThreads}");
        if (versusThreads is not null && perLayer)
            throw CnnrtException.Argument("--versus-threads and --per-layer cannot be combined: the profiled runs would be timed beside unprofiled ones");
        var m = CliSupport.LoadModel(modelPath);
        var session = CliSupport.CreateSession(m, shapes, threads, isa);
        FillInputs(session);
        var other = versusThreads is int v ? CliSupport.CreateSession(m, shapes, v, isa) : null;
        if (other is not null) FillInputs(other);
        var profiler = perLayer ? new StepProfiler(session.Plan) : null;
        var times = new double[runs];
        var otherTimes = other is null ? null : new double[runs];

        // The warm-up goes through the same code as the measured runs, so whatever runs first there (tiered JIT,
        // static constructors NativeAOT runs lazily) is done before allocation is counted. It lasts long enough for the
        // JIT to replace the first, unoptimized code of the kernels: a small model's 10 runs take a few milliseconds,
        // less than the delay before tiering starts, and would otherwise be timed on tier-0 code. It then goes on
        // while the JIT is still compiling (see JitQuietSeconds), unless --warmup-seconds is 0.
        long warmStart = Stopwatch.GetTimestamp(), quietSince = warmStart;
        long compiled = JitInfo.GetCompiledMethodCount();
        int warmed = 0;
        bool Warming()
        {
            double elapsed = Stopwatch.GetElapsedTime(warmStart).TotalSeconds;
            if (warmed < warmup || elapsed < warmupSeconds) return true;
            return warmupSeconds > 0 && RuntimeFeature.IsDynamicCodeCompiled && elapsed < Math.Max(warmupSeconds, MaxWarmupSeconds)
                && Stopwatch.GetElapsedTime(quietSince).TotalSeconds < JitQuietSeconds;
        }
        while (Warming())
        {
            TimedRun(session);
            if (other is not null) TimedRun(other);
            profiler?.Run();
            warmed++;
            long now = JitInfo.GetCompiledMethodCount();
            if (now != compiled) (compiled, quietSince) = (now, Stopwatch.GetTimestamp());
        }
        double warmedSeconds = Stopwatch.GetElapsedTime(warmStart).TotalSeconds;
        profiler?.Reset();

        // Process-wide and precise: a worker thread that allocates counts too.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        if (other is null) TimeRuns(session, times);
        else TimeAlternating(session, times, other, otherTimes!);
        if (profiler is not null) ProfileRuns(profiler, runs);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        // Per pair, the other count's time over this one's: the speed-up at one moment of the host. Taken before
        // either array is sorted (Median sorts in place), while the pairs are still pairs.
        double? speedup = otherTimes is null ? null : Median(otherTimes.Zip(times, (o, t) => o / t).ToArray());
        double? otherMedian = otherTimes is null ? null : Median(otherTimes);

        double mean = times.Average();
        double median = Median(times); // sorts times, which Pct and the minimum read
        double Pct(double p) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(p * times.Length) - 1)];
        double perRun = (double)allocated / (profiler is null && other is null ? runs : 2 * runs);
        var layers = profiler?.Layers();

        if (json)
        {
            using var w = CliSupport.JsonOut();
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteNumber("runs", runs);
            w.WriteNumber("warmup", warmed);
            w.WriteNumber("warmup_seconds_taken", Math.Round(warmedSeconds, 3));
            w.WriteNumber("threads", threads);
            w.WriteNumber("median_ms", median);
            w.WriteNumber("mean_ms", mean);
            w.WriteNumber("p90_ms", Pct(0.90));
            w.WriteNumber("p99_ms", Pct(0.99));
            w.WriteNumber("min_ms", times[0]);
            w.WriteNumber("allocated_bytes_per_run", perRun);
            w.WriteNumber("arena_bytes", session.Plan.ArenaBytes);
            w.WriteNumber("intermediate_bytes", session.Plan.IntermediateBytes);
            w.WriteNumber("scratch_bytes", session.Plan.ScratchBytes);
            w.WriteString("isa", CpuFeatures.Name(session.Plan.Isa));
            w.WriteString("runtime", System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "jit" : "nativeaot");
            if (other is not null)
            {
                w.WriteNumber("versus_threads", versusThreads!.Value);
                w.WriteNumber("versus_median_ms", otherMedian!.Value);
                w.WriteNumber("speedup", speedup!.Value);
            }
            if (profiler is not null)
            {
                w.WriteNumber("profiled_ms_per_run", profiler.MsPerRun);
                WriteThreadMs(w, "thread_busy_ms_per_run", profiler.ThreadMsPerRun());
                w.WriteStartArray("layers");
                foreach (var l in layers!)
                {
                    w.WriteStartObject();
                    w.WriteString("node", l.Node);
                    w.WriteString("op", l.Op);
                    w.WriteNumber("steps", l.Steps);
                    w.WriteNumber("ms_per_run", l.MsPerRun);
                    w.WriteBoolean("folded", l.Folded);
                    w.WriteNumber("percent", l.Percent);
                    if (l.ThreadMs.Length > 0)
                    {
                        WriteThreadMs(w, "thread_busy_ms", l.ThreadMs);
                        w.WriteNumber("efficiency", l.Efficiency);
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        else
        {
            Console.WriteLine($"model: {modelPath} ({string.Join(", ", Enumerable.Range(0, session.InputCount).Select(i => CliSupport.Shape(session.InputShape(i))))})");
            Console.WriteLine($"runs: {runs} (after {warmed} warm-up in {warmedSeconds:F1} s), threads: {threads}, isa: {CpuFeatures.Name(session.Plan.Isa)}");
            Console.WriteLine($"latency ms: median {median:F4}  p90 {Pct(0.90):F4}  p99 {Pct(0.99):F4}  min {times[0]:F4}");
            if (other is not null)
                Console.WriteLine($"versus {versusThreads} thread(s), alternating run by run: median {otherMedian:F4} ms; " +
                                  $"speed-up {speedup:F3}x (median of the {runs} pairs' ratios)");
            Console.WriteLine($"allocated bytes per run: {perRun:F1}");
            Console.WriteLine($"arena: {session.Plan.ArenaBytes} bytes (all intermediate tensors: {session.Plan.IntermediateBytes} bytes); " +
                              $"scratch: {session.Plan.ScratchBytes} bytes (shared by the steps, all threads)");
            if (profiler is not null) WriteLayerTable(layers!, profiler, top);
        }
        return 0;
    }

    private static void FillInputs(Session session)
    {
        var rng = new Random(1234);
        for (int i = 0; i < session.InputCount; i++)
        {
            var input = session.Input(i);
            for (int k = 0; k < input.Length; k++) input[k] = (float)(rng.NextDouble() * 2 - 1);
        }
    }

    /// <summary>The median of <paramref name="values"/>, which it sorts.</summary>
    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static void WriteThreadMs(System.Text.Json.Utf8JsonWriter w, string name, double[] ms)
    {
        if (ms.Length == 0) return;
        w.WriteStartArray(name);
        foreach (double m in ms) w.WriteNumberValue(m);
        w.WriteEndArray();
    }

    // The measured loops are methods of their own, compiled fully optimized at first call: as loops of Execute they
    // ran tier-0 code that on-stack replacement swapped for optimized code in the middle of the measurement.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TimeRuns(Session session, double[] times)
    {
        for (int i = 0; i < times.Length; i++) times[i] = TimedRun(session);
    }

    /// <summary>
    /// Pair i: one run of each session, the order swapping every pair (a run right after the other session's may find
    /// its caches cold or its worker threads asleep). On the 2-vCPU VM separate processes measured ResNet-18's 2-thread
    /// speed-up anywhere from 1.39x to 1.81x on 2026-12-05 as the host's phases came and went; timed alternately, both
    /// counts see each phase.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TimeAlternating(Session session, double[] times, Session other, double[] otherTimes)
    {
        for (int i = 0; i < times.Length; i++)
        {
            if ((i & 1) == 0)
            {
                times[i] = TimedRun(session);
                otherTimes[i] = TimedRun(other);
            }
            else
            {
                otherTimes[i] = TimedRun(other);
                times[i] = TimedRun(session);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ProfileRuns(StepProfiler profiler, int runs)
    {
        for (int i = 0; i < runs; i++) profiler.Run();
    }

    private static double TimedRun(Session session)
    {
        long t0 = Stopwatch.GetTimestamp();
        session.Run();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static void WriteLayerTable(IReadOnlyList<LayerTime> layers, StepProfiler profiler, int top)
    {
        if (layers.Count == 0)
        {
            Console.WriteLine("per layer: the plan has no steps (everything folded at plan time)");
            return;
        }
        Console.WriteLine($"per layer ({profiler.Runs} profiled runs, {profiler.MsPerRun:F4} ms per run; {Math.Min(top, layers.Count)} of {layers.Count} layers, slowest first):");
        var threadMs = profiler.ThreadMsPerRun();
        if (threadMs.Length > 0)
            Console.WriteLine($"threads busy ms per run: {string.Join(" ", threadMs.Select(m => m.ToString("F4")))} " +
                              $"({100 * threadMs.Sum() / (threadMs.Length * profiler.MsPerRun):F1}% of {threadMs.Length} × the run; the rest is waiting)");
        int nameWidth = Math.Max(5, layers.Take(top).Max(l => l.Node.Length));
        int opWidth = Math.Max(2, layers.Take(top).Max(l => OpLabel(l).Length));
        // On a pool: each thread's busy time in the layer, and their sum over threads × the layer's time.
        string ThreadColumns(LayerTime l) => threadMs.Length == 0 ? ""
            : $"  {string.Join(" ", l.ThreadMs.Select(m => m.ToString("F4").PadLeft(8)))}  {100 * l.Efficiency,6:F1}";
        string threadHeader = threadMs.Length == 0 ? ""
            : $"  {string.Join(" ", Enumerable.Range(0, threadMs.Length).Select(t => $"t{t} busy".PadLeft(8)))}  {"busy %",6}";
        Console.WriteLine($"  {"layer".PadRight(nameWidth)}  {"op".PadRight(opWidth)}  {"ms/run",10}  {"%",6}  {"cum. %",6}{threadHeader}");
        double cumulative = 0;
        foreach (var l in layers.Take(top))
        {
            cumulative += l.Percent;
            Console.WriteLine($"  {l.Node.PadRight(nameWidth)}  {OpLabel(l).PadRight(opWidth)}  {l.MsPerRun,10:F4}  {l.Percent,6:F2}  {cumulative,6:F2}{ThreadColumns(l)}");
        }
    }

    /// <summary>The op, marked where a layer next to it does its work (its time is then in that layer's).</summary>
    private static string OpLabel(LayerTime l) => l.Folded ? $"{l.Op} (folded)" : l.Op;
}
