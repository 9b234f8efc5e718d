namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// The float32 vector operations the fast kernels are written against, as static abstract members so one generic
/// kernel is compiled once per vector type (the .NET TensorPrimitives pattern): the AVX-512 instantiation is the same
/// source as the AVX2 and Vector128 ones that run on every x64 test machine. Implementations are empty structs whose
/// members are intrinsics the JIT inlines; the kernels' accumulators stay in registers. The kernels and their drivers
/// are marked AggressiveOptimization: tier-0 code, where these calls are not inlined, would make a process's first
/// inferences several times slower.
/// </summary>
public unsafe interface IF32Vector<TVec> where TVec : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    static abstract TVec Zero { get; }
    static abstract TVec Splat(float value);
    static abstract TVec Load(float* source);
    static abstract void Store(float* destination, TVec value);
    /// <summary>a·b + c, fused (one rounding).</summary>
    static abstract TVec MulAdd(TVec a, TVec b, TVec c);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    /// <summary>max/min with the x86 rule: when a lane is NaN the second operand is returned.</summary>
    static abstract TVec Max(TVec a, TVec b);
    static abstract TVec Min(TVec a, TVec b);
    /// <summary>Lanes of <paramref name="value"/> below zero replaced by the lanes of <paramref name="ifNegative"/>; NaN and −0 kept.</summary>
    static abstract TVec WhereNegative(TVec value, TVec ifNegative);
    /// <summary>The sum of all lanes.</summary>
    static abstract float Sum(TVec value);
    /// <summary>
    /// 1/(1 + e⁻ˣ), x/(1 + e⁻ˣ) and tanh x for the exp-based fused activations: F32Vector's <c>F32VectorMath</c> (≤ 3 ulp each) on the
    /// same vector type, so the tile store and the standalone and depthwise steps share one implementation.
    /// </summary>
    static abstract TVec Sigmoid(TVec x);
    static abstract TVec Swish(TVec x);
    static abstract TVec Tanh(TVec x);
    /// <summary>Hints that the cache line at <paramref name="address"/> will be read soon (no-op where there is no hint).</summary>
    static abstract void Prefetch(float* address);
}
