namespace Cnnrt.Tensors;

/// <summary>Shape arithmetic on int[] dims (row-major, NCHW for images).</summary>
public static class ShapeMath
{
    /// <summary>Element count; throws a limit error naming <paramref name="what"/> if it overflows or exceeds the limit.</summary>
    public static int Count(ReadOnlySpan<int> shape, string what = "tensor", Limits? limits = null)
    {
        long n = 1;
        long max = (limits ?? Limits.Default).MaxTensorElements;
        foreach (int d in shape)
        {
            if (d < 0) throw CnnrtException.Model($"{what}: negative dimension {d} in shape {Format(shape)}");
            n *= d;
            if (n > max) throw CnnrtException.Limit($"{what}: shape {Format(shape)} has more than {max} elements (the limit)");
        }
        return (int)n;
    }

    /// <summary>Row-major strides.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    public static string Format(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) return "[] (scalar)";
        var sb = new System.Text.StringBuilder("[");
        for (int i = 0; i < shape.Length; i++) { if (i > 0) sb.Append('x'); sb.Append(shape[i]); }
        return sb.Append(']').ToString();
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Numpy-style broadcast of two shapes; null when they do not broadcast.</summary>
    public static int[]? Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else return null;
        }
        return r;
    }

    /// <summary>Normalizes a possibly negative axis against a rank; throws naming the node when out of range.</summary>
    public static int Axis(long axis, int rank, string where)
    {
        if (axis < -rank || axis >= Math.Max(rank, 1) && !(rank == 0 && axis == 0))
            throw CnnrtException.Model($"{where}: axis {axis} is out of range for rank {rank}");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    public static int[] FromLongs(ReadOnlySpan<long> dims, string what)
    {
        var r = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > int.MaxValue) throw CnnrtException.Model($"{what}: dimension {dims[i]} is out of range");
            r[i] = (int)dims[i];
        }
        return r;
    }
}
