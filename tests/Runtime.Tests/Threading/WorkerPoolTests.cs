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
        Cnnrt.Tests.Api.AllocationWarmUp.Run(() => pool.Run(work, 16));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) pool.Run(work, 16);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Records, per thread, the bytes that thread had allocated when it last ran a task (and when it first
    /// did after <see cref="Reset"/>); each task spins a little, so every thread gets some in every run.</summary>
    private sealed class AllocationProbe(int threads) : IParallelWork
    {
        public readonly long[] First = new long[threads], Last = new long[threads];

        public void Reset()
        {
            Array.Fill(First, -1);
            Array.Fill(Last, -1);
        }

        public void Execute(int task, int thread)
        {
            Thread.SpinWait(2000);
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            if (First[thread] < 0) First[thread] = bytes;
            Last[thread] = bytes;
        }
    }

    [Fact]
    public void Workers_allocate_nothing_when_they_block_and_wake_between_runs()
    {
        const int threads = 4;
        using var pool = new WorkerPool(threads);
        var probe = new AllocationProbe(threads);
        probe.Reset();
        // 1 ms between runs, past the workers' 200 µs of spinning: every run wakes them from their blocking wait.
        for (int i = 0; i < 20; i++) { pool.Run(probe, 4 * threads); Thread.Sleep(1); }
        probe.Reset();
        for (int i = 0; i < 200; i++) { pool.Run(probe, 4 * threads); Thread.Sleep(1); }
        for (int t = 0; t < threads; t++)
            Assert.True(probe.Last[t] == probe.First[t], $"thread {t} allocated {probe.Last[t] - probe.First[t]} bytes over 200 runs");
    }

    /// <summary>Each task spins a little, so that threads overlap.</summary>
    private sealed class SpinWork : IParallelWork
    {
        public void Execute(int task, int thread) => Thread.SpinWait(50 * (task % 7));
    }

    /// <summary>
    /// Pools of 2–4 threads from two callers at once on a machine with fewer cores (oversubscribed), runs of random
    /// size at random gaps (none, spinning, yielding, 1 ms: workers spinning, announcing their sleep or blocked when a
    /// run starts): every run returns. A worker that once took a stray wake-up for a run made the caller wait forever.
    /// </summary>
    [Fact]
    public void Runs_always_return_under_oversubscription()
    {
        static long Loop(int seed)
        {
            var rng = new Random(seed);
            var work = new SpinWork();
            long runs = 0;
            var until = DateTime.UtcNow.AddSeconds(3);
            while (DateTime.UtcNow < until)
            {
                using var pool = new WorkerPool(rng.Next(2, 5));
                for (int i = 0; i < 200; i++, runs++)
                {
                    pool.Run(work, rng.Next(1, 20));
                    switch (rng.Next(4))
                    {
                        case 1: Thread.SpinWait(rng.Next(100, 5000)); break;
                        case 2: Thread.Sleep(0); break;
                        case 3 when rng.Next(10) == 0: Thread.Sleep(1); break;
                    }
                }
            }
            return runs;
        }
        // Two plain threads (not tasks: a hung one must not hold up the test runner's pool) and a deadline.
        var runs = new long[2];
        var threads = new[] { new Thread(() => runs[0] = Loop(1)) { IsBackground = true }, new Thread(() => runs[1] = Loop(2)) { IsBackground = true } };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a WorkerPool.Run did not return");
        Assert.All(runs, r => Assert.True(r > 0));
    }

    /// <summary>Each task spins for a fixed time, and records which thread ran it.</summary>
    private sealed class TimedSpinWork(int[] ranBy) : IParallelWork
    {
        public static readonly long TaskTicks = System.Diagnostics.Stopwatch.Frequency / 2000; // 0.5 ms

        public void Execute(int task, int thread)
        {
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + TaskTicks;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until) { }
            ranBy[task] = thread;
        }
    }

    [Fact]
    public void Busy_time_is_counted_per_thread_only_while_tracking_is_on()
    {
        using var pool = new WorkerPool(2);
        const int tasks = 8, runs = 10;
        var ranBy = new int[tasks];
        var work = new TimedSpinWork(ranBy);
        var busy = new long[2];
        pool.Run(work, tasks);
        pool.ReadBusy(busy, out long parallel);
        Assert.Equal([0L, 0L], busy);
        Assert.Equal(0, parallel);

        pool.TracksBusy = true;
        var tasksRun = new int[2];
        long wall = 0;
        for (int r = 0; r < runs; r++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            pool.Run(work, tasks);
            wall += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            foreach (int t in ranBy) tasksRun[t]++;
        }
        pool.TracksBusy = false;
        pool.ReadBusy(busy, out parallel);
        // Each thread was busy at least as long as its tasks spun, and no longer than the runs lasted.
        for (int t = 0; t < 2; t++)
        {
            Assert.InRange(busy[t], tasksRun[t] * TimedSpinWork.TaskTicks, parallel);
        }
        Assert.InRange(parallel, busy.Max(), wall);

        pool.Run(work, tasks);
        var after = new long[2];
        pool.ReadBusy(after, out long parallelAfter);
        Assert.Equal(busy, after);
        Assert.Equal(parallel, parallelAfter);
    }

    [Fact]
    public void Physical_core_count_is_positive_and_at_most_logical() =>
        Assert.InRange(CpuTopology.PhysicalCores, 1, Environment.ProcessorCount);

    [Fact]
    public void Zero_threads_is_rejected() => Assert.Throws<CnnrtException>(() => new WorkerPool(0));
}
