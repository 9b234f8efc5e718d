namespace Cnnrt.Threading;

/// <summary>
/// A fixed set of worker threads that run one <see cref="IParallelWork"/> at a time together with the calling thread.
/// Tasks are handed out by an atomic counter, so a slow thread takes fewer. Nothing is allocated per run: the work is
/// a reference the caller already owns, and the handshake is two reusable events and two counters.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly ManualResetEventSlim[] _wake;
    private readonly ManualResetEventSlim _done = new(false);
    private IParallelWork? _work;
    private int _taskCount;
    private int _nextTask;
    private int _pending;
    private volatile bool _disposed;

    /// <param name="threads">Total threads including the caller's; 1 runs everything inline.</param>
    public WorkerPool(int threads)
    {
        if (threads < 1) throw CnnrtException.Argument($"thread count must be at least 1, got {threads}");
        Threads = threads;
        Prime(_done);
        _workers = new Thread[threads - 1];
        _wake = new ManualResetEventSlim[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _wake[i] = new ManualResetEventSlim(false);
            Prime(_wake[i]);
            int index = i;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"cnnrt worker {i + 1}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>
    /// The first wait on a ManualResetEventSlim that has to block creates its lock object (and kernel event) lazily,
    /// which would allocate inside some later run. One short blocking wait on the unset event, here, creates them now.
    /// </summary>
    private static void Prime(ManualResetEventSlim e)
    {
        _ = e.WaitHandle;
        e.Wait(1);
    }

    /// <summary>Runs tasks 0..taskCount-1 of <paramref name="work"/> on all threads and returns when all are done.</summary>
    public void Run(IParallelWork work, int taskCount)
    {
        if (_workers.Length == 0 || taskCount <= 1)
        {
            for (int t = 0; t < taskCount; t++) work.Execute(t, 0);
            return;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        _work = work;
        _taskCount = taskCount;
        _nextTask = 0;
        _pending = _workers.Length + 1;
        _done.Reset();
        for (int i = 0; i < _wake.Length; i++) _wake[i].Set();
        Drain(0);
        if (Interlocked.Decrement(ref _pending) != 0) _done.Wait();
        _work = null;
    }

    private void Drain(int thread)
    {
        var work = _work!;
        int count = _taskCount;
        for (int t = Interlocked.Increment(ref _nextTask) - 1; t < count; t = Interlocked.Increment(ref _nextTask) - 1)
            work.Execute(t, thread);
    }

    private void WorkerLoop(int index)
    {
        var wake = _wake[index];
        while (true)
        {
            wake.Wait();
            wake.Reset();
            if (_disposed) return;
            Drain(index + 1);
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var w in _wake) w.Set();
        foreach (var t in _workers) t.Join();
        foreach (var w in _wake) w.Dispose();
        _done.Dispose();
    }
}
