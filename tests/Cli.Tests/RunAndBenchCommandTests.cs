using Cnnrt.Tests;
using System.Text.Json;
using Cnnrt.Io;
using Cnnrt.Onnx;
using Cnnrt.Tensors;
using Cnnrt.Tests.Support;

namespace Cnnrt.Cli.Tests;

public sealed class RunAndBenchCommandTests
{
    private static (string Dir, string Model) TypicalCnn(string outputName = "logits")
    {
        string dir = CnnrtProcess.TempDir();
        string path = Path.Combine(dir, "model.onnx");
        OnnxWriter.WriteFile(path, GraphBuilder.TypicalCnn() is var g && outputName != "logits" ? Rename(g, outputName) : g);
        return (dir, path);
    }

    private static Cnnrt.Graph.ModelGraph Rename(Cnnrt.Graph.ModelGraph g, string name)
    {
        g.Nodes[^1].Outputs[0] = name;
        g.Outputs[0] = new Cnnrt.Graph.ValueDecl { Name = name };
        return g;
    }

    [Fact]
    public void Run_writes_every_output_as_npy_matching_the_library()
    {
        var (dir, model) = TypicalCnn("scores/out:0");
        var x = OpTestUtil.Random([1, 1, 28, 28], 5);
        string input = Path.Combine(dir, "x.npy");
        Npy.WriteFile(input, x);
        string outDir = Path.Combine(dir, "out");
        CnnrtProcess.Ok("run", model, "--input", input, "--output-dir", outDir);
        var y = Npy.ReadFile(Path.Combine(outDir, "scores_out_0.npy")); // unsafe characters become '_'
        Assert.Equal([1, 10], y.Shape);

        var session = new Session(Model.Load(model));
        var expected = new float[10];
        session.Run(x.Floats, expected);
        Assert.Equal(expected, y.Floats);
    }

    [Fact]
    public void Run_takes_named_inputs_and_tensorproto_files()
    {
        var (dir, model) = TypicalCnn();
        var x = OpTestUtil.Random([1, 1, 28, 28], 6);
        string pb = Path.Combine(dir, "input_0.pb");
        File.WriteAllBytes(pb, TensorProtoReader.Write(x, "input"));
        string outDir = Path.Combine(dir, "o");
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("run", model, "--input", $"input={pb}", "--output-dir", outDir, "--json"));
        Assert.Equal("logits", doc.RootElement.GetProperty("outputs")[0].GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(outDir, "logits.npy")));
    }

    [Fact]
    public void Run_rejects_a_wrong_sized_npy_naming_the_input()
    {
        var (dir, model) = TypicalCnn();
        string input = Path.Combine(dir, "small.npy");
        Npy.WriteFile(input, OpTestUtil.Random([1, 1, 27, 28], 1));
        var r = CnnrtProcess.Run("run", model, "--input", input, "--output-dir", Path.Combine(dir, "o"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("input 'input'", r.Stderr);

        File.WriteAllBytes(input, Npy.Write(OpTestUtil.Random([1, 1, 28, 28], 1))[..200]); // truncated payload
        r = CnnrtProcess.Run("run", model, "--input", input, "--output-dir", Path.Combine(dir, "o"));
        Assert.Equal(7, r.ExitCode);
        Assert.Contains("small.npy", r.Stderr);
        Assert.Contains("needs 3136 bytes", r.Stderr);
    }

    [Fact]
    public void Bench_reports_zero_allocated_bytes_across_all_threads()
    {
        var (_, model) = TypicalCnn();
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--runs", "1000", "--warmup", "20", "--json"));
        var root = doc.RootElement;
        foreach (var key in new[] { "median_ms", "p90_ms", "p99_ms", "min_ms", "allocated_bytes_per_run", "arena_bytes", "scratch_bytes", "isa" })
            Assert.True(root.TryGetProperty(key, out _), $"bench JSON lacks '{key}'");
        Assert.Equal(0.0, root.GetProperty("allocated_bytes_per_run").GetDouble());
        Assert.True(root.GetProperty("min_ms").GetDouble() <= root.GetProperty("median_ms").GetDouble());
        Assert.True(root.GetProperty("median_ms").GetDouble() <= root.GetProperty("p99_ms").GetDouble());
        Assert.True(root.GetProperty("arena_bytes").GetInt64() > 0);
        Assert.True(root.GetProperty("scratch_bytes").GetInt64() > 0);
    }

    [Fact]
    public void Bench_warms_up_until_the_jit_is_quiet_and_longer_on_one_cpu()
    {
        var (_, model) = TypicalCnn();
        double Taken(JsonDocument d) => d.RootElement.GetProperty("warmup_seconds_taken").GetDouble();
        // At least --warmup-seconds, and past it until the JIT has compiled nothing for 0.5 s.
        using (var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--runs", "20", "--warmup-seconds", "0.3", "--json")))
            Assert.True(Taken(doc) >= 0.5, $"warm-up took {Taken(doc)} s");
        // With one CPU visible the runtime delays tiering tenfold: the warm-up waits 2 s of quiet instead.
        var one = CnnrtProcess.RunWith([("DOTNET_PROCESSOR_COUNT", "1")], "bench", model, "--runs", "20", "--warmup-seconds", "0.3", "--json");
        Assert.True(one.ExitCode == 0, one.Stderr);
        using (var doc = JsonDocument.Parse(one.Stdout))
            Assert.True(Taken(doc) >= 2.0, $"warm-up on one CPU took {Taken(doc)} s");
        // --warmup 0 --warmup-seconds 0: no warm-up at all, the wait for the JIT included (a cold-start measurement).
        using (var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--runs", "5", "--warmup", "0", "--warmup-seconds", "0", "--json")))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("warmup").GetInt32());
            Assert.True(Taken(doc) < 0.5, $"a warm-up of nothing took {Taken(doc)} s");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Bench_allocates_nothing_with_worker_threads_either(int threads)
    {
        var (_, model) = TypicalCnn();
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", model, "--runs", "500", "--threads", threads.ToString(), "--json"));
        Assert.Equal(threads, doc.RootElement.GetProperty("threads").GetInt32());
        Assert.Equal(0.0, doc.RootElement.GetProperty("allocated_bytes_per_run").GetDouble());
    }

    [Fact]
    public void Bench_rejects_bad_arguments()
    {
        var (_, model) = TypicalCnn();
        var r = CnnrtProcess.Run("bench", model, "--runs", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--runs", r.Stderr);
        r = CnnrtProcess.Run("bench", model, "--input-shape", "1x1xbananax28");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("banana", r.Stderr);
    }

    [Fact]
    public void Info_lists_cpu_features_and_kernel_paths()
    {
        string text = CnnrtProcess.Ok("info");
        Assert.Contains("cpu features:", text);
        Assert.Contains("kernel paths:", text);
    }
}
