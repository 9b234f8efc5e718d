using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Pool;

/// <summary>
/// MaxPool as a window op over a plane padded with −∞: the max of every tap equals the reference's max over the taps
/// inside the input (windows with no such tap are patched afterwards; NaN inputs follow the hardware max).
/// </summary>
internal readonly struct MaxWindow : IWindowOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Start<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct => V.Create(float.NegativeInfinity);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Accumulate<V, TVec>(TVec acc, TVec x, TVec factor) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.MaxNative(acc, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Finish<V, TVec>(TVec acc, int oh, int ow) where V : struct, IF32Vector<TVec> where TVec : struct => acc;
}

/// <summary>
/// AveragePool as a window op over a zero-padded plane: the taps are summed in the reference's order (padding adds
/// exact zeros) and divided by the same count, nh(oh)·nw(ow), so the result is bit-identical to the reference.
/// </summary>
/// <param name="columnCounts">nw per output column, at least one vector long (entries past the row are 1).</param>
/// <param name="rowCounts">nh per output row.</param>
internal readonly struct AverageWindow(float[] columnCounts, float[] rowCounts) : IWindowOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Start<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct => V.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Accumulate<V, TVec>(TVec acc, TVec x, TVec factor) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Add(acc, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Finish<V, TVec>(TVec acc, int oh, int ow) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Divide(acc, V.Multiply(V.Load(ref Unsafe.Add(ref columnCounts[0], ow)), V.Create(rowCounts[oh])));
}
