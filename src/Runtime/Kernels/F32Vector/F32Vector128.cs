using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// 128-bit float vectors: the ARM64 NEON path (FMLA, UZP1/UZP2), which on x64 runs as SSE/AVX-encoded 128-bit code
/// (with FMA3 where present), so it is tested on every host.
/// </summary>
public readonly struct F32Vector128 : IF32Vector<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Create(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(ref float source, out Vector128<float> even, out Vector128<float> odd) =>
        Deinterleave(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 4)), out even, out odd);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector128<float> a, Vector128<float> b, out Vector128<float> even, out Vector128<float> odd)
    {
        if (Sse.IsSupported)
        {
            even = Sse.Shuffle(a, b, 0b10_00_10_00);
            odd = Sse.Shuffle(a, b, 0b11_01_11_01);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            even = AdvSimd.Arm64.UnzipEven(a, b);
            odd = AdvSimd.Arm64.UnzipOdd(a, b);
        }
        else
        {
            even = Vector128.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2));
            odd = Vector128.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref float source, nint sourceStride, ref float destination, nint destinationStride) =>
        TransposeFirstColumns(ref source, sourceStride, ref destination, destinationStride, 4);

    /// <summary><see cref="Transpose(ref float, nint, ref float, nint)"/> storing only the first
    /// <paramref name="columns"/> (1–4) of the four transposed vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeFirstColumns(ref float source, nint sourceStride, ref float destination, nint destinationStride,
        int columns)
    {
        Transpose(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, sourceStride)),
            Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride)),
            Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride)), out var o0, out var o1, out var o2, out var o3);
        Store(o0, o1, o2, o3, ref destination, destinationStride, columns);
    }

    /// <summary>
    /// The six columns of four 6-wide windows that start 4 floats apart in one row (window q = source[4q..4q+5], as
    /// Winograd F(4,3) input tiles overlap): column j to destination + j·destinationStride, window q in lane q. Columns
    /// 0–3 are the 4×4 transpose of source[0..15]; columns 4 and 5 are columns 0 and 1 moved down one lane with
    /// source[16] and source[17] last — a lane shift each instead of the eight scalar copies they took (a sixth of a
    /// 56×56 layer's input transform). Reads source[0..17] only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeOverlappingWindows(ref float source, ref float destination, nint destinationStride)
    {
        Transpose(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 4)),
            Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 8)), Vector128.LoadUnsafe(ref Unsafe.Add(ref source, 12)),
            out var o0, out var o1, out var o2, out var o3);
        Store(o0, o1, o2, o3, ref destination, destinationStride, 4);
        ShiftInLast(o0, Unsafe.Add(ref source, 16)).StoreUnsafe(ref Unsafe.Add(ref destination, 4 * destinationStride));
        ShiftInLast(o1, Unsafe.Add(ref source, 17)).StoreUnsafe(ref Unsafe.Add(ref destination, 5 * destinationStride));
    }

    /// <summary>The first <paramref name="columns"/> of o0..o3, <paramref name="destinationStride"/> apart (a constant 4
    /// folds the tests away where this is inlined).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> o0, Vector128<float> o1, Vector128<float> o2, Vector128<float> o3,
        ref float destination, nint destinationStride, int columns)
    {
        o0.StoreUnsafe(ref destination);
        if (columns > 1) o1.StoreUnsafe(ref Unsafe.Add(ref destination, destinationStride));
        if (columns > 2) o2.StoreUnsafe(ref Unsafe.Add(ref destination, 2 * destinationStride));
        if (columns > 3) o3.StoreUnsafe(ref Unsafe.Add(ref destination, 3 * destinationStride));
    }

    /// <summary>(v₁, v₂, v₃, last).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ShiftInLast(Vector128<float> v, float last) =>
        Ssse3.IsSupported ? Ssse3.AlignRight(Vector128.Create(last).AsSByte(), v.AsSByte(), 4).AsSingle()
        : AdvSimd.IsSupported ? AdvSimd.ExtractVector128(v, Vector128.Create(last), 1)
        : Vector128.Create(v.GetElement(1), v.GetElement(2), v.GetElement(3), last);

    /// <summary>Rows r0..r3 in, columns o0..o3 out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector128<float> r0, Vector128<float> r1, Vector128<float> r2, Vector128<float> r3,
        out Vector128<float> o0, out Vector128<float> o1, out Vector128<float> o2, out Vector128<float> o3)
    {
        if (Sse.IsSupported)
        {
            // (r0₀ r1₀ r0₁ r1₁), (r0₂ r1₂ r0₃ r1₃), likewise r2/r3; then the 64-bit halves pair up.
            var t0 = Sse.UnpackLow(r0, r1);
            var t1 = Sse.UnpackHigh(r0, r1);
            var t2 = Sse.UnpackLow(r2, r3);
            var t3 = Sse.UnpackHigh(r2, r3);
            o0 = Sse.MoveLowToHigh(t0, t2);
            o1 = Sse.MoveHighToLow(t2, t0);
            o2 = Sse.MoveLowToHigh(t1, t3);
            o3 = Sse.MoveHighToLow(t3, t1);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            var t0 = AdvSimd.Arm64.ZipLow(r0, r1).AsDouble();
            var t1 = AdvSimd.Arm64.ZipHigh(r0, r1).AsDouble();
            var t2 = AdvSimd.Arm64.ZipLow(r2, r3).AsDouble();
            var t3 = AdvSimd.Arm64.ZipHigh(r2, r3).AsDouble();
            o0 = AdvSimd.Arm64.ZipLow(t0, t2).AsSingle();
            o1 = AdvSimd.Arm64.ZipHigh(t0, t2).AsSingle();
            o2 = AdvSimd.Arm64.ZipLow(t1, t3).AsSingle();
            o3 = AdvSimd.Arm64.ZipHigh(t1, t3).AsSingle();
        }
        else
        {
            o0 = Vector128.Create(r0.GetElement(0), r1.GetElement(0), r2.GetElement(0), r3.GetElement(0));
            o1 = Vector128.Create(r0.GetElement(1), r1.GetElement(1), r2.GetElement(1), r3.GetElement(1));
            o2 = Vector128.Create(r0.GetElement(2), r1.GetElement(2), r2.GetElement(2), r3.GetElement(2));
            o3 = Vector128.Create(r0.GetElement(3), r1.GetElement(3), r2.GetElement(3), r3.GetElement(3));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c)
        : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b)
        : a * b + c;

    /// <summary>IEEE 754:2019 maximum, as <see cref="Math.Max(float, float)"/>: NaN propagates, +0 is above −0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Log(Vector128<float> a) => Vector128.Log(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxNative(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MinNative(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> a) => Vector128.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterThan(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterThanOrEqual(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Equals(Vector128<float> a, Vector128<float> b) => Vector128.Equals(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> ifTrue, Vector128<float> ifFalse) =>
        Vector128.ConditionalSelect(mask, ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Xor(Vector128<float> a, Vector128<float> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Or(Vector128<float> a, Vector128<float> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2Quarters(Vector128<float> t, int offset)
    {
        var bits = t.AsInt32();
        var table = Vector128.Create(FloatBits.Quarter0, FloatBits.Quarter1, FloatBits.Quarter2, FloatBits.Quarter3);
        var entry = Avx.IsSupported ? Avx.PermuteVar(table, bits) : QuarterByShuffle(table, bits);
        return (entry.AsInt32() + Vector128.ShiftLeft(Vector128.ShiftRightArithmetic(bits, 2), 23) +
            Vector128.Create(FloatBits.QuarterBias(offset))).AsSingle();
    }

    /// <summary>
    /// table[bits &amp; 3] per lane through a byte shuffle (TBL on ARM64, PSHUFB on x86 without AVX): lane index j
    /// becomes the byte indices 4j…4j+3. Internal so the tests run it on hosts where AVX's VPERMILPS is used.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> QuarterByShuffle(Vector128<float> table, Vector128<int> bits) =>
        Vector128.Shuffle(table.AsByte(), ((bits & Vector128.Create(3)) * 0x04040404 + Vector128.Create(0x03020100)).AsByte()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2(Vector128<float> n) =>
        (Vector128.ShiftLeft((n + Vector128.Create(FloatBits.Pow2Magic)).AsInt32(), 23) + Vector128.Create(FloatBits.OneBits)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => Vector128.Sum(v);

    public static float MaxAcross(Vector128<float> v)
    {
        float m = v.GetElement(0);
        for (int i = 1; i < Vector128<float>.Count; i++) m = MathF.Max(m, v.GetElement(i));
        return m;
    }
}
