namespace Cnnrt.Threading;

/// <summary>
/// A range of <see cref="Items"/> items (floats, planes) cut into contiguous chunks for a worker pool, each chunk
/// start a multiple of an alignment (a vector's floats, so every element takes the same code path whatever the
/// split). One chunk — run inline — without a pool or when the range is too small to pay for waking the workers.
/// </summary>
public readonly struct RangeSplit
{
    private readonly int chunk;

    /// <param name="minItemsPerTask">Smallest chunk worth a task of its own (measured per step kind).</param>
    /// <param name="tasksPerThread">Chunks per thread: more even out a thread slowed by another process's work.</param>
    public RangeSplit(int items, WorkerPool? pool, int minItemsPerTask, int align = 1, int tasksPerThread = 1)
    {
        Items = items;
        int threads = pool?.Threads ?? 1;
        // One thread runs one chunk: more would only add calls (and without a pool there is none to run them on).
        long wanted = threads == 1 ? 1 : Math.Min((long)threads * tasksPerThread, items / Math.Max(1, minItemsPerTask));
        int tasks = (int)Math.Max(1, wanted);
        chunk = ChunkFor(items, tasks, align);
        // Fewer tasks where that leaves the busiest thread less to do: 6 items in 4 tasks are chunks of 2, 3 tasks,
        // and one of two threads runs two of them (4 items); in 2 tasks each runs 3.
        for (int fewer = tasks - 1; fewer >= threads; fewer--)
        {
            int c = ChunkFor(items, fewer, align);
            if (Busiest(items, c, threads) < Busiest(items, chunk, threads)) chunk = c;
        }
        Count = items == 0 ? 0 : (items + chunk - 1) / chunk;
    }

    private static int ChunkFor(int items, int tasks, int align)
    {
        int size = (items + tasks - 1) / tasks;
        return Math.Max(1, (size + align - 1) / align * align);
    }

    /// <summary>Items of the thread that runs the most chunks, all of them full: the step's length on a pool.</summary>
    private static long Busiest(int items, int chunk, int threads)
    {
        long count = (items + chunk - 1) / chunk;
        return (count + threads - 1) / threads * chunk;
    }

    public int Items { get; }
    /// <summary>Number of chunks (tasks).</summary>
    public int Count { get; }

    public int Start(int task) => Math.Min(task * chunk, Items);
    public int Length(int task) => Math.Min(chunk, Items - Start(task));

    /// <summary>Runs every chunk of <paramref name="work"/>: on <paramref name="pool"/> when there are several, inline
    /// when there is one (the pool is then not needed).</summary>
    public void Run(IParallelWork work, WorkerPool? pool)
    {
        if (Count > 1) pool!.Run(work, Count);
        else if (Count == 1) work.Execute(0, 0);
    }
}
