namespace Cnnrt.Kernels.F32Vector;

/// <summary>Bit-level constants of IEEE single precision used to build powers of two without conversions.</summary>
internal static class FloatBits
{
    /// <summary>
    /// 1.5·2²³: for integral |n| &lt; 2²², n + this holds n + 2²² in its low mantissa bits, so shifting its bits left by
    /// 23 leaves n in the exponent field while the constant's own bits shift out (no float-to-int conversion).
    /// </summary>
    public const float Pow2Magic = 12582912f;
    /// <summary>The bits of 1.0f: adding them to n·2²³ gives the bits of 2ⁿ.</summary>
    public const int OneBits = 0x3F800000;
    /// <summary>The bits of <see cref="Pow2Magic"/>: 1.5·2²³ + k has the bits MagicBits + k for |k| &lt; 2²².</summary>
    public const int MagicBits = 0x4B400000;

    /// <summary>2^(j/4) for j = 0…3, each the nearest float: the table of <c>Pow2Quarters</c>.</summary>
    public const float Quarter0 = 1f, Quarter1 = 1.18920711500272106672f, Quarter2 = 1.41421356237309504880f,
        Quarter3 = 1.68179283050742908606f;

    /// <summary>
    /// What <c>Pow2Quarters</c> adds to a table entry's bits besides ⌊k/4⌋·2²³: ((bits of t) &gt;&gt; 2) is
    /// MagicBits/4 + ⌊k/4⌋ (MagicBits is a multiple of 4, the shift arithmetic), so this removes MagicBits/4 from the
    /// exponent again and adds the offset (all modulo 2³², which the integer adds wrap to).
    /// </summary>
    public static int QuarterBias(int offset) => unchecked((offset - MagicBits / 4) << 23);
}
