using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// 4 lanes (<see cref="Vector128{T}"/>): NEON on ARM64, SSE/FMA on x64. Max/Min use the ISA instruction directly:
/// .NET 9's portable Vector128.Max adds NaN/−0 fix-ups the kernels do not need.
/// </summary>
public readonly unsafe struct F32Vector128 : IF32Vector<Vector128<float>>
{
    public static int Count => 4;
    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Splat(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector128<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Max(a, b) : AdvSimd.IsSupported ? AdvSimd.Max(a, b) : Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Min(a, b) : AdvSimd.IsSupported ? AdvSimd.Min(a, b) : Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WhereNegative(Vector128<float> value, Vector128<float> ifNegative) =>
        Vector128.ConditionalSelect(Vector128.LessThan(value, Vector128<float>.Zero), ifNegative, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Prefetch(float* address)
    {
        if (Sse.IsSupported) Sse.Prefetch0(address);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => F32Vector.F32VectorMath.Sigmoid<F32Vector.F32Vector128, Vector128<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Swish(Vector128<float> x) => F32Vector.F32VectorMath.Swish<F32Vector.F32Vector128, Vector128<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => F32Vector.F32VectorMath.Tanh<F32Vector.F32Vector128, Vector128<float>>(x);
}
