using Cnnrt.Kernels;

namespace Cnnrt;

/// <summary>Which kernel implementations plans use on this machine (chosen once, at plan time).</summary>
public static class KernelPaths
{
    /// <summary>The instruction-set path plans pick by default, as `cnnrt bench` reports it.</summary>
    public static string Isa => CpuFeatures.Name(CpuFeatures.Best);

    /// <summary>One line for `cnnrt info`.</summary>
    public static string Active =>
        $"float32: {CpuFeatures.Name(CpuFeatures.Best)} where an operator has a fast kernel, else its scalar reference; " +
        $"available here: {string.Join(", ", CpuFeatures.Available.Select(CpuFeatures.Name))}";
}
