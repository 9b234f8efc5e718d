using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// A function of one element, as a struct so the generic kernel is specialized and the call inlined. An instance
/// method (not a static abstract) because activations carry their attributes (alpha, beta, bounds) as fields.
/// </summary>
public interface IUnaryOp<T>
{
    T Invoke(T x);
}

/// <summary>
/// A function of one element defined on every numeric type. A generic method on a non-generic struct, so one element
/// type switch serves every such operator (the operator names the struct, the switch picks T).
/// </summary>
public interface INumericUnaryFunction
{
    static abstract T Invoke<T>(T x) where T : INumber<T>;
}

/// <summary>Adapts a <see cref="INumericUnaryFunction"/> to the unary kernel at one element type.</summary>
public readonly struct NumericUnaryOp<T, TFunction> : IUnaryOp<T> where T : INumber<T> where TFunction : INumericUnaryFunction
{
    public T Invoke(T x) => TFunction.Invoke(x);
}

/// <summary>Relu: max(0, x). Written as a comparison so NaN stays NaN (numpy's maximum) and -0 stays -0.</summary>
public readonly struct Relu : INumericUnaryFunction
{
    public static T Invoke<T>(T x) where T : INumber<T> => x < T.Zero ? T.Zero : x;
}

public readonly struct Neg : INumericUnaryFunction
{
    public static T Invoke<T>(T x) where T : INumber<T> => -x;
}

/// <summary>|x|; the most negative integer maps to itself (two's complement wrap, as numpy) instead of throwing.</summary>
public readonly struct Abs : INumericUnaryFunction
{
    public static T Invoke<T>(T x) where T : INumber<T> => T.IsNegative(x) ? -x : x;
}

/// <summary>Clip: min(max(x, lo), hi); NaN propagates, and lo &gt; hi gives hi (ONNX Clip-13).</summary>
public readonly struct ClipOp<T>(T lo, T hi) : IUnaryOp<T> where T : INumber<T>
{
    public T Lo => lo;
    public T Hi => hi;

    public T Invoke(T x) => T.Min(T.Max(x, lo), hi);
}

// Float activations. Those built on exp/log evaluate the ONNX formula in double and round once, so the result is the
// correctly rounded value for nearly every input: no cancellation in eˣ − 1 near 0, no premature overflow.

/// <summary>Double-precision helpers of the float activations.</summary>
internal static class ReferenceMath
{
    /// <summary>eˣ − 1 without the cancellation of the direct formula near 0 (Taylor terms below 1e-5).</summary>
    public static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;
}

/// <summary>LeakyRelu: x for x ≥ 0, alpha·x otherwise (alpha default 0.01).</summary>
public readonly struct LeakyReluOp(float alpha) : IUnaryOp<float>
{
    public float Alpha => alpha;

    public float Invoke(float x) => x >= 0 ? x : alpha * x;
}

/// <summary>Elu: x for x ≥ 0, alpha·(eˣ − 1) otherwise (alpha default 1).</summary>
public readonly struct EluOp(float alpha) : IUnaryOp<float>
{
    public float Alpha => alpha;

    public float Invoke(float x) => x >= 0 ? x : (float)(alpha * ReferenceMath.ExpM1(x));
}

/// <summary>Selu: gamma·x for x &gt; 0, gamma·(alpha·eˣ − alpha) otherwise.</summary>
public readonly struct SeluOp(float alpha, float gamma) : IUnaryOp<float>
{
    public const float DefaultAlpha = 1.67326319217681884765625f;
    public const float DefaultGamma = 1.05070102214813232421875f;

    public float Invoke(float x) => (float)(x > 0 ? (double)gamma * x : (double)gamma * alpha * ReferenceMath.ExpM1(x));
}

/// <summary>Celu: max(0, x) + min(0, alpha·(exp(x/alpha) − 1)) (alpha default 1).</summary>
public readonly struct CeluOp(float alpha) : IUnaryOp<float>
{
    public float Invoke(float x) => (float)(Math.Max(0, (double)x) + Math.Min(0, alpha * ReferenceMath.ExpM1((double)x / alpha)));
}

/// <summary>
/// Softplus: ln(1 + eˣ), evaluated as max(x, 0) + ln(1 + e^−|x|) so large x neither overflows nor loses the
/// result; the log term is taken as e^−|x| itself where 1 + e^−|x| would round it away.
/// </summary>
public readonly struct SoftplusOp : IUnaryOp<float>
{
    public float Invoke(float x)
    {
        double e = Math.Exp(-Math.Abs((double)x));
        double tail = e < 1e-8 ? e : Math.Log(1 + e);
        return (float)(Math.Max((double)x, 0) + tail);
    }
}

/// <summary>Softsign: x / (1 + |x|); ±inf gives NaN, as the formula does in ONNX's reference.</summary>
public readonly struct SoftsignOp : IUnaryOp<float>
{
    public float Invoke(float x) => (float)(x / (1 + Math.Abs((double)x)));
}

/// <summary>Sigmoid: 1 / (1 + e^−x). In double, e^−x overflows only where the float result is 0 anyway.</summary>
public readonly struct SigmoidOp : IUnaryOp<float>
{
    public float Invoke(float x) => (float)(1 / (1 + Math.Exp(-(double)x)));
}

public readonly struct TanhOp : IUnaryOp<float>
{
    public float Invoke(float x) => (float)Math.Tanh(x);
}

/// <summary>HardSigmoid: max(0, min(1, alpha·x + beta)) (alpha 0.2, beta 0.5 by default).</summary>
public readonly struct HardSigmoidOp(float alpha, float beta) : IUnaryOp<float>
{
    public float Alpha => alpha;
    public float Beta => beta;

    public float Invoke(float x) => (float)Math.Max(0, Math.Min(1, (double)alpha * x + beta));
}

/// <summary>HardSwish: x·max(0, min(1, x/6 + 0.5)).</summary>
public readonly struct HardSwishOp : IUnaryOp<float>
{
    public float Invoke(float x) => (float)(x * Math.Max(0, Math.Min(1, (double)x / 6 + 0.5)));
}

// Elementary functions, in float as numpy evaluates them on float32 tensors.

public readonly struct SqrtOp : IUnaryOp<float>
{
    public float Invoke(float x) => MathF.Sqrt(x);
}

public readonly struct ExpOp : IUnaryOp<float>
{
    public float Invoke(float x) => MathF.Exp(x);
}

public readonly struct LogOp : IUnaryOp<float>
{
    public float Invoke(float x) => MathF.Log(x);
}

public readonly struct FloorOp : IUnaryOp<float>
{
    public float Invoke(float x) => MathF.Floor(x);
}

public readonly struct CeilOp : IUnaryOp<float>
{
    public float Invoke(float x) => MathF.Ceiling(x);
}

public readonly struct ReciprocalOp : IUnaryOp<float>
{
    public float Invoke(float x) => 1 / x;
}
