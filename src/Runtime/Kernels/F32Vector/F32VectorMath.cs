using System.Runtime.CompilerServices;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// Elementary functions on float vectors, written once over <see cref="IF32Vector{TVec}"/>. Exp is Cody–Waite range
/// reduction x = n·ln2 + s (|s| ≤ ln2/2, ln2 split in a high part whose products with n are exact and a low part)
/// followed by a degree-7 minimax polynomial for eˢ (SLEEF's expf coefficients) and a scale by 2ⁿ assembled in the
/// exponent bits in two halves, so subnormal results and overflow to +∞ come out without special cases; measured
/// within 1 ulp of the correctly rounded result (tests sweep the whole domain). Tanh and Elu are built on it in forms
/// that neither overflow nor cancel. Sigmoid (and so Swish) and Softplus take e^−|x| from a shorter variant, <see
/// cref="ScaledExpOfNonPositive{V, TVec}"/>, whose accuracy their own bounds absorb.
/// </summary>
public static class F32VectorMath
{
    private const float Log2E = 1.44269504088896341f;
    /// <summary>ln 2 = LnHi + LnLo; LnHi has 9 trailing zero bits, so n·LnHi is exact for |n| &lt; 512.</summary>
    private const float LnHi = 0.693145751953125f, LnLo = 1.428606765330187045e-06f;
    /// <summary>Below this eˣ rounds to 0; above the upper clamp it overflows to +∞ through the scale alone.</summary>
    private const float ExpLow = -104f, ExpHigh = 89f;
    /// <summary>ln 2 = Ln2Hi + Ln2Lo (Cody and Waite's split): Ln2Hi has 9 significant bits, so k·Ln2Hi/4 is exact for |k| &lt; 2¹⁵.</summary>
    private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float TwoToMinus64 = 5.42101086242752217e-20f;

    /// <summary>eˣ; NaN stays NaN, −∞ gives 0, +∞ gives +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var p = ReducedExpM1<V, TVec>(x, out var n);
        var r = Scale<V, TVec>(V.Add(p, V.Create(1f)), n);
        return V.Select(V.Equals(x, x), r, x);
    }

    /// <summary>
    /// eˣ − 1 without cancellation near 0: where the reduction leaves n = 0 (|x| ≤ ln2/2) it is the polynomial's
    /// s + s²·q itself; elsewhere eˣ is at least √2 or at most 1/√2 away from 1, and eˣ − 1 loses under 2 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec ExpM1<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var p = ReducedExpM1<V, TVec>(x, out var n);
        var e = Scale<V, TVec>(V.Add(p, V.Create(1f)), n);
        var r = V.Select(V.Equals(n, V.Zero), p, V.Subtract(e, V.Create(1f)));
        return V.Select(V.Equals(x, x), r, x);
    }

    /// <summary>
    /// 1 / (1 + e⁻ˣ), evaluated with e = e^−|x| ≤ 1 as 1/(1 + e) for x ≥ 0 and e/(1 + e) for x &lt; 0: nothing
    /// overflows, and tiny (even subnormal) results keep their relative accuracy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Select(V.Equals(x, x), SigmoidOfNonNaN<V, TVec>(x), x);

    /// <summary>
    /// x·sigmoid(x) (SiLU). A NaN lane needs no mask here: the product with x is NaN whatever the sigmoid lane holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Swish<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct =>
        V.Multiply(x, SigmoidOfNonNaN<V, TVec>(x));

    /// <summary><see cref="Sigmoid{V, TVec}"/> where x is not NaN (a NaN lane gives an unspecified value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec SigmoidOfNonNaN<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var scaled = ScaledExpOfNonPositive<V, TVec>(V.MaxNative(V.Or(x, V.Create(-0f)), V.Create(ExpLow)));
        var one = V.Create(1f);
        // 1 + e as fma(e·2⁶⁴, 2⁻⁶⁴, 1): the same rounded sum (e·2⁶⁴·2⁻⁶⁴ is e exactly, or a subnormal that 1 absorbs
        // either way), one dependent operation fewer than scaling first.
        var denominator = V.MultiplyAdd(scaled, V.Create(TwoToMinus64), one);
        var numerator = V.Select(V.LessThan(x, V.Zero), V.Multiply(scaled, V.Create(TwoToMinus64)), one);
        return V.Divide(numerator, denominator);
    }

    /// <summary>
    /// tanh x = sign(x)·m/(m + 2) with m = e^{2|x|} − 1 (accurate near 0 through <see cref="ExpM1{V, TVec}"/>);
    /// |x| &gt; 9 rounds to ±1 (and avoids ∞/∞).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var a = V.Abs(x);
        var m = ExpM1OfNonNegative<V, TVec>(V.Add(a, a));
        var t = V.Divide(m, V.Add(m, V.Create(2f)));
        t = V.Select(V.GreaterThan(a, V.Create(9f)), V.Create(1f), t);
        return V.Xor(t, V.And(x, V.Create(-0f)));
    }

    /// <summary>
    /// ln(1 + eˣ) = max(x, 0) + log1p(e^−|x|), with log1p(e) = ln(u)·e/(u − 1) for u = 1 + e (exact where u rounds to
    /// 1: then it is e): no overflow for large x, no loss for very negative x.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Softplus<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var c = V.MaxNative(V.Or(x, V.Create(-0f)), V.Create(ExpLow));
        var e = V.Multiply(ScaledExpOfNonPositive<V, TVec>(c), V.Create(TwoToMinus64));
        var one = V.Create(1f);
        var u = V.Add(one, e);
        var d = V.Subtract(u, one);
        var log1p = V.Select(V.Equals(d, V.Zero), e, V.Divide(V.Multiply(V.Log(u), e), d));
        var positive = V.Select(V.LessThan(x, V.Zero), V.Zero, x);
        return V.Add(positive, log1p);
    }

    /// <summary>
    /// eˣ·2⁶⁴ for x in [−104, 0] (a NaN lane gives garbage the callers mask), a normal float everywhere, for Sigmoid and
    /// Softplus, whose e^−|x| lies there: what <see cref="Exp{V, TVec}"/> computes in about two thirds of the dependent
    /// operations. x = (k/4)·ln2 + s with k = round(4x/log 2) taken from the magic-number sum itself (no rounding
    /// instruction), |s| ≤ ln2/8, and eˢ = 1 + s + s²·q(s) with q a degree-2 fit (relative error 5.5·10⁻⁹, under 0.1 ulp,
    /// against degree 5 over |s| ≤ ln2/2); 2^(k/4 + 64) comes from a four-entry table (<see cref="IF32Vector{TVec}.Pow2Quarters"/>),
    /// whose entries' rounding (≤ ½ ulp) is the price: about 1.5 ulp where the full Exp has 1. The chain from x to the
    /// result is what bounds these functions' throughput (each vector's operations wait in the scheduler for their whole
    /// latency): Swish on AVX2 went from 0.71 to 0.54 ns per value. The 2⁶⁴ keeps results down to e⁻¹⁰⁴ normal, so the
    /// callers' one scaling by 2⁻⁶⁴ rounds subnormal results once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ScaledExpOfNonPositive<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var t = V.MultiplyAdd(x, V.Create(4 * Log2E), V.Create(FloatBits.Pow2Magic));
        var k = V.Subtract(t, V.Create(FloatBits.Pow2Magic));
        var s = V.MultiplyAdd(k, V.Create(-Ln2Hi / 4), x);
        s = V.MultiplyAdd(k, V.Create(-Ln2Lo / 4), s);
        var s2 = V.Multiply(s, s);
        var q = V.MultiplyAdd(s, V.Create(0.16672103106975555f), V.Create(0.5000001788139343f));
        q = V.MultiplyAdd(s2, V.Create(0.04164176061749458f), q);
        var p = V.MultiplyAdd(s2, q, s);
        var scale = V.Pow2Quarters(t, 64);
        return V.MultiplyAdd(p, scale, scale);
    }

    /// <summary>
    /// eˣ − 1 for x ≥ 0 (or NaN), bit-identical to <see cref="ExpM1{V, TVec}"/> there in fewer operations — what Tanh
    /// uses, on 2|x|. Only the upper clamp can apply, and with n in [0, 128] eˣ = m·2ⁿ is (m·2ⁿ⁻⁶⁴)·2⁶⁴, both products
    /// exact (or the second overflowing to +∞ exactly where the two-step scale does).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpM1OfNonNegative<V, TVec>(TVec x) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var c = V.MinNative(x, V.Create(ExpHigh));
        var n = V.Round(V.Multiply(c, V.Create(Log2E)));
        var p = Polynomial<V, TVec>(c, n);
        var a = V.Pow2(V.Subtract(n, V.Create(64f)));
        var e = V.Multiply(V.MultiplyAdd(p, a, a), V.Create(18446744073709551616f)); // 2⁶⁴
        var r = V.Select(V.Equals(n, V.Zero), p, V.Subtract(e, V.Create(1f)));
        return V.Select(V.Equals(x, x), r, x);
    }

    /// <summary>
    /// Range reduction and polynomial: returns eˢ − 1 for s = x − n·ln2 and n = round(x/ln2), with x clamped to
    /// [−104, 89] so n stays within the two-step scale's range (a NaN lane gives garbage the callers mask).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ReducedExpM1<V, TVec>(TVec x, out TVec n) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        x = V.MinNative(V.MaxNative(x, V.Create(ExpLow)), V.Create(ExpHigh));
        n = V.Round(V.Multiply(x, V.Create(Log2E)));
        return Polynomial<V, TVec>(x, n);
    }

    /// <summary>eˢ − 1 for s = x − n·ln2, x already clamped and n = round(x/ln2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Polynomial<V, TVec>(TVec x, TVec n) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var s = V.MultiplyAdd(n, V.Create(-LnHi), x);
        s = V.MultiplyAdd(n, V.Create(-LnLo), s);
        // q = c0 + c1·s + … + c5·s⁵ as (c0 + c1·s) + s²·((c2 + c3·s) + s²·(c4 + c5·s)) (Estrin): three dependent FMAs
        // after s² instead of Horner's five. The chain from x to the result is what bounds throughput: every vector
        // in flight holds reorder-buffer entries for its whole latency.
        var s2 = V.Multiply(s, s);
        var lo = V.MultiplyAdd(V.Create(0.166666671633720397949219f), s, V.Create(0.5f));
        var mid = V.MultiplyAdd(V.Create(0.00833336077630519866943359f), s, V.Create(0.0416664853692054748535156f));
        var hi = V.MultiplyAdd(V.Create(0.000198527617612853646278381f), s, V.Create(0.00139304355252534151077271f));
        var q = V.MultiplyAdd(V.MultiplyAdd(hi, s2, mid), s2, lo);
        return V.MultiplyAdd(s2, q, s);
    }

    /// <summary>
    /// m·2ⁿ for m in [1/√2, √2] and integral n in [−150, 128], as m·2ʰ·2ⁿ⁻ʰ with h = round(n/2): both factors are
    /// normal floats and m·2ʰ is exact, so the second product rounds once, into the subnormal range or to +∞ where
    /// the result lies there and not at all where it is normal. Branch-free on purpose: a rarely taken call for the
    /// wide cases made the JIT spill every live vector around it on the common path, halving throughput.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Scale<V, TVec>(TVec m, TVec n) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var h = V.Round(V.Multiply(n, V.Create(0.5f)));
        return V.Multiply(V.Multiply(m, V.Pow2(h)), V.Pow2(V.Subtract(n, h)));
    }
}
