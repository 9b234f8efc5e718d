using System.Runtime.CompilerServices;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A fused activation applied in registers as a micro-kernel stores its finished tile. A type parameter of the
/// kernel, so each kernel instantiation carries exactly its activation's instructions and no per-value branch.
/// Alpha and beta are the <see cref="FusedActivation"/>'s parameters, splatted once per tile.
/// </summary>
public interface IF32TileActivation
{
    static abstract TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged;
}

/// <summary>No activation (also used under Sigmoid and Tanh, which a scalar pass applies after the store).</summary>
public readonly struct IdentityTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => value;
}

/// <summary>max(0, x) as the reference writes it (x &lt; 0 ? 0 : x): NaN and −0 pass through.</summary>
public readonly struct ReluTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Max(TOps.Zero, value);
}

/// <summary>Clip: min(max(x, alpha), beta) — ReLU6 is alpha 0, beta 6.</summary>
public readonly struct ClipTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Min(TOps.Max(value, alpha), beta);
}

/// <summary>LeakyRelu: x ≥ 0 ? x : alpha·x.</summary>
public readonly struct LeakyReluTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.WhereNegative(value, TOps.Multiply(value, alpha));
}

/// <summary>HardSigmoid: max(0, min(1, alpha·x + beta)).</summary>
public readonly struct HardSigmoidTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Max(TOps.Zero, TOps.Min(TOps.Splat(1f), TOps.MulAdd(value, alpha, beta)));
}

/// <summary>HardSwish: x·max(0, min(1, x/6 + 1/2)).</summary>
public readonly struct HardSwishTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Multiply(value, TOps.Max(TOps.Zero, TOps.Min(TOps.Splat(1f), TOps.MulAdd(value, TOps.Splat(1f / 6), TOps.Splat(0.5f)))));
}

/// <summary>x·max(0, min(1, alpha·x + beta)): HardSwish as HardSigmoid → Mul.</summary>
public readonly struct HardSigmoidGateTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Multiply(value, HardSigmoidTile.Apply<TOps, TVec>(value, alpha, beta));
}
