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
}
