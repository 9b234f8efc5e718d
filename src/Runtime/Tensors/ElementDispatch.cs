using System.Numerics;

namespace Cnnrt.Tensors;

/// <summary>A generic action run with the CLR element type of a tensor type (see <see cref="ElementDispatch"/>).</summary>
public interface IElementAction
{
    void Invoke<T>();
}

/// <summary>A generic action over the numeric element types (everything but bool and string).</summary>
public interface INumberAction
{
    void Invoke<T>() where T : unmanaged, INumber<T>;
}

/// <summary>A computation over the numeric element types that makes a tensor (<see cref="ElementDispatch.Numeric"/>).</summary>
public interface INumericTensorFunction
{
    Tensor Invoke<T>() where T : unmanaged, INumber<T>;
}

/// <summary>A computation over every stored element type that makes a tensor (<see cref="ElementDispatch.Any"/>).</summary>
public interface IAnyTensorFunction
{
    Tensor Invoke<T>();
}

/// <summary>
/// The one place a runtime <see cref="DataType"/> becomes a CLR type argument, so generic kernels serve every
/// element type without a switch per operator. One case per type and struct actions keep this free of reflection,
/// so NativeAOT compiles every instantiation ahead of time.
/// </summary>
public static class ElementDispatch
{
    public static void Run<TAction>(DataType type, ref TAction action, string? where = null) where TAction : struct, IElementAction
    {
        switch (type)
        {
            case DataType.Bool: action.Invoke<bool>(); break;
            case DataType.String: action.Invoke<string>(); break;
            default:
                var numeric = new AsElementAction<TAction>(action);
                RunNumber(type, ref numeric, where);
                action = numeric.Action;
                break;
        }
    }

    public static void RunNumber<TAction>(DataType type, ref TAction action, string? where = null) where TAction : struct, INumberAction
    {
        switch (type)
        {
            case DataType.Float: action.Invoke<float>(); break;
            case DataType.Double: action.Invoke<double>(); break;
            case DataType.Float16: action.Invoke<Half>(); break;
            case DataType.Int8: action.Invoke<sbyte>(); break;
            case DataType.UInt8: action.Invoke<byte>(); break;
            case DataType.Int16: action.Invoke<short>(); break;
            case DataType.UInt16: action.Invoke<ushort>(); break;
            case DataType.Int32: action.Invoke<int>(); break;
            case DataType.UInt32: action.Invoke<uint>(); break;
            case DataType.Int64: action.Invoke<long>(); break;
            case DataType.UInt64: action.Invoke<ulong>(); break;
            default:
                throw CnnrtException.Unsupported($"{(where is null ? "" : where + ": ")}element type {DataTypes.Name(type)} is not supported here (numeric types only)");
        }
    }

    /// <summary>Calls f.Invoke&lt;T&gt; for a numeric type; Unsupported naming <paramref name="where"/> otherwise.</summary>
    public static Tensor Numeric<TFunction>(DataType type, TFunction f, string where) where TFunction : INumericTensorFunction
    {
        var call = new NumericCall<TFunction>(f);
        RunNumber(type, ref call, where);
        return call.Result!;
    }

    /// <summary>Calls f.Invoke&lt;T&gt; for any stored type (numeric, bool, string).</summary>
    public static Tensor Any<TFunction>(DataType type, TFunction f, string where) where TFunction : IAnyTensorFunction
    {
        var call = new AnyCall<TFunction>(f);
        Run(type, ref call, where);
        return call.Result!;
    }

    private struct AsElementAction<TAction>(TAction action) : INumberAction where TAction : struct, IElementAction
    {
        public TAction Action = action;
        public void Invoke<T>() where T : unmanaged, INumber<T> => Action.Invoke<T>();
    }

    private struct NumericCall<TFunction>(TFunction f) : INumberAction where TFunction : INumericTensorFunction
    {
        public Tensor? Result;
        public void Invoke<T>() where T : unmanaged, INumber<T> => Result = f.Invoke<T>();
    }

    private struct AnyCall<TFunction>(TFunction f) : IElementAction where TFunction : IAnyTensorFunction
    {
        public Tensor? Result;
        public void Invoke<T>() => Result = f.Invoke<T>();
    }
}
