using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>256-bit float vectors: the AVX2 + FMA path.</summary>
public readonly struct F32Vector256 : IF32Vector<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Create(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    /// <summary>
    /// AVX shuffles pick evens/odds within each 128-bit lane of the pair (a0 a2 b0 b2 | a4 a6 b4 b6), and one
    /// cross-lane permute of 64-bit pairs puts them in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(ref float source, out Vector256<float> even, out Vector256<float> odd) =>
        Deinterleave(Vector256.LoadUnsafe(ref source), Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 8)), out even, out odd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector256<float> a, Vector256<float> b, out Vector256<float> even, out Vector256<float> odd)
    {
        if (Avx2.IsSupported)
        {
            var e = Avx.Shuffle(a, b, 0b10_00_10_00);
            var o = Avx.Shuffle(a, b, 0b11_01_11_01);
            even = Avx2.Permute4x64(e.AsDouble(), 0b11_01_10_00).AsSingle();
            odd = Avx2.Permute4x64(o.AsDouble(), 0b11_01_10_00).AsSingle();
        }
        else
        {
            F32Vector128.Deinterleave(a.GetLower(), a.GetUpper(), out var e0, out var o0);
            F32Vector128.Deinterleave(b.GetLower(), b.GetUpper(), out var e1, out var o1);
            even = Vector256.Create(e0, e1);
            odd = Vector256.Create(o0, o1);
        }
    }

    public static void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        if (!Avx.IsSupported)
        {
            // The four 4×4 quarters, the off-diagonal ones swapped.
            F32Vector128.Transpose(ref source, sourceStride, ref destination, destinationStride);
            F32Vector128.Transpose(ref Unsafe.Add(ref source, 4), sourceStride, ref Unsafe.Add(ref destination, 4 * destinationStride), destinationStride);
            F32Vector128.Transpose(ref Unsafe.Add(ref source, 4 * sourceStride), sourceStride, ref Unsafe.Add(ref destination, 4), destinationStride);
            F32Vector128.Transpose(ref Unsafe.Add(ref source, 4 * sourceStride + 4), sourceStride,
                ref Unsafe.Add(ref destination, 4 * destinationStride + 4), destinationStride);
            return;
        }
        var r0 = Vector256.LoadUnsafe(ref source);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, sourceStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride));
        var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 4 * sourceStride));
        var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 5 * sourceStride));
        var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 6 * sourceStride));
        var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 7 * sourceStride));
        // Within each 128-bit half: a 4×4 transpose of rows 0-3 and of rows 4-7; then the halves are exchanged.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0b01_00_01_00);
        var s1 = Avx.Shuffle(t0, t2, 0b11_10_11_10);
        var s2 = Avx.Shuffle(t1, t3, 0b01_00_01_00);
        var s3 = Avx.Shuffle(t1, t3, 0b11_10_11_10);
        var s4 = Avx.Shuffle(t4, t6, 0b01_00_01_00);
        var s5 = Avx.Shuffle(t4, t6, 0b11_10_11_10);
        var s6 = Avx.Shuffle(t5, t7, 0b01_00_01_00);
        var s7 = Avx.Shuffle(t5, t7, 0b11_10_11_10);
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, destinationStride));
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, 2 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, 3 * destinationStride));
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 4 * destinationStride));
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 5 * destinationStride));
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 6 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 7 * destinationStride));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>IEEE 754:2019 maximum, as <see cref="Math.Max(float, float)"/>: NaN propagates, +0 is above −0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> a) => Vector256.Log(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxNative(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinNative(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> a) => Vector256.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThanOrEqual(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Equals(Vector256<float> a, Vector256<float> b) => Vector256.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> ifTrue, Vector256<float> ifFalse) =>
        Vector256.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Xor(Vector256<float> a, Vector256<float> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> a, Vector256<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2Quarters(Vector256<float> t, int offset)
    {
        if (!Avx.IsSupported)
            return Vector256.Create(F32Vector128.Pow2Quarters(t.GetLower(), offset), F32Vector128.Pow2Quarters(t.GetUpper(), offset));
        var bits = t.AsInt32();
        // VPERMILPS picks within each 128-bit half by the index's low two bits: the table is in both halves.
        var table = Vector256.Create(FloatBits.Quarter0, FloatBits.Quarter1, FloatBits.Quarter2, FloatBits.Quarter3,
            FloatBits.Quarter0, FloatBits.Quarter1, FloatBits.Quarter2, FloatBits.Quarter3);
        return (Avx.PermuteVar(table, bits).AsInt32() + Vector256.ShiftLeft(Vector256.ShiftRightArithmetic(bits, 2), 23) +
            Vector256.Create(FloatBits.QuarterBias(offset))).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2(Vector256<float> n) =>
        (Vector256.ShiftLeft((n + Vector256.Create(FloatBits.Pow2Magic)).AsInt32(), 23) + Vector256.Create(FloatBits.OneBits)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Vector256.Sum(v);

    public static float MaxAcross(Vector256<float> v) =>
        F32Vector128.MaxAcross(Vector128.MaxNative(v.GetLower(), v.GetUpper()));
}
