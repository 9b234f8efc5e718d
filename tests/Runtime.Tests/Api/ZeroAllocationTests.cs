using Cnnrt.Tests.Support;

namespace Cnnrt.Tests.Api;

[CollectionDefinition("Serial allocation measurements", DisableParallelization = true)]
public sealed class SerialAllocationCollection;

/// <summary>The product's guarantee: after warm-up, runs allocate nothing.</summary>
[Collection("Serial allocation measurements")]
public sealed class ZeroAllocationTests
{
    [Fact]
    public void Thousand_runs_allocate_zero_bytes()
    {
        var session = new Session(Model.FromGraph(GraphBuilder.TypicalCnn()));
        var input = new float[784];
        var output = new float[10];
        for (int i = 0; i < input.Length; i++) input[i] = i % 17 / 17f;
        WarmUp(() => session.Run(input, output));

        long thread0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) session.Run(input, output);
        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread0;
        Assert.Equal(0, threadBytes);

        // Across all threads (GC.GetTotalAllocatedBytes) is measured in a process of its own, by `cnnrt bench`
        // (tests/Cli.Tests): in this test host the runner's own threads allocate while we measure.
    }

    /// <summary>
    /// Runs until a window of runs allocates nothing. The first calls of each method allocate once inside the runtime
    /// (tiered JIT promotes hot methods after a short delay, on a background thread, and installs them lazily), which
    /// is not per-inference cost; a per-run allocation never reaches a clean window, and the test then fails.
    /// </summary>
    public static void WarmUp(Action run, int runsPerWindow = 100)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < runsPerWindow; i++) run();
            if (GC.GetAllocatedBytesForCurrentThread() == before && attempt >= 3) return;
            Thread.Sleep(50);
        }
    }
}
