using System.Text.Json;
using Cnnrt.Kernels;
using Cnnrt.Onnx;
using Cnnrt.Tests.Support;

namespace Cnnrt.Cli.Tests;

public sealed class PeakAndProfileCommandTests
{
    [Fact]
    public void Info_peak_json_measures_a_positive_rate_for_every_available_isa()
    {
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("info", "--peak", "--peak-seconds", "0.05", "--json"));
        var peaks = doc.RootElement.GetProperty("peaks").EnumerateArray().ToList();
        var names = peaks.Select(p => p.GetProperty("isa").GetString()).ToList();
        Assert.Equal(CpuFeatures.Available.Select(CpuFeatures.Name), names);
        foreach (var p in peaks)
        {
            Assert.True(p.GetProperty("gflops").GetDouble() > 0, $"{p.GetProperty("isa")}: GFLOP/s {p.GetProperty("gflops")}");
            Assert.True(p.GetProperty("lanes").GetInt32() >= 1);
        }
        // Wider vectors do not measure slower than the scalar loop (a loose check: each runs at least as fast as 1 lane).
        double scalar = peaks[0].GetProperty("gflops").GetDouble();
        foreach (var p in peaks.Skip(1)) Assert.True(p.GetProperty("gflops").GetDouble() > 0.5 * scalar);
    }

    [Fact]
    public void Bench_per_layer_json_lists_every_node_with_times_that_fit_the_run_and_allocates_nothing()
    {
        string dir = CnnrtProcess.TempDir();
        string model = Path.Combine(dir, "model.onnx");
        OnnxWriter.WriteFile(model, GraphBuilder.TypicalCnn());
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--per-layer", "--runs", "300", "--warmup", "20", "--json"));
        var root = doc.RootElement;

        var expected = new Session(Model.Load(model)).Plan.StepList.Select(s => s.NodeName).Distinct().Order().ToList();
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(expected, layers.Select(l => l.GetProperty("node").GetString()!).Order().ToList());

        double sum = layers.Sum(l => l.GetProperty("ms_per_run").GetDouble());
        double total = root.GetProperty("profiled_ms_per_run").GetDouble();
        Assert.True(total > 0);
        Assert.True(sum <= total * (1 + 1e-9), $"layers sum to {sum} ms per run, more than the profiled run's {total} ms");
        Assert.Equal(100, layers.Sum(l => l.GetProperty("percent").GetDouble()), 6);
        var times = layers.Select(l => l.GetProperty("ms_per_run").GetDouble()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times); // slowest first
        Assert.All(layers, l => Assert.False(string.IsNullOrEmpty(l.GetProperty("op").GetString())));
        AssertAllocatesNothing(root, "bench", model, "--per-layer", "--runs", "300", "--warmup", "20", "--json");
    }

    /// <summary>
    /// Process-wide bytes per run of a `bench --json` output, 0, or 0 in one of three more runs of the same command: the
    /// runtime's own threads (a tiering compile finishing late on a loaded machine, which this suite is) may allocate
    /// once during the runs; a run path that allocates does so in every process.
    /// </summary>
    internal static void AssertAllocatesNothing(JsonElement first, params string[] command)
    {
        double allocated = first.GetProperty("allocated_bytes_per_run").GetDouble();
        for (int attempt = 0; attempt < 3 && allocated != 0; attempt++)
        {
            using var again = JsonDocument.Parse(CnnrtProcess.Ok(command));
            allocated = again.RootElement.GetProperty("allocated_bytes_per_run").GetDouble();
        }
        Assert.Equal(0.0, allocated);
    }

    [Fact]
    public void Bench_per_layer_on_a_pool_gives_each_threads_busy_time_within_the_layers_time()
    {
        string dir = CnnrtProcess.TempDir();
        string model = Path.Combine(dir, "model.onnx");
        OnnxWriter.WriteFile(model, GraphBuilder.TypicalCnn());
        string[] command = ["bench", model, "--per-layer", "--threads", "3", "--runs", "100", "--warmup", "20", "--json"];
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok(command));
        var root = doc.RootElement;
        double total = root.GetProperty("profiled_ms_per_run").GetDouble();
        var threadTotals = root.GetProperty("thread_busy_ms_per_run").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(3, threadTotals.Count);
        // The calling thread is busy in every step (it runs the serial ones whole); a worker only in parallel runs.
        Assert.True(threadTotals[0] > 0);
        Assert.All(threadTotals, ms => Assert.InRange(ms, 0, total * (1 + 1e-9)));
        foreach (var l in root.GetProperty("layers").EnumerateArray())
        {
            double ms = l.GetProperty("ms_per_run").GetDouble();
            var busy = l.GetProperty("thread_busy_ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
            Assert.Equal(3, busy.Count);
            Assert.All(busy, b => Assert.InRange(b, 0, ms * (1 + 1e-9) + 1e-6));
            Assert.Equal(busy.Sum() / (3 * ms), l.GetProperty("efficiency").GetDouble(), 9);
        }
        Assert.Equal(threadTotals.Sum(), root.GetProperty("layers").EnumerateArray()
            .Sum(l => l.GetProperty("thread_busy_ms").EnumerateArray().Sum(e => e.GetDouble())), 6);
        AssertAllocatesNothing(root, command);

        using var single = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--per-layer", "--threads", "1", "--runs", "20", "--warmup-seconds", "0", "--json"));
        Assert.False(single.RootElement.TryGetProperty("thread_busy_ms_per_run", out _));
        Assert.All(single.RootElement.GetProperty("layers").EnumerateArray(), l => Assert.False(l.TryGetProperty("thread_busy_ms", out _)));
        string text = CnnrtProcess.Ok("bench", model, "--per-layer", "--threads", "2", "--runs", "20", "--warmup-seconds", "0");
        Assert.Contains("threads busy ms per run: ", text);
        Assert.Contains("t1 busy", text);
    }

    [Fact]
    public void Bench_per_layer_marks_the_layers_folded_into_their_neighbours()
    {
        // The shipped Fashion CNN: on a fast path each 2×2 MaxPool is taken by the Conv before it (PoolFusion), but for
        // a Conv run as Winograd (its 32→64 at 14×14 on AVX-512), which takes no pool.
        string model = Path.Combine(CnnrtProcess.RepoRoot, "models", "fashion-mnist", "fashion_cnn.onnx");
        var steps = new Session(Model.Load(model)).Plan.StepList;
        var folded = steps.Where(s => s is Cnnrt.Planning.SkippedStep).Select(s => s.NodeName).ToHashSet();
        int winograd = steps.Count(s => s is Cnnrt.Kernels.F32Winograd.F32WinogradStep);
        if (CpuFeatures.Best != KernelIsa.Reference) Assert.Equal(3 - winograd, folded.Count(n => n.EndsWith("MaxPool", StringComparison.Ordinal)));
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--per-layer", "--runs", "20", "--warmup-seconds", "0", "--json"));
        foreach (var l in doc.RootElement.GetProperty("layers").EnumerateArray())
            Assert.Equal(folded.Contains(l.GetProperty("node").GetString()!), l.GetProperty("folded").GetBoolean());
        string text = CnnrtProcess.Ok("bench", model, "--per-layer", "--runs", "20", "--warmup-seconds", "0");
        Assert.Equal(folded.Count, text.Split('\n').Count(l => l.Contains("(folded)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Bench_per_layer_text_shows_the_top_layers()
    {
        string dir = CnnrtProcess.TempDir();
        string model = Path.Combine(dir, "model.onnx");
        OnnxWriter.WriteFile(model, GraphBuilder.TypicalCnn());
        string text = CnnrtProcess.Ok("bench", model, "--per-layer", "--top", "2", "--runs", "20", "--warmup-seconds", "0");
        Assert.Contains("per layer (20 profiled runs", text);
        Assert.Contains("2 of ", text);
        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("Conv", StringComparison.Ordinal) || l.Contains("Gemm", StringComparison.Ordinal) || l.Contains("Pool", StringComparison.Ordinal)));
    }
}
