using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// An activation applied to a whole vector, as a struct so a kernel generic over it is specialized and the call
/// inlined (fused at a Conv's store, or a standalone unary step). Parameters (alpha, bounds) are fields.
/// </summary>
public interface IVectorActivation
{
    TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct;
}

/// <summary>No activation.</summary>
public readonly struct IdentityActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct => x;
}

/// <summary>x &lt; 0 ? 0 : x, as the reference (NaN and −0 pass through).</summary>
public readonly struct ReluActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Select(V.LessThan(x, V.Zero), V.Zero, x);
}

public readonly struct LeakyReluActivation(float alpha) : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Select(V.GreaterThanOrEqual(x, V.Zero), x, V.Multiply(x, V.Create(alpha)));
}

/// <summary>min(max(x, lo), hi) by comparisons, so NaN passes through and lo &gt; hi gives hi, as the reference.</summary>
public readonly struct ClipActivation(float lo, float hi) : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var l = V.Create(lo);
        var h = V.Create(hi);
        x = V.Select(V.LessThan(x, l), l, x);
        return V.Select(V.GreaterThan(x, h), h, x);
    }
}

public readonly struct SigmoidActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct => F32VectorMath.Sigmoid<V, TVec>(x);
}

public readonly struct TanhActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct => F32VectorMath.Tanh<V, TVec>(x);
}

/// <summary>clamp(alpha·x + beta, 0, 1).</summary>
public readonly struct HardSigmoidActivation(float alpha, float beta) : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        new ClipActivation(0f, 1f).Apply<V, TVec>(V.MultiplyAdd(x, V.Create(alpha), V.Create(beta)));
}

/// <summary>x·clamp(x/6 + 1/2, 0, 1).</summary>
public readonly struct HardSwishActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Multiply(x, new ClipActivation(0f, 1f).Apply<V, TVec>(V.MultiplyAdd(x, V.Create(1f / 6f), V.Create(0.5f))));
}

/// <summary>Swish (SiLU): x·sigmoid(x).</summary>
public readonly struct SwishActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        F32VectorMath.Swish<V, TVec>(x);
}

/// <summary>x·clamp(alpha·x + beta, 0, 1): HardSwish as HardSigmoid → Mul.</summary>
public readonly struct HardSigmoidGateActivation(float alpha, float beta) : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Multiply(x, new HardSigmoidActivation(alpha, beta).Apply<V, TVec>(x));
}

/// <summary>x ≥ 0 ? x : alpha·(eˣ − 1).</summary>
public readonly struct EluActivation(float alpha) : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Select(V.GreaterThanOrEqual(x, V.Zero), x, V.Multiply(V.Create(alpha), F32VectorMath.ExpM1<V, TVec>(x)));
}

public readonly struct SoftplusActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct => F32VectorMath.Softplus<V, TVec>(x);
}

public readonly struct ExpActivation : IVectorActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Apply<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct => F32VectorMath.Exp<V, TVec>(x);
}
