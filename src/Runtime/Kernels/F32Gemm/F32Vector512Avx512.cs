using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>16 lanes (<see cref="Vector512{T}"/>) with AVX-512 F.</summary>
public readonly unsafe struct F32Vector512Avx512 : IF32Vector<Vector512<float>>
{
    public static int Count => 16;
    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Splat(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Avx512F.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => Avx512F.Add(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => Avx512F.Multiply(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Avx512F.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Avx512F.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WhereNegative(Vector512<float> value, Vector512<float> ifNegative) =>
        Vector512.ConditionalSelect(Vector512.LessThan(value, Vector512<float>.Zero), ifNegative, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefetch(float* address) => Sse.Prefetch0(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => F32Vector.F32VectorMath.Sigmoid<F32Vector.F32Vector512, Vector512<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Swish(Vector512<float> x) => F32Vector.F32VectorMath.Swish<F32Vector.F32Vector512, Vector512<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => F32Vector.F32VectorMath.Tanh<F32Vector.F32Vector512, Vector512<float>>(x);
}
