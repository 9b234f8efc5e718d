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

    /// <summary>
    /// Applied after the store, by <see cref="F32TileEpilogue.ApplyStored"/>, instead of to the live accumulators: true
    /// for the exp-based activations, whose ~30 operations and dozen constants next to 12 (or 24) live accumulators
    /// make the JIT spill temporaries and constants around every one of them (a 1×1 Conv+Swish ran 2.3× slower than
    /// the Conv, Sigmoid and Mul steps it replaced). The stored tile is still in L1.
    /// </summary>
    static virtual bool AfterStore => false;

    /// <summary>
    /// What a micro-kernel applies to its live accumulators: <see cref="Apply"/>, or nothing where the activation runs
    /// <see cref="AfterStore"/>. The kernels call this, not Apply, under their `!AfterStore` branch so that the
    /// exp-based bodies are never inlined there: NativeAOT's compiler did inline them into the (dead) branch, ran out
    /// of inlining budget, left the vector Load/Store calls un-inlined and spilled every accumulator in the k loop
    /// (LeNet-5's Conv+Tanh steps 2.5× slower than the JIT build).
    /// </summary>
    static abstract TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged;
}

/// <summary>The after-store form of a tile activation.</summary>
public static unsafe class F32TileEpilogue
{
    /// <summary>
    /// Applies <typeparamref name="TAct"/> to a stored tile of <paramref name="rows"/> rows × 2 vectors, ldc apart,
    /// row by row: two values live, so nothing spills. Not inlined, so the micro-kernel's register allocation never
    /// sees the activation (inlining it measured no faster).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void ApplyStored<TOps, TVec, TAct>(float* c, nint ldc, int rows, float alpha, float beta, int vectors = 2)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        nint v = TOps.Count;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            TOps.Store(c, TAct.Apply<TOps, TVec>(TOps.Load(c), va, vb));
            if (vectors > 1) TOps.Store(c + v, TAct.Apply<TOps, TVec>(TOps.Load(c + v), va, vb));
        }
    }
}

/// <summary>No activation.</summary>
public readonly struct IdentityTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>max(0, x) as the reference writes it (x &lt; 0 ? 0 : x): NaN and −0 pass through.</summary>
public readonly struct ReluTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Max(TOps.Zero, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>Clip: min(max(x, alpha), beta) — ReLU6 is alpha 0, beta 6.</summary>
public readonly struct ClipTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Min(TOps.Max(value, alpha), beta);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>LeakyRelu: x ≥ 0 ? x : alpha·x.</summary>
public readonly struct LeakyReluTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.WhereNegative(value, TOps.Multiply(value, alpha));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>HardSigmoid: max(0, min(1, alpha·x + beta)).</summary>
public readonly struct HardSigmoidTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Max(TOps.Zero, TOps.Min(TOps.Splat(1f), TOps.MulAdd(value, alpha, beta)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>HardSwish: x·max(0, min(1, x/6 + 1/2)).</summary>
public readonly struct HardSwishTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Multiply(value, TOps.Max(TOps.Zero, TOps.Min(TOps.Splat(1f), TOps.MulAdd(value, TOps.Splat(1f / 6), TOps.Splat(0.5f)))));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>x·max(0, min(1, alpha·x + beta)): HardSwish as HardSigmoid → Mul.</summary>
public readonly struct HardSigmoidGateTile : IF32TileActivation
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        TOps.Multiply(value, HardSigmoidTile.Apply<TOps, TVec>(value, alpha, beta));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => Apply<TOps, TVec>(value, alpha, beta);
}

/// <summary>Sigmoid through the vector exp (≤ 3 ulp from the correctly rounded result).</summary>
public readonly struct SigmoidTile : IF32TileActivation
{
    public static bool AfterStore => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Sigmoid(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => value;
}

/// <summary>Tanh through the vector exp (≤ 3 ulp).</summary>
public readonly struct TanhTile : IF32TileActivation
{
    public static bool AfterStore => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Tanh(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => value;
}

/// <summary>Swish (SiLU): x·sigmoid(x).</summary>
public readonly struct SwishTile : IF32TileActivation
{
    public static bool AfterStore => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Apply<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => TOps.Swish(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec InRegisters<TOps, TVec>(TVec value, TVec alpha, TVec beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => value;
}
