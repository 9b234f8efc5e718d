using System.CommandLine;
using System.Diagnostics;
using Cnnrt.Kernels;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt bench MODEL`: latency percentiles, allocated bytes per run, arena size, ISA.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = physical cores).", DefaultValueFactory = _ => 0 };
        var runs = new Option<int>("--runs") { Description = "Timed runs.", DefaultValueFactory = _ => 100 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first.", DefaultValueFactory = _ => 10 };
        var shape = new Option<string[]>("--input-shape") { Description = "Input shape(s) like 1x3x224x224, one per input." };
        var isa = new Option<string?>("--isa") { Description = "Kernel path: reference, vector128, avx2, avx512 (default: the widest this CPU runs)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("bench", "Measure inference latency and allocation.") { model, threads, runs, warmup, shape, isa, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(model)!, r.GetValue(threads), r.GetValue(runs), r.GetValue(warmup),
            r.GetValue(shape), CliSupport.ParseIsa(r.GetValue(isa)), r.GetValue(json))));
        return cmd;
    }

    private static int Execute(string modelPath, int threads, int runs, int warmup, string[]? shapes, KernelIsa? isa, bool json)
    {
        if (runs < 1) throw CnnrtException.Argument($"--runs must be at least 1, got {runs}");
        if (warmup < 0) throw CnnrtException.Argument($"--warmup must not be negative, got {warmup}");
        if (threads < 0) throw CnnrtException.Argument($"--threads must not be negative, got {threads}");
        var m = CliSupport.LoadModel(modelPath);
        var session = CliSupport.CreateSession(m, shapes, threads, isa);
        var rng = new Random(1234);
        for (int i = 0; i < session.InputCount; i++)
        {
            var input = session.Input(i);
            for (int k = 0; k < input.Length; k++) input[k] = (float)(rng.NextDouble() * 2 - 1);
        }
        for (int i = 0; i < warmup; i++) session.Run();

        var times = new double[runs];
        // Process-wide and precise: a worker thread that allocates counts too.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            session.Run();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Array.Sort(times);
        double Pct(double p) => times[Math.Min(times.Length - 1, (int)Math.Ceiling(p * times.Length) - 1)];
        double median = times.Length % 2 == 1 ? times[times.Length / 2] : (times[times.Length / 2 - 1] + times[times.Length / 2]) / 2;
        double perRun = (double)allocated / runs;

        if (json)
        {
            using var w = CliSupport.JsonOut();
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteNumber("runs", runs);
            w.WriteNumber("threads", threads);
            w.WriteNumber("median_ms", median);
            w.WriteNumber("p90_ms", Pct(0.90));
            w.WriteNumber("p99_ms", Pct(0.99));
            w.WriteNumber("min_ms", times[0]);
            w.WriteNumber("allocated_bytes_per_run", perRun);
            w.WriteNumber("arena_bytes", session.Plan.ArenaBytes);
            w.WriteNumber("intermediate_bytes", session.Plan.IntermediateBytes);
            w.WriteString("isa", CpuFeatures.Name(session.Plan.Isa));
            w.WriteEndObject();
        }
        else
        {
            Console.WriteLine($"model: {modelPath} ({string.Join(", ", Enumerable.Range(0, session.InputCount).Select(i => CliSupport.Shape(session.InputShape(i))))})");
            Console.WriteLine($"runs: {runs} (after {warmup} warm-up), threads: {threads}, isa: {CpuFeatures.Name(session.Plan.Isa)}");
            Console.WriteLine($"latency ms: median {median:F4}  p90 {Pct(0.90):F4}  p99 {Pct(0.99):F4}  min {times[0]:F4}");
            Console.WriteLine($"allocated bytes per run: {perRun:F1}");
            Console.WriteLine($"arena: {session.Plan.ArenaBytes} bytes (all intermediate tensors: {session.Plan.IntermediateBytes} bytes)");
        }
        return 0;
    }
}
