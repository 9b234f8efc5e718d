namespace Cnnrt.Tensors;

/// <summary>Element types, numbered as ONNX's TensorProto.DataType so values read from a file map directly.</summary>
public enum DataType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

public static class DataTypes
{
    /// <summary>True for the types cnnrt stores and computes with (everything but complex, bfloat16, float8, int4).</summary>
    public static bool IsSupported(DataType t) => t is DataType.Float or DataType.Double or DataType.Float16
        or DataType.Int8 or DataType.UInt8 or DataType.Int16 or DataType.UInt16 or DataType.Int32 or DataType.UInt32
        or DataType.Int64 or DataType.UInt64 or DataType.Bool or DataType.String;

    public static bool IsFloating(DataType t) => t is DataType.Float or DataType.Double or DataType.Float16;

    public static bool IsInteger(DataType t) => t is DataType.Int8 or DataType.UInt8 or DataType.Int16
        or DataType.UInt16 or DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;

    /// <summary>Bytes per element in ONNX raw_data (strings have none).</summary>
    public static int SizeOf(DataType t) => t switch
    {
        DataType.Float or DataType.Int32 or DataType.UInt32 => 4,
        DataType.Double or DataType.Int64 or DataType.UInt64 => 8,
        DataType.Float16 or DataType.Int16 or DataType.UInt16 or DataType.BFloat16 => 2,
        DataType.Int8 or DataType.UInt8 or DataType.Bool => 1,
        _ => 0,
    };

    /// <summary>The CLR element type of <see cref="Tensor.Data"/> for a supported type.</summary>
    public static Type ClrType(DataType t) => t switch
    {
        DataType.Float => typeof(float),
        DataType.Double => typeof(double),
        DataType.Float16 => typeof(Half),
        DataType.Int8 => typeof(sbyte),
        DataType.UInt8 => typeof(byte),
        DataType.Int16 => typeof(short),
        DataType.UInt16 => typeof(ushort),
        DataType.Int32 => typeof(int),
        DataType.UInt32 => typeof(uint),
        DataType.Int64 => typeof(long),
        DataType.UInt64 => typeof(ulong),
        DataType.Bool => typeof(bool),
        DataType.String => typeof(string),
        _ => throw CnnrtException.Unsupported($"element type {Name(t)} is not supported"),
    };

    public static Array NewArray(DataType t, int length) => t switch
    {
        DataType.Float => new float[length],
        DataType.Double => new double[length],
        DataType.Float16 => new Half[length],
        DataType.Int8 => new sbyte[length],
        DataType.UInt8 => new byte[length],
        DataType.Int16 => new short[length],
        DataType.UInt16 => new ushort[length],
        DataType.Int32 => new int[length],
        DataType.UInt32 => new uint[length],
        DataType.Int64 => new long[length],
        DataType.UInt64 => new ulong[length],
        DataType.Bool => new bool[length],
        DataType.String => NewStrings(length),
        _ => throw CnnrtException.Unsupported($"element type {Name(t)} is not supported"),
    };

    private static string[] NewStrings(int length)
    {
        var a = new string[length];
        Array.Fill(a, "");
        return a;
    }

    public static DataType FromClr(Type t) =>
        t == typeof(float) ? DataType.Float : t == typeof(double) ? DataType.Double : t == typeof(Half) ? DataType.Float16
        : t == typeof(sbyte) ? DataType.Int8 : t == typeof(byte) ? DataType.UInt8 : t == typeof(short) ? DataType.Int16
        : t == typeof(ushort) ? DataType.UInt16 : t == typeof(int) ? DataType.Int32 : t == typeof(uint) ? DataType.UInt32
        : t == typeof(long) ? DataType.Int64 : t == typeof(ulong) ? DataType.UInt64 : t == typeof(bool) ? DataType.Bool
        : t == typeof(string) ? DataType.String
        : throw new ArgumentException($"no tensor element type for {t}");

    public static string Name(DataType t) => t switch
    {
        DataType.Float => "float32",
        DataType.Double => "float64",
        DataType.Float16 => "float16",
        DataType.BFloat16 => "bfloat16",
        DataType.Int8 => "int8",
        DataType.UInt8 => "uint8",
        DataType.Int16 => "int16",
        DataType.UInt16 => "uint16",
        DataType.Int32 => "int32",
        DataType.UInt32 => "uint32",
        DataType.Int64 => "int64",
        DataType.UInt64 => "uint64",
        DataType.Bool => "bool",
        DataType.String => "string",
        DataType.Complex64 => "complex64",
        DataType.Complex128 => "complex128",
        _ => $"type #{(int)t}",
    };
}
