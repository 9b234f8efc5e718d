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
        AllocationWarmUp.Run(() => session.Run(input, output));

        long thread0 = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) session.Run(input, output);
        long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread0;
        Assert.Equal(0, threadBytes);

        // Across all threads (GC.GetTotalAllocatedBytes) is measured in a process of its own, by `cnnrt bench`
        // (tests/Cli.Tests): in this test host the runner's own threads allocate while we measure.
    }
}
