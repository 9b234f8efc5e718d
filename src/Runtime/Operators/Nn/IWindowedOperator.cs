using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators.Nn;

/// <summary>A sliding-window operator (Conv, MaxPool, AveragePool) that can report its resolved geometry, e.g. for inspection.</summary>
public interface IWindowedOperator
{
    /// <summary>The kernel, strides, dilations, per-side padding and output size for these inputs.</summary>
    SpatialParams ResolveWindow(ValueInfo?[] inputs);
}
