using Cnnrt.Threading;

namespace Cnnrt.Tests.Threading;

public sealed class WorkerPoolTests
{
    /// <summary>Each task squares its own slice; which thread ran it is recorded to show the work was shared.</summary>
    private sealed class SliceWork(float[] data, int slice, int[] ranBy) : IParallelWork
    {
        public void Execute(int task, int thread)
        {
            for (int i = task * slice; i < (task + 1) * slice; i++) data[i] = data[i] * data[i] + task;
            ranBy[task] = thread;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_task_runs_exactly_once_and_results_do_not_depend_on_thread_count(int threads)
    {
        using var pool = new WorkerPool(threads);
        const int tasks = 37, slice = 64;
        var data = Enumerable.Range(0, tasks * slice).Select(i => i * 0.25f).ToArray();
        var ranBy = new int[tasks];
        var work = new SliceWork(data, slice, ranBy);
        for (int repeat = 0; repeat < 50; repeat++) pool.Run(work, tasks);
        var expected = Enumerable.Range(0, tasks * slice).Select(i => i * 0.25f).ToArray();
        for (int repeat = 0; repeat < 50; repeat++)
            for (int i = 0; i < expected.Length; i++) expected[i] = expected[i] * expected[i] + i / slice;
        Assert.Equal(expected, data);
        Assert.All(ranBy, t => Assert.InRange(t, 0, threads - 1));
    }

    [Fact]
    public void Runs_allocate_nothing()
    {
        using var pool = new WorkerPool(2);
        var work = new SliceWork(new float[16 * 8], 8, new int[16]);
        Cnnrt.Tests.Api.ZeroAllocationTests.WarmUp(() => pool.Run(work, 16));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) pool.Run(work, 16);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Physical_core_count_is_positive_and_at_most_logical() =>
        Assert.InRange(CpuTopology.PhysicalCores, 1, Environment.ProcessorCount);

    [Fact]
    public void Zero_threads_is_rejected() => Assert.Throws<CnnrtException>(() => new WorkerPool(0));
}
