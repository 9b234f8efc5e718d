using Cnnrt.Io;
using Cnnrt.Kernels;
using Cnnrt.Tensors;
using Xunit.Abstractions;

namespace Cnnrt.Tests.Zoo;

/// <summary>
/// The PyTorch model zoo (bench/zoo/export_zoo.py): each model's ONNX export, run by a session on the exported seeded
/// input, must reproduce PyTorch's output to max |actual − expected| ≤ 1e-4 · max |expected|.
/// </summary>
public sealed class ZooTests(ITestOutputHelper output)
{
    public static readonly TheoryData<string> Models = new()
    {
        "mobilenet_v2", "resnet18", "squeezenet1_1", "shufflenet_v2_x0_5", "mobilenet_v3_small",
        "efficientnet_b0", "densenet121", "lenet5", "typical_cnn",
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Matches_pytorch(string name) => AssertMatchesPytorch(name, null);

    /// <summary>The models whose plans differ most between paths (channel-blocked values of 4, 8 or 16 lanes between
    /// depthwise and pointwise layers, Winograd, fused pools) on every vector path, Vector128 (ARM64's) included.</summary>
    public static TheoryData<string, KernelIsa> ModelsOnEveryPath()
    {
        var data = new TheoryData<string, KernelIsa>();
        foreach (var model in new[] { "mobilenet_v2", "efficientnet_b0", "mobilenet_v3_small", "shufflenet_v2_x0_5", "squeezenet1_1" })
            foreach (var isa in Cnnrt.Tests.Kernels.VectorKernelRunner.FastIsas.Where(CpuFeatures.Supports))
                data.Add(model, isa);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsOnEveryPath))]
    public void Matches_pytorch_on_every_vector_path(string name, KernelIsa isa) => AssertMatchesPytorch(name, isa);

    private void AssertMatchesPytorch(string name, KernelIsa? isa)
    {
        var (session, input, expected) = Open(name, isa: isa);
        using var disposeSession = session;
        Assert.Equal(expected.Shape, session.OutputShape(0).ToArray());

        input.Floats.CopyTo(session.Input(0));
        session.Run();
        var actual = session.Output(0);
        var e = expected.Floats;
        Assert.Equal(e.Length, actual.Length);

        var c = ZooComparison.Of(actual, e);
        int at = c.At;
        string report = $"{name}: max |actual − expected| = {c.MaxError:G4} at {Position(at, expected.Shape)} " +
                        $"(actual {actual[at]:G9}, expected {e[at]:G9}); max |expected| = {c.MaxReference:G4}, bound {c.Bound:G4}";
        Assert.True(c.Passes, report);
        output.WriteLine(report);
    }

    [Fact]
    public void Typical_cnn_arena_is_smaller_than_its_intermediate_tensors()
    {
        var (session, _, _) = Open("typical_cnn");
        using var disposeSession = session;
        Assert.True(session.Plan.ArenaBytes < session.Plan.IntermediateBytes,
            $"arena {session.Plan.ArenaBytes} bytes, intermediate tensors {session.Plan.IntermediateBytes} bytes");
    }

    /// <summary>Loads a zoo model and plans a session for its recorded input shape; the caller disposes it.</summary>
    internal static (Session Session, Tensor Input, Tensor Expected) Open(string name, int threads = 0, KernelIsa? isa = null)
    {
        string dir = ZooDirectory(name);
        var input = Npy.ReadFile(Path.Combine(dir, "input.npy"));
        var expected = Npy.ReadFile(Path.Combine(dir, "output.npy"));
        Assert.Equal(DataType.Float, input.Type);
        Assert.Equal(DataType.Float, expected.Type);
        var model = Model.Load(Path.Combine(dir, "model.onnx"));
        var session = new Session(model, new SessionOptions { InputShapes = [input.Shape], Threads = threads, Isa = isa });
        return (session, input, expected);
    }

    private static string ZooDirectory(string name)
    {
        string root = RepoRoot();
        string dir = Path.Combine(root, "bench", ".zoo", name);
        foreach (var file in new[] { "model.onnx", "input.npy", "output.npy" })
            if (!File.Exists(Path.Combine(dir, file)))
                Assert.Fail($"the model zoo is missing {Path.Combine(dir, file)}; build it with " +
                            $"`/usr/bin/python3 bench/zoo/export_zoo.py` in {root} (test.sh does this before the tests)");
        return dir;
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Runtime.sln"))) return d.FullName;
        throw new InvalidOperationException($"no folder with Runtime.sln above {AppContext.BaseDirectory}");
    }

    private static string Position(int flat, int[] shape)
    {
        var idx = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { idx[d] = flat % shape[d]; flat /= shape[d]; }
        return "[" + string.Join(", ", idx) + "]";
    }
}

/// <summary>After warm-up, runs of a real model allocate nothing on the calling thread.</summary>
[Collection("Serial allocation measurements")]
public sealed class ZooAllocationTests
{
    [Fact]
    public void Mobilenet_v2_runs_allocate_zero_bytes()
    {
        var (session, input, _) = ZooTests.Open("mobilenet_v2");
        using var disposeSession = session;
        input.Floats.CopyTo(session.Input(0));
        Cnnrt.Tests.Api.AllocationWarmUp.Run(session.Run, runsPerWindow: 3);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) session.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Threads share tiles, never a sum: outputs are bit-identical for 1, 2 and 3 threads.</summary>
public sealed class ZooThreadCountTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("squeezenet1_1")]
    [InlineData("mobilenet_v2")]
    [InlineData("efficientnet_b0")] // Swish in the GEMM tile epilogue and the depthwise store
    public void Outputs_do_not_depend_on_the_thread_count(string name)
    {
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var (session, input, _) = ZooTests.Open(name, threads);
            using var disposeSession = session;
            Assert.Equal(threads, session.Threads);
            input.Floats.CopyTo(session.Input(0));
            session.Run();
            session.Run(); // a second run on the same plan must not depend on leftovers of the first
            var output = session.Output(0).ToArray();
            if (first is null) first = output;
            else Assert.True(first.AsSpan().SequenceEqual(output), $"{name}: {threads} threads differ from 1 thread");
        }
    }
}
