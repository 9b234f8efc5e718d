using System.Diagnostics;
using Cnnrt.Operators;
using Cnnrt.Planning;

namespace Cnnrt.Diagnostics;

/// <summary>One node's share of the profiled runs.</summary>
/// <param name="Node">The node name (<see cref="Step.NodeName"/>).</param>
/// <param name="Op">Its operator type.</param>
/// <param name="Steps">How many plan steps ran for it.</param>
/// <param name="MsPerRun">Mean milliseconds per run spent in its steps.</param>
/// <param name="Percent">Share of the profiled run time.</param>
/// <param name="Folded">Every step of the node runs nothing (<see cref="SkippedStep"/>): a layer before or after it does
/// its work (a residual Add or a MaxPool taken by its Conv, a Concat written in place).</param>
public readonly record struct LayerTime(string Node, string Op, int Steps, double MsPerRun, double Percent, bool Folded);

/// <summary>
/// Runs a plan step by step, reading the clock once after each step and adding the elapsed ticks to that step's node.
/// The ticks of one run therefore partition the run exactly (Σ nodes = the run's time, loop overhead included in the
/// step before it). Every accumulator is allocated here, so <see cref="Run"/> allocates nothing.
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
    }

    /// <summary>Profiled runs since construction or <see cref="Reset"/>.</summary>
    public int Runs { get; private set; }

    /// <summary>Mean milliseconds of one profiled run (the sum over all nodes).</summary>
    public double MsPerRun => Runs == 0 ? 0 : TicksToMs(_totalTicks) / Runs;

    /// <summary>Runs the plan once (the caller has written its inputs), timing each step.</summary>
    public void Run()
    {
        var steps = _steps;
        var nodeOfStep = _nodeOfStep;
        var ticks = _ticks;
        long start = Stopwatch.GetTimestamp(), previous = start;
        for (int i = 0; i < steps.Length; i++)
        {
            steps[i].Run();
            long now = Stopwatch.GetTimestamp();
            ticks[nodeOfStep[i]] += now - previous;
            previous = now;
        }
        _totalTicks += previous - start;
        Runs++;
    }

    /// <summary>Forgets the runs so far (e.g. the warm-up).</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        _totalTicks = 0;
        Runs = 0;
    }

    /// <summary>Every node, slowest first.</summary>
    public IReadOnlyList<LayerTime> Layers()
    {
        var rows = new LayerTime[_nodeNames.Length];
        for (int n = 0; n < rows.Length; n++)
            rows[n] = new LayerTime(_nodeNames[n], _nodeOps[n], _stepsPerNode[n],
                Runs == 0 ? 0 : TicksToMs(_ticks[n]) / Runs,
                _totalTicks == 0 ? 0 : 100.0 * _ticks[n] / _totalTicks, _skippedPerNode[n] == _stepsPerNode[n]);
        return rows.OrderByDescending(r => r.MsPerRun).ThenBy(r => r.Node, StringComparer.Ordinal).ToArray();
    }

    private static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
