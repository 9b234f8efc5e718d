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
    void Invoke<T>() where T : struct, INumberBase<T>;
}

/// <summary>
/// Calls a generic kernel with the CLR type that holds a tensor type's elements. One case per type and struct actions
/// keep this free of reflection, so NativeAOT compiles every instantiation ahead of time.
/// </summary>
public static class ElementDispatch
{
    public static void Run<TAction>(DataType type, ref TAction action) where TAction : struct, IElementAction
    {
        switch (type)
        {
            case DataType.Bool: action.Invoke<bool>(); break;
            case DataType.String: action.Invoke<string>(); break;
            default:
                var numeric = new AsElementAction<TAction>(action);
                RunNumber(type, ref numeric);
                action = numeric.Action;
                break;
        }
    }

    public static void RunNumber<TAction>(DataType type, ref TAction action) where TAction : struct, INumberAction
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
            default: throw CnnrtException.Unsupported($"element type {DataTypes.Name(type)} is not a supported numeric type");
        }
    }

    private struct AsElementAction<TAction>(TAction action) : INumberAction where TAction : struct, IElementAction
    {
        public TAction Action = action;
        public void Invoke<T>() where T : struct, INumberBase<T> => Action.Invoke<T>();
    }
}
