namespace Cnnrt.Tensors;

/// <summary>
/// A dense, row-major tensor that owns its elements in a typed CLR array (float[], long[], ...). Used for weights,
/// constants, the reference interpreter and I/O; the planned float path works on spans of one arena instead.
/// </summary>
public sealed class Tensor
{
    public DataType Type { get; }
    public int[] Shape { get; }
    /// <summary>The elements, an array of <see cref="DataTypes.ClrType"/>; length == product of Shape.</summary>
    public Array Data { get; }

    public Tensor(DataType type, int[] shape, Array data)
    {
        int n = ShapeMath.Count(shape);
        if (data.Length != n)
            throw new ArgumentException($"tensor data has {data.Length} elements but shape {ShapeMath.Format(shape)} needs {n}");
        if (data.GetType().GetElementType() != DataTypes.ClrType(type))
            throw new ArgumentException($"tensor data is {data.GetType().Name}, not {DataTypes.Name(type)}");
        Type = type;
        Shape = shape;
        Data = data;
    }

    /// <summary>A zero-filled tensor.</summary>
    public static Tensor Zeros(DataType type, int[] shape) => new(type, shape, DataTypes.NewArray(type, ShapeMath.Count(shape)));

    public static Tensor FromFloats(int[] shape, float[] data) => new(DataType.Float, shape, data);
    public static Tensor FromLongs(int[] shape, long[] data) => new(DataType.Int64, shape, data);
    public static Tensor Scalar(float v) => new(DataType.Float, [], new[] { v });
    public static Tensor Scalar(long v) => new(DataType.Int64, [], new[] { v });

    public static Tensor Create<T>(int[] shape, T[] data) => new(DataTypes.FromClr(typeof(T)), shape, data);

    public int Length => Data.Length;
    public int Rank => Shape.Length;

    public float[] Floats => Data as float[] ?? throw WrongType(DataType.Float);
    public long[] Longs => Data as long[] ?? throw WrongType(DataType.Int64);

    public T[] As<T>() => Data as T[] ?? throw new InvalidOperationException($"tensor holds {DataTypes.Name(Type)}, not {typeof(T).Name}");

    private InvalidOperationException WrongType(DataType wanted) =>
        new($"tensor holds {DataTypes.Name(Type)}, not {DataTypes.Name(wanted)}");

    /// <summary>Elements converted to int64 (for shape-like inputs: pads, axes, shapes, indices).</summary>
    public long[] ToInt64Array()
    {
        var r = new long[Length];
        for (int i = 0; i < r.Length; i++) r[i] = ElementAsInt64(i);
        return r;
    }

    /// <summary>Elements converted to float64 (for scalar-like inputs such as Clip bounds).</summary>
    public double[] ToDoubleArray()
    {
        var r = new double[Length];
        for (int i = 0; i < r.Length; i++) r[i] = ElementAsDouble(i);
        return r;
    }

    // Switch on Type, not on the array: the runtime lets a byte[] pass as sbyte[] (and uint[] as int[]), so a
    // pattern match on the array would read uint8 200 as -56.
    public long ElementAsInt64(int i) => Type switch
    {
        DataType.Int64 => ((long[])Data)[i],
        DataType.Int32 => ((int[])Data)[i],
        DataType.Int16 => ((short[])Data)[i],
        DataType.Int8 => ((sbyte[])Data)[i],
        DataType.UInt8 => ((byte[])Data)[i],
        DataType.UInt16 => ((ushort[])Data)[i],
        DataType.UInt32 => ((uint[])Data)[i],
        DataType.UInt64 => (long)((ulong[])Data)[i],
        DataType.Bool => ((bool[])Data)[i] ? 1 : 0,
        DataType.Float => (long)((float[])Data)[i],
        DataType.Double => (long)((double[])Data)[i],
        DataType.Float16 => (long)(float)((Half[])Data)[i],
        _ => throw new InvalidOperationException($"cannot read {DataTypes.Name(Type)} as an integer"),
    };

    public double ElementAsDouble(int i) => Type switch
    {
        DataType.Float => ((float[])Data)[i],
        DataType.Double => ((double[])Data)[i],
        DataType.Float16 => (double)((Half[])Data)[i],
        DataType.UInt64 => ((ulong[])Data)[i],
        _ => ElementAsInt64(i),
    };

    public Tensor WithShape(int[] shape) => new(Type, shape, Data);

    public override string ToString() => $"{DataTypes.Name(Type)}{ShapeMath.Format(Shape)}";
}
