namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// The float32 vector operations the fast kernels are written in, as static abstracts over one vector width (the
/// .NET TensorPrimitives pattern): a kernel is written once, generic over <c>V : IF32Vector&lt;TVec&gt;</c>, and the JIT
/// specializes it per width, so the AVX-512 instantiation is the same code as the tested 128- and 256-bit ones.
/// Implemented by <see cref="F32Vector128"/> (NEON on ARM64, SSE on x64), <see cref="F32Vector256"/> (AVX2 + FMA) and
/// <see cref="F32Vector512"/> (AVX-512 F).
/// </summary>
public interface IF32Vector<TVec> where TVec : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Zero { get; }
    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVec Create(float value);

    /// <summary>Unaligned load of <see cref="Count"/> floats at <paramref name="source"/> (no bounds check).</summary>
    static abstract TVec Load(ref float source);
    /// <summary>Unaligned store of <see cref="Count"/> floats at <paramref name="destination"/> (no bounds check).</summary>
    static abstract void Store(TVec value, ref float destination);

    /// <summary>
    /// Loads 2·<see cref="Count"/> consecutive floats and splits them into the even-indexed and odd-indexed ones,
    /// each in order: how a stride-2 window reads its columns as contiguous vectors.
    /// </summary>
    static abstract void Deinterleave(ref float source, out TVec even, out TVec odd);

    /// <summary>The even-indexed and odd-indexed floats of the pair (<paramref name="low"/>, <paramref name="high"/>),
    /// each in order: <see cref="Deinterleave(ref float, out TVec, out TVec)"/> on vectors already in registers.</summary>
    static abstract void Deinterleave(TVec low, TVec high, out TVec even, out TVec odd);

    /// <summary>
    /// Transposes a <see cref="Count"/>×<see cref="Count"/> block: the <see cref="Count"/> vectors at
    /// <c>source + i·sourceStride</c> become the vectors at <c>destination + j·destinationStride</c>, lane j of source
    /// vector i going to lane i of destination vector j (how planes of channels become channel-interleaved pixels and
    /// back). The blocks must not overlap.
    /// </summary>
    static abstract void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride);

    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    /// <summary>a·b + c, with one rounding where the CPU has FMA (x64 FMA3, ARM64), two otherwise.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    /// <summary>max(a, b) as <see cref="Math.Max(float, float)"/>: NaN propagates and +0 is above −0 (Max, Min ops).</summary>
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    /// <summary>Natural logarithm (.NET's vector Log).</summary>
    static abstract TVec Log(TVec a);
    /// <summary>The hardware max: which operand a NaN or a ±0 tie yields is the platform's (for pooling and clamping).</summary>
    static abstract TVec MaxNative(TVec a, TVec b);
    static abstract TVec MinNative(TVec a, TVec b);
    static abstract TVec Abs(TVec a);
    /// <summary>Round to the nearest integer, ties to even.</summary>
    static abstract TVec Round(TVec a);

    /// <summary>Lane masks (all bits set where true) for <see cref="Select"/> and the bitwise operations.</summary>
    static abstract TVec LessThan(TVec a, TVec b);
    static abstract TVec GreaterThan(TVec a, TVec b);
    static abstract TVec GreaterThanOrEqual(TVec a, TVec b);
    /// <summary>Lanes equal (false for NaN, so <c>Equals(x, x)</c> masks the non-NaN lanes).</summary>
    static abstract TVec Equals(TVec a, TVec b);
    /// <summary>mask ? ifTrue : ifFalse, lane by lane (bitwise).</summary>
    static abstract TVec Select(TVec mask, TVec ifTrue, TVec ifFalse);
    static abstract TVec And(TVec a, TVec b);
    static abstract TVec Xor(TVec a, TVec b);
    static abstract TVec Or(TVec a, TVec b);

    /// <summary>2ⁿ for lanes holding integral n in [−126, 127], built in the exponent bits.</summary>
    static abstract TVec Pow2(TVec n);

    /// <summary>
    /// 2^(k/4 + offset) for the integer k that <paramref name="t"/> holds as 1.5·2²³ + k (|k| &lt; 2²¹, so its bits are
    /// 0x4B400000 + k): the table entry 2^((k mod 4)/4) (<see cref="FloatBits.Quarter0"/>…) picked by k's low two bits,
    /// its exponent raised by ⌊k/4⌋ + offset in the bits. ⌊k/4⌋ + offset must lie in [−126, 127].
    /// </summary>
    static abstract TVec Pow2Quarters(TVec t, int offset);

    /// <summary>Sum of the lanes (the reduction order is the implementation's).</summary>
    static abstract float Sum(TVec v);
    /// <summary>Largest lane.</summary>
    static abstract float MaxAcross(TVec v);
}
