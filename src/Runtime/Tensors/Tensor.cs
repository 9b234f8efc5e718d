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

    public long ElementAsInt64(int i) => Data switch
    {
        long[] a => a[i],
        int[] a => a[i],
        short[] a => a[i],
        sbyte[] a => a[i],
        byte[] a => a[i],
        ushort[] a => a[i],
        uint[] a => a[i],
        ulong[] a => (long)a[i],
        bool[] a => a[i] ? 1 : 0,
        float[] a => (long)a[i],
        double[] a => (long)a[i],
        Half[] a => (long)(float)a[i],
        _ => throw new InvalidOperationException($"cannot read {DataTypes.Name(Type)} as an integer"),
    };

    public double ElementAsDouble(int i) => Data switch
    {
        float[] a => a[i],
        double[] a => a[i],
        Half[] a => (double)a[i],
        bool[] a => a[i] ? 1 : 0,
        _ => ElementAsInt64(i),
    };

    public Tensor WithShape(int[] shape) => new(Type, shape, Data);

    public override string ToString() => $"{DataTypes.Name(Type)}{ShapeMath.Format(Shape)}";
}
