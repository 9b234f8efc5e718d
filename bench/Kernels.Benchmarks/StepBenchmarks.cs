using BenchmarkDotNet.Attributes;
using Cnnrt.Kernels;

namespace Cnnrt.Benchmarks;

/// <summary>
/// One plan step per benchmark, on every kernel path this CPU runs (<see cref="CpuFeatures.Available"/>), so the
/// reference kernel and each fast path are timed on the same shapes. Each class builds its session once.
/// </summary>
public abstract class StepBenchmark
{
    private Session _session = null!;

    public static IEnumerable<KernelIsa> Isas => CpuFeatures.Available;

    [ParamsSource(nameof(Isas))]
    public KernelIsa Isa { get; set; }

    protected abstract Graph.ModelGraph Graph();

    [GlobalSetup]
    public void Setup() => _session = SingleNodeGraphs.Session(Graph(), Isa);

    /// <summary>One run of the session: the single step plus the session's (constant, tiny) dispatch.</summary>
    [Benchmark]
    public void Run() => _session.Run();
}

/// <summary>ResNet's most common layer: 3×3 convolution, 64 → 64 channels at 56×56 (115.6 M MACs).</summary>
public class Conv3x3Resnet64 : StepBenchmark
{
    protected override Graph.ModelGraph Graph() => SingleNodeGraphs.Conv(inC: 64, outC: 64, size: 56, kernel: 3);
}

/// <summary>MobileNetV2's depthwise layer: 3×3, 144 channels at 56×56, one filter per channel (4.1 M MACs).</summary>
public class Depthwise3x3MobilenetV2 : StepBenchmark
{
    protected override Graph.ModelGraph Graph() => SingleNodeGraphs.Conv(inC: 144, outC: 144, size: 56, kernel: 3, group: 144);
}

/// <summary>A residual Add of two 1×64×56×56 tensors (200 k elements, memory-bound).</summary>
public class AddResidual64 : StepBenchmark
{
    protected override Graph.ModelGraph Graph() => SingleNodeGraphs.Add([1, 64, 56, 56]);
}
