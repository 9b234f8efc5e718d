namespace Cnnrt;

/// <summary>Which kernel implementations plans use on this machine (chosen once, at plan time).</summary>
public static class KernelPaths
{
    /// <summary>The instruction-set path of the float kernels, as `cnnrt bench` reports it.</summary>
    public static string Isa => "scalar";

    /// <summary>One line for `cnnrt info`.</summary>
    public static string Active => "float32: scalar reference kernels for every operator";
}
