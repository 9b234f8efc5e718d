using System.Diagnostics;
using Cnnrt.Operators;
using Cnnrt.Planning;
using Cnnrt.Threading;

namespace Cnnrt.Diagnostics;

/// <summary>One node's share of the profiled runs.</summary>
/// <param name="Node">The node name (<see cref="Step.NodeName"/>).</param>
/// <param name="Op">Its operator type.</param>
/// <param name="Steps">How many plan steps ran for it.</param>
/// <param name="MsPerRun">Mean milliseconds per run spent in its steps.</param>
/// <param name="Percent">Share of the profiled run time.</param>
/// <param name="Folded">Every step of the node runs nothing (<see cref="SkippedStep"/>): a layer before or after it does
/// its work (a residual Add or a MaxPool taken by its Conv, a Concat written in place).</param>
/// <param name="ThreadMs">On a worker pool, per thread the mean milliseconds per run it was busy in the node's steps
/// (the calling thread first: its tasks and everything the steps do outside parallel runs); empty on one thread.</param>
public readonly record struct LayerTime(string Node, string Op, int Steps, double MsPerRun, double Percent, bool Folded, double[] ThreadMs)
{
    /// <summary>The threads' busy time over the time they were there for, Σ busy / (threads · layer time); 1 without a
    /// pool. What is missing is waiting: for a task to be handed out, or at the end for the slowest thread.</summary>
    public double Efficiency => ThreadMs.Length == 0 || MsPerRun == 0 ? 1 : ThreadMs.Sum() / (ThreadMs.Length * MsPerRun);
}

/// <summary>
/// Runs a plan step by step, reading the clock once after each step and adding the elapsed ticks to that step's node.
/// The ticks of one run therefore partition the run exactly (Σ nodes = the run's time, loop overhead included in the
/// step before it). On a worker pool it also adds up each thread's busy time per node (<see
/// cref="WorkerPool.TracksBusy"/>): how evenly a layer's work was spread, and how long the threads waited. Every
/// accumulator is allocated here, so <see cref="Run"/> allocates nothing.
/// </summary>
public sealed class StepProfiler
{
    private readonly Step[] _steps;
    private readonly int[] _nodeOfStep;
    private readonly string[] _nodeNames;
    private readonly string[] _nodeOps;
    private readonly int[] _stepsPerNode, _skippedPerNode;
    private readonly long[] _ticks;
    private long _totalTicks;
    private readonly WorkerPool? _pool;
    // With a pool: [node][thread] busy ticks, and the pool's running totals after the previous step.
    private readonly long[] _threadTicks = [];
    private readonly long[] _busyBefore = [], _busyNow = [];

    public StepProfiler(Plan plan)
    {
        _steps = plan.Steps;
        _nodeOfStep = new int[_steps.Length];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var ops = new List<string>();
        for (int i = 0; i < _steps.Length; i++)
        {
            if (!index.TryGetValue(_steps[i].NodeName, out int node))
            {
                index[_steps[i].NodeName] = node = names.Count;
                names.Add(_steps[i].NodeName);
                ops.Add(_steps[i].OpType);
            }
            _nodeOfStep[i] = node;
        }
        _nodeNames = names.ToArray();
        _nodeOps = ops.ToArray();
        _stepsPerNode = new int[_nodeNames.Length];
        _skippedPerNode = new int[_nodeNames.Length];
        for (int i = 0; i < _steps.Length; i++)
        {
            _stepsPerNode[_nodeOfStep[i]]++;
            if (_steps[i] is SkippedStep) _skippedPerNode[_nodeOfStep[i]]++;
        }
        _ticks = new long[_nodeNames.Length];
        if (plan.Pool is { Threads: > 1 } pool)
        {
            _pool = pool;
            _threadTicks = new long[_nodeNames.Length * pool.Threads];
            _busyBefore = new long[pool.Threads + 1];
            _busyNow = new long[pool.Threads + 1];
        }
    }

    /// <summary>Profiled runs since construction or <see cref="Reset"/>.</summary>
    public int Runs { get; private set; }

    /// <summary>Mean milliseconds of one profiled run (the sum over all nodes).</summary>
    public double MsPerRun => PerRun(_totalTicks);

    /// <summary>Runs the plan once (the caller has written its inputs), timing each step.</summary>
    public void Run()
    {
        var steps = _steps;
        var nodeOfStep = _nodeOfStep;
        var ticks = _ticks;
        if (_pool is not null)
        {
            _pool.TracksBusy = true;
            ReadPool(_busyBefore);
        }
        long start = Stopwatch.GetTimestamp(), previous = start;
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i].Run();
            long now = Stopwatch.GetTimestamp();
            ticks[nodeOfStep[i]] += now - previous;
            if (_pool is not null) AddBusy(nodeOfStep[i], now - previous);
            previous = now;
        }
        _totalTicks += previous - start;
        if (_pool is not null) _pool.TracksBusy = false;
        Runs++;
    }

    /// <summary>The pool's totals: per thread, then the parallel runs' length last.</summary>
    private void ReadPool(long[] into) => _pool!.ReadBusy(into, out into[^1]);

    /// <summary>
    /// Adds a step's busy time per thread to its node: the pool's growth over the step for each thread, and for the
    /// calling thread also the step's time outside parallel runs (setting up, inline tasks, serial work).
    /// </summary>
    private void AddBusy(int node, long stepTicks)
    {
        ReadPool(_busyNow);
        int threads = _busyNow.Length - 1;
        long parallel = _busyNow[threads] - _busyBefore[threads];
        for (int t = 0; t < threads; t++)
            _threadTicks[node * threads + t] += _busyNow[t] - _busyBefore[t] + (t == 0 ? stepTicks - parallel : 0);
        _busyNow.CopyTo(_busyBefore, 0);
    }

    /// <summary>Forgets the runs so far (e.g. the warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_threadTicks);
        _totalTicks = 0;
        Runs = 0;
    }

    /// <summary>Per thread, mean milliseconds per run it was busy (see <see cref="LayerTime.ThreadMs"/>); empty on one
    /// thread.</summary>
    public double[] ThreadMsPerRun()
    {
        int threads = _pool?.Threads ?? 0;
        var ms = new double[threads];
        for (int n = 0; n < _nodeNames.Length; n++)
        for (int t = 0; t < threads; t++)
            ms[t] += PerRun(_threadTicks[n * threads + t]);
        return ms;
    }

    /// <summary>Every node, slowest first.</summary>
    public IReadOnlyList<LayerTime> Layers()
    {
        var rows = new LayerTime[_nodeNames.Length];
        int threads = _pool?.Threads ?? 0;
        for (int n = 0; n < rows.Length; n++)
        {
            var threadMs = new double[threads];
            for (int t = 0; t < threads; t++) threadMs[t] = PerRun(_threadTicks[n * threads + t]);
            rows[n] = new LayerTime(_nodeNames[n], _nodeOps[n], _stepsPerNode[n], PerRun(_ticks[n]),
                _totalTicks == 0 ? 0 : 100.0 * _ticks[n] / _totalTicks, _skippedPerNode[n] == _stepsPerNode[n], threadMs);
        }
        return rows.OrderByDescending(r => r.MsPerRun).ThenBy(r => r.Node, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Mean milliseconds per profiled run of <paramref name="ticks"/> added up over them.</summary>
    private double PerRun(long ticks) => Runs == 0 ? 0 : ticks * 1000.0 / Stopwatch.Frequency / Runs;
}
