using System.Numerics;

namespace Cnnrt.Tensors;

/// <summary>A computation generic over the numeric element types, called by <see cref="ElementTypeSwitch.Numeric"/>.</summary>
public interface INumericTensorFunction
{
    Tensor Invoke<T>() where T : unmanaged, INumber<T>;
}

/// <summary>A computation generic over every stored element type, called by <see cref="ElementTypeSwitch.Any"/>.</summary>
public interface IAnyTensorFunction
{
    Tensor Invoke<T>();
}

/// <summary>
/// The one place a runtime <see cref="DataType"/> becomes a CLR type argument, so generic kernels serve every
/// element type without a switch per operator.
/// </summary>
public static class ElementTypeSwitch
{
    /// <summary>Calls f.Invoke&lt;T&gt; for a numeric type; Unsupported naming <paramref name="where"/> otherwise.</summary>
    public static Tensor Numeric<TFunction>(DataType type, TFunction f, string where) where TFunction : INumericTensorFunction =>
        type switch
        {
            DataType.Float => f.Invoke<float>(),
            DataType.Double => f.Invoke<double>(),
            DataType.Float16 => f.Invoke<Half>(),
            DataType.Int8 => f.Invoke<sbyte>(),
            DataType.UInt8 => f.Invoke<byte>(),
            DataType.Int16 => f.Invoke<short>(),
            DataType.UInt16 => f.Invoke<ushort>(),
            DataType.Int32 => f.Invoke<int>(),
            DataType.UInt32 => f.Invoke<uint>(),
            DataType.Int64 => f.Invoke<long>(),
            DataType.UInt64 => f.Invoke<ulong>(),
            _ => throw CnnrtException.Unsupported($"{where}: element type {DataTypes.Name(type)} is not supported here (numeric types only)"),
        };

    /// <summary>Calls f.Invoke&lt;T&gt; for any stored type (numeric, bool, string).</summary>
    public static Tensor Any<TFunction>(DataType type, TFunction f, string where) where TFunction : IAnyTensorFunction =>
        type switch
        {
            DataType.Float => f.Invoke<float>(),
            DataType.Double => f.Invoke<double>(),
            DataType.Float16 => f.Invoke<Half>(),
            DataType.Int8 => f.Invoke<sbyte>(),
            DataType.UInt8 => f.Invoke<byte>(),
            DataType.Int16 => f.Invoke<short>(),
            DataType.UInt16 => f.Invoke<ushort>(),
            DataType.Int32 => f.Invoke<int>(),
            DataType.UInt32 => f.Invoke<uint>(),
            DataType.Int64 => f.Invoke<long>(),
            DataType.UInt64 => f.Invoke<ulong>(),
            DataType.Bool => f.Invoke<bool>(),
            DataType.String => f.Invoke<string>(),
            _ => throw CnnrtException.Unsupported($"{where}: element type {DataTypes.Name(type)} is not supported"),
        };
}
