namespace Cnnrt.Kernels.F32Vector;

/// <summary>Sizes that hold for every vector path.</summary>
public static class VectorWidth
{
    /// <summary>Floats in the widest vector (AVX-512): the size of the stack buffers that hold one partial vector.</summary>
    public const int MaxFloats = 16;
}
