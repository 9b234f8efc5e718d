using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// A float function of two elements in vector and scalar form (the scalar one serves strided runs and gives the
/// same value lane by lane).
/// </summary>
public interface IVectorBinaryOp
{
    static abstract TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct;
    static abstract float Invoke(float a, float b);
}

public readonly struct AddVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Add(a, b);
    public static float Invoke(float a, float b) => a + b;
}

public readonly struct SubVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Subtract(a, b);
    public static float Invoke(float a, float b) => a - b;
}

public readonly struct MulVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Multiply(a, b);
    public static float Invoke(float a, float b) => a * b;
}

public readonly struct DivVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Divide(a, b);
    public static float Invoke(float a, float b) => a / b;
}

/// <summary>Math.Max semantics (NaN propagates, +0 above −0), as the reference MaxOp.</summary>
public readonly struct MaxVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Max(a, b);
    public static float Invoke(float a, float b) => Math.Max(a, b);
}

public readonly struct MinVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct => V.Min(a, b);
    public static float Invoke(float a, float b) => Math.Min(a, b);
}

/// <summary>PRelu: a &lt; 0 ? a·slope : a.</summary>
public readonly struct PReluVectorOp : IVectorBinaryOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<V, TVec>(TVec a, TVec b) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Select(V.LessThan(a, V.Zero), V.Multiply(a, b), a);
    public static float Invoke(float a, float b) => a < 0 ? a * b : a;
}
