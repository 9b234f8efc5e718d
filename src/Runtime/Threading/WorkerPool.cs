using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cnnrt.Threading;

/// <summary>
/// A fixed set of worker threads that run one <see cref="IParallelWork"/> at a time together with the calling thread.
/// Each thread owns a contiguous range of the tasks (thread t: [t·n/T, (t+1)·n/T)) and takes them by an atomic counter
/// of that range, then takes what is left of the other ranges the same way, so a slow thread takes fewer. Owning a
/// range keeps a thread on the same part of consecutive steps' data: with one shared counter the tasks fell to the
/// threads at random, and on the 2-core EPYC VM, where a line written by the other core is slow to read, ResNet-18's
/// 64-channel 56×56 Winograd layer alone ran 0.82–0.89 ms on two threads (0.84 on one); with owned ranges 0.57–0.61.
/// Nothing is allocated per run: the work is a reference the caller already owns, and the handshake is a generation
/// counter, per-worker sleep flags and kernel events, every path of which the constructor runs once
/// (<see cref="Prime"/>).
/// </summary>
/// <remarks>
/// A plan's parallel steps come tens of microseconds apart, and waking a thread blocked in the kernel took about as
/// long on the machines measured (2-core EPYC VM: a 200K-float Add ran 53 µs on one thread and 70 µs on two with
/// blocking waits). So a worker that finishes spins, watching the generation counter, for <see cref="SpinTicks"/>
/// before it blocks, and the caller spins (yielding) for the last tasks instead of blocking. Spinning yields the core
/// to other runnable threads, so oversubscribed pools (more threads than cores) still make progress.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    /// <summary>How long an idle worker keeps watching for the next run before it blocks: 200 µs.</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    /// <summary>How long the caller spins for the last tasks before it sleeps: 1 ms, several times the imbalance of
    /// a step's tasks on a machine whose threads all have a core.</summary>
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 1000;

    private readonly Thread[] _workers;
    // Kernel events, not ManualResetEventSlim: its Monitor-based wait allocated 120 bytes now and then under NativeAOT
    // when 15 workers blocked and woke every run (16 threads on the 16-core device machine).
    private readonly AutoResetEvent[] _wake;
    // 1 while worker i is blocked (or about to block) on _wake[i]; whoever clears it owns the matching Set.
    private readonly int[] _sleeping;
    private IParallelWork? _work;
    private int _taskCount;
    // Per thread, a cache line apart: the next task of the range it owns, [t·n/T, (t+1)·n/T) (see RangeEnd).
    private readonly int[] _nextOf;
    private const int LineInts = 16;
    // While TracksBusy is on: per thread, a cache line apart, the ticks it spent taking and running tasks (Drain), and
    // the ticks the parallel runs took from start to the last task's end. Each thread adds only to its own slot.
    private readonly long[] _busyTicks;
    private const int LineLongs = 8;
    private long _parallelTicks;
    private int _pending;
    // Bumped once per run after the run's fields are written: workers start a run when they see it change.
    private int _generation;
    private volatile bool _disposed;

    /// <summary>One <typeparamref name="T"/> per thread that can run a step's tasks (one without a pool): per-thread
    /// scratch, built at plan time and indexed by the thread number <see cref="IParallelWork.Execute"/> receives.</summary>
    public static T[] PerThread<T>(WorkerPool? pool, Func<T> create)
    {
        var items = new T[pool?.Threads ?? 1];
        for (int t = 0; t < items.Length; t++) items[t] = create();
        return items;
    }

    /// <param name="threads">Total threads including the caller's; 1 runs everything inline.</param>
    public WorkerPool(int threads)
    {
        if (threads < 1) throw CnnrtException.Argument($"thread count must be at least 1, got {threads}");
        Threads = threads;
        _workers = new Thread[threads - 1];
        _wake = new AutoResetEvent[threads - 1];
        _sleeping = new int[threads - 1];
        _nextOf = new int[threads * LineInts];
        _busyTicks = new long[threads * LineLongs];
        for (int i = 0; i < _workers.Length; i++)
        {
            _wake[i] = new AutoResetEvent(false);
            int index = i;
            _workers[i] = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"cnnrt worker {i + 1}" };
            _workers[i].Start();
        }
        Prime();
    }

    public int Threads { get; }

    /// <summary>
    /// Whether runs add up each thread's busy time (<see cref="ReadBusy"/>): two clock reads per thread per parallel
    /// run, for <see cref="Diagnostics.StepProfiler"/>. Set it only between runs.
    /// </summary>
    public bool TracksBusy { get; set; }

    /// <summary>
    /// Totals since the pool was made, of the runs made while <see cref="TracksBusy"/> was on: per thread the ticks it
    /// spent taking and running tasks (<paramref name="threadTicks"/>, one per thread), and the ticks those parallel
    /// runs lasted (<paramref name="parallelTicks"/>). A run of one task, or on a pool of one thread, runs inline on the
    /// caller and counts in neither. Read it only between runs.
    /// </summary>
    public void ReadBusy(Span<long> threadTicks, out long parallelTicks)
    {
        for (int t = 0; t < Threads; t++) threadTicks[t] = _busyTicks[t * LineLongs];
        parallelTicks = _parallelTicks;
    }

    /// <summary>
    /// Runs every path of the handshake once before the pool is handed out, so that what they allocate lazily on
    /// first use is allocated now and not inside some later run: each worker spins, blocks on its event and is woken
    /// by a run, which it drains (under NativeAOT a worker's first pass through the spin and the wait allocated about
    /// 1.2 KB on its own thread, which had landed in some measured run).
    /// </summary>
    private void Prime()
    {
        for (int i = 0; i < _workers.Length; i++)
            while (Volatile.Read(ref _sleeping[i]) != 1) Thread.Sleep(1);
        Thread.Sleep(PrimingBlockMs);
        Run(NoWork.Instance, Threads);
    }

    /// <summary>How long the constructor leaves the workers blocked before its priming run: past the event's own
    /// spinning, into the kernel wait.</summary>
    private const int PrimingBlockMs = 5;

    private sealed class NoWork : IParallelWork
    {
        public static readonly NoWork Instance = new();
        public void Execute(int task, int thread) { }
    }

    /// <summary>Runs tasks 0..taskCount-1 of <paramref name="work"/> on all threads and returns when all are done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see WorkerLoop
    public void Run(IParallelWork work, int taskCount)
    {
        if (_workers.Length == 0 || taskCount <= 1)
        {
            for (int t = 0; t < taskCount; t++) work.Execute(t, 0);
            return;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool tracks = TracksBusy;
        long start = tracks ? Stopwatch.GetTimestamp() : 0;
        _work = work;
        _taskCount = taskCount;
        for (int t = 0; t < Threads; t++) _nextOf[t * LineInts] = RangeEnd(t - 1, taskCount);
        _pending = _workers.Length + 1;
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1) _wake[i].Set();
        Drain(0);
        Interlocked.Decrement(ref _pending);
        WaitForWorkers();
        _work = null;
        if (tracks) _parallelTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>
    /// Spins (yielding) for the workers' last tasks; past <see cref="CallerSpinTicks"/> the wait is no longer a step's
    /// tail but a worker without a core (more runnable threads than cores: other processes, or a pool larger than the
    /// machine), so it sleeps a millisecond at a time and leaves that core to the worker instead of competing for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see WorkerLoop
    private void WaitForWorkers()
    {
        if (Volatile.Read(ref _pending) == 0) return;
        long until = Stopwatch.GetTimestamp() + CallerSpinTicks;
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
        {
            if (Stopwatch.GetTimestamp() < until) spin.SpinOnce(sleep1Threshold: -1);
            else Thread.Sleep(1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see WorkerLoop
    private void Drain(int thread)
    {
        var work = _work!;
        int threads = Threads, count = _taskCount;
        bool tracks = TracksBusy;
        long start = tracks ? Stopwatch.GetTimestamp() : 0;
        for (int v = 0; v < threads; v++)
        {
            int owner = thread + v < threads ? thread + v : thread + v - threads;
            ref int next = ref _nextOf[owner * LineInts];
            int end = RangeEnd(owner, count);
            for (int t = Interlocked.Increment(ref next) - 1; t < end; t = Interlocked.Increment(ref next) - 1)
                work.Execute(t, thread);
        }
        // Written before this thread's decrement of _pending, so the caller sees it once the run has returned.
        if (tracks) _busyTicks[thread * LineLongs] += Stopwatch.GetTimestamp() - start;
    }

    /// <summary>End of the task range thread <paramref name="t"/> owns (and start of thread t + 1's).</summary>
    private int RangeEnd(int t, int taskCount) => (int)((long)(t + 1) * taskCount / Threads);

    /// <remarks>
    /// The pool's loops are compiled fully optimized at first call (AggressiveOptimization), not tiered: a worker
    /// enters this loop once and stays in it, so under tiering it ran tier-0 code until on-stack replacement swapped
    /// it, and a worker that had few turns (more threads than cores) could make that swap inside some measured run.
    /// 24 bytes were allocated then on a worker's thread, outside its tasks and its wait: `cnnrt bench` reported
    /// 0.024 bytes per run in 4 of 400 oversubscribed runs (3–11 threads on 2 cores), each with a method compiled
    /// during the measurement; 0 of 400 with the pool's loops fully optimized.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WorkerLoop(int index)
    {
        int seen = 0;
        while (true)
        {
            WaitForRun(index, seen);
            if (_disposed) return;
            seen = Volatile.Read(ref _generation);
            Drain(index + 1);
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>
    /// Returns once the generation differs from <paramref name="seen"/> (or the pool is disposed). A wake-up is only a
    /// hint to look again: the event can hold a signal its worker did not wait for, and a worker that took one for a
    /// run drained the next run's tasks under the old generation, counted itself done twice, and the caller waited
    /// forever (a full test run hung so; 2 of 9 oversubscribed stress processes, 4 threads on 2 cores, within a
    /// minute). Returning only on a new generation makes such a signal cost one more look (0 of 11 since).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see WorkerLoop
    private void WaitForRun(int index, int seen)
    {
        while (Volatile.Read(ref _generation) == seen && !_disposed)
        {
            long until = Stopwatch.GetTimestamp() + SpinTicks;
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_disposed && Stopwatch.GetTimestamp() < until)
                spin.SpinOnce(sleep1Threshold: -1);
            if (Volatile.Read(ref _generation) != seen || _disposed) return;
            // Announce the sleep, then look again: a run started in between either sees the flag (and sets the
            // event) or is seen here.
            Volatile.Write(ref _sleeping[index], 1);
            Interlocked.MemoryBarrier();
            if ((Volatile.Read(ref _generation) != seen || _disposed) && Interlocked.Exchange(ref _sleeping[index], 0) == 1)
                return;
            // Either still no run, or the caller took the flag back and its Set is coming: wait for it.
            _wake[index].WaitOne();
            // Woken by a signal the caller did not send for this sleep, the flag is still up: take it back, or the
            // next run would set the event again for a worker that sees the run while spinning.
            Interlocked.Exchange(ref _sleeping[index], 0);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _wake.Length; i++)
            if (Interlocked.Exchange(ref _sleeping[i], 0) == 1) _wake[i].Set();
        foreach (var t in _workers) t.Join();
        foreach (var w in _wake) w.Dispose();
    }
}
