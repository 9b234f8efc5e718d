using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Depthwise;

/// <summary>
/// One channel of a depthwise convolution as a window op: the accumulator starts at the bias, each tap adds
/// input · weight with an FMA, and the fused activation is applied at the store.
/// </summary>
/// <remarks>The weights reach the kernel as its tap factors.</remarks>
internal readonly struct DepthwiseWindow<TAct>(float bias, TAct activation) : IWindowOp
    where TAct : struct, IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Start<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct => V.Create(bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Accumulate<V, TVec>(TVec acc, TVec x, TVec factor) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.MultiplyAdd(x, factor, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Finish<V, TVec>(TVec acc, int oh, int ow) where V : struct, IF32Vector<TVec> where TVec : struct =>
        activation.Apply<V, TVec>(acc);
}
