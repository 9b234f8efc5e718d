using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// 512-bit float vectors: the AVX-512 F path. Where the CPU lacks AVX-512 the same code still runs, through .NET's
/// software Vector512 (pairs of 256-bit halves) and the 256-bit fallbacks below, which is how its generic code is
/// tested on such hosts; the AVX-512-only instructions (VPERMT2PS, 512-bit FMA) run only on AVX-512 CPUs.
/// </summary>
public readonly struct F32Vector512 : IF32Vector<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <summary>One two-source permute per output (VPERMT2PS) picks the even or odd lanes of the pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(ref float source, out Vector512<float> even, out Vector512<float> odd) =>
        Deinterleave(Vector512.LoadUnsafe(ref source), Vector512.LoadUnsafe(ref Unsafe.Add(ref source, 16)), out even, out odd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector512<float> a, Vector512<float> b, out Vector512<float> even, out Vector512<float> odd)
    {
        if (Avx512F.IsSupported)
        {
            even = Avx512F.PermuteVar16x32x2(a, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
            odd = Avx512F.PermuteVar16x32x2(a, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
        }
        else
        {
            F32Vector256.Deinterleave(a.GetLower(), a.GetUpper(), out var e0, out var o0);
            F32Vector256.Deinterleave(b.GetLower(), b.GetUpper(), out var e1, out var o1);
            even = Vector512.Create(e0, e1);
            odd = Vector512.Create(o0, o1);
        }
    }

    /// <summary>As four 8×8 transposes, the off-diagonal quarters swapped (AVX2 shuffles; a transpose is a small
    /// part of the kernels that use it).</summary>
    public static void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        F32Vector256.Transpose(ref source, sourceStride, ref destination, destinationStride);
        F32Vector256.Transpose(ref Unsafe.Add(ref source, 8), sourceStride, ref Unsafe.Add(ref destination, 8 * destinationStride), destinationStride);
        F32Vector256.Transpose(ref Unsafe.Add(ref source, 8 * sourceStride), sourceStride, ref Unsafe.Add(ref destination, 8), destinationStride);
        F32Vector256.Transpose(ref Unsafe.Add(ref source, 8 * sourceStride + 8), sourceStride,
            ref Unsafe.Add(ref destination, 8 * destinationStride + 8), destinationStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    /// <summary>Fused on AVX-512; elsewhere fused per 256-bit half, so the emulated path rounds as the real one does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c)
        : Vector512.Create(F32Vector256.MultiplyAdd(a.GetLower(), b.GetLower(), c.GetLower()),
            F32Vector256.MultiplyAdd(a.GetUpper(), b.GetUpper(), c.GetUpper()));

    /// <summary>IEEE 754:2019 maximum, as <see cref="Math.Max(float, float)"/>: NaN propagates, +0 is above −0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log(Vector512<float> a) => Vector512.Log(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxNative(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MinNative(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> a) => Vector512.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterThanOrEqual(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Equals(Vector512<float> a, Vector512<float> b) => Vector512.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> ifTrue, Vector512<float> ifFalse) =>
        Vector512.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Xor(Vector512<float> a, Vector512<float> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Or(Vector512<float> a, Vector512<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2Quarters(Vector512<float> t, int offset)
    {
        if (!Avx512F.IsSupported)
            return Vector512.Create(F32Vector256.Pow2Quarters(t.GetLower(), offset), F32Vector256.Pow2Quarters(t.GetUpper(), offset));
        var bits = t.AsInt32();
        // VPERMPS reads the index's low four bits: the four-entry table repeats across the sixteen lanes.
        var table = Vector512.Create(Vector256.Create(FloatBits.Quarter0, FloatBits.Quarter1, FloatBits.Quarter2, FloatBits.Quarter3,
            FloatBits.Quarter0, FloatBits.Quarter1, FloatBits.Quarter2, FloatBits.Quarter3));
        return (Avx512F.PermuteVar16x32(table, bits).AsInt32() + Vector512.ShiftLeft(Vector512.ShiftRightArithmetic(bits, 2), 23) +
            Vector512.Create(FloatBits.QuarterBias(offset))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2(Vector512<float> n) =>
        (Vector512.ShiftLeft((n + Vector512.Create(FloatBits.Pow2Magic)).AsInt32(), 23) + Vector512.Create(FloatBits.OneBits)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Vector512.Sum(v);

    public static float MaxAcross(Vector512<float> v) =>
        F32Vector256.MaxAcross(Vector256.MaxNative(v.GetLower(), v.GetUpper()));
}
