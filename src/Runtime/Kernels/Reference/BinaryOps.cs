using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// A function of two elements of one numeric type, the operator struct of the broadcasting kernel (the .NET
/// TensorPrimitives pattern: a static abstract the JIT specializes and inlines per struct). The method is generic in
/// the element type so one element-type switch serves every operator.
/// </summary>
public interface IBinaryOp
{
    static abstract T Invoke<T>(T a, T b) where T : INumber<T>;
}

public readonly struct AddOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => a + b;
}

public readonly struct SubOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => a - b;
}

public readonly struct MulOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => a * b;
}

/// <summary>
/// a / b. Integers truncate toward zero (C, and ONNX's reference for the results it defines); the cases C leaves
/// undefined are given numpy's answers instead of a trap: x / 0 = 0 and MIN / −1 = MIN.
/// </summary>
public readonly struct DivOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T>
    {
        if (ElementTypes.IsFloatingPoint<T>()) return a / b;
        if (T.IsZero(b)) return T.Zero;
        if (T.IsNegative(b) && T.IsZero(b + T.One)) return -a;
        return a / b;
    }
}

/// <summary>max(a, b); NaN propagates (numpy's maximum).</summary>
public readonly struct MaxOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => T.Max(a, b);
}

/// <summary>min(a, b); NaN propagates (numpy's minimum).</summary>
public readonly struct MinOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => T.Min(a, b);
}

/// <summary>a to the power b, evaluated in double and converted back (integers truncate, saturating).</summary>
public readonly struct PowOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> =>
        T.CreateSaturating(Math.Pow(double.CreateTruncating(a), double.CreateTruncating(b)));
}

/// <summary>PRelu of x = a with slope b: x for x ≥ 0, slope·x otherwise.</summary>
public readonly struct PReluOp : IBinaryOp
{
    public static T Invoke<T>(T a, T b) where T : INumber<T> => a < T.Zero ? a * b : a;
}

/// <summary>Compile-time facts about element types, folded by the JIT in each specialization.</summary>
public static class ElementTypes
{
    public static bool IsFloatingPoint<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half);
}
