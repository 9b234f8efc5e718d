using System.Runtime.Intrinsics;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Tests.Kernels.F32Vector;

/// <summary>Applies a vector activation over a span with the vector width of a kernel path (the unary kernel's loop).</summary>
internal static class VectorIsaApply
{
    public static void Apply<TAct>(KernelIsa isa, ReadOnlySpan<float> x, Span<float> y, TAct activation) where TAct : struct, IVectorActivation
    {
        switch (isa)
        {
            case KernelIsa.Vector128: VectorUnaryKernel.Apply<F32Vector128, Vector128<float>, TAct>(x, y, activation); break;
            case KernelIsa.Avx2: VectorUnaryKernel.Apply<F32Vector256, Vector256<float>, TAct>(x, y, activation); break;
            case KernelIsa.Avx512: VectorUnaryKernel.Apply<F32Vector512, Vector512<float>, TAct>(x, y, activation); break;
            default: throw new ArgumentException($"{isa} has no vector width");
        }
    }
}
