using System.Text;
using Cnnrt.Onnx.Proto;
using Cnnrt.Tensors;

namespace Cnnrt.Onnx;

/// <summary>
/// Turns an ONNX TensorProto (initializer, Constant attribute, or a test-data .pb file) into a <see cref="Tensor"/>.
/// Checks the element count against the limits before allocating, and the payload length against the shape.
/// </summary>
public static class TensorProtoReader
{
    /// <summary>Reads a serialized TensorProto (the format of ONNX test_data_set_N/input_K.pb files).</summary>
    public static Tensor ReadFile(string path, Limits? limits = null)
    {
        byte[] bytes = Io.FileBytes.Read(path);
        TensorProto proto;
        try { proto = TensorProto.Parser.ParseFrom(bytes); }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new CnnrtException(ErrorKind.InvalidData, $"{path}: not a valid ONNX TensorProto: {e.Message}", e);
        }
        return Read(proto, $"{path}", Path.GetDirectoryName(Path.GetFullPath(path)), limits);
    }

    /// <param name="what">How errors name the tensor ("initializer 'conv1.weight'").</param>
    /// <param name="baseDirectory">Where external data files are resolved; null forbids external data.</param>
    internal static Tensor Read(TensorProto p, string what, string? baseDirectory, Limits? limits = null)
    {
        limits ??= Limits.Default;
        if (p.Dims.Count > limits.MaxRank)
            throw CnnrtException.Limit($"{what}: rank {p.Dims.Count} exceeds the limit {limits.MaxRank}");
        var shape = new int[p.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = p.Dims[i];
            if (d < 0) throw CnnrtException.Model($"{what}: negative dimension {d}");
            count *= d;
            if (count > limits.MaxTensorElements || d > int.MaxValue)
                throw CnnrtException.Limit($"{what}: shape [{string.Join("x", p.Dims)}] exceeds the limit of {limits.MaxTensorElements} elements");
            shape[i] = (int)d;
        }
        var type = (DataType)p.DataType;
        if (!DataTypes.IsSupported(type))
            throw CnnrtException.Unsupported($"{what}: element type {DataTypes.Name(type)} is not supported");
        int n = (int)count;

        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false;
        if (p.DataLocation == 1)
        {
            raw = ReadExternal(p, what, baseDirectory, n, type);
            hasRaw = true;
        }
        else if (!p.RawData.IsEmpty)
        {
            raw = p.RawData.Span;
            hasRaw = true;
        }

        if (type == DataType.String)
        {
            if (p.StringData.Count != n) throw CnnrtException.Model($"{what}: has {p.StringData.Count} strings, shape needs {n}");
            var s = new string[n];
            for (int i = 0; i < n; i++) s[i] = Encoding.UTF8.GetString(p.StringData[i].Span);
            return new Tensor(type, shape, s);
        }

        if (hasRaw)
        {
            long need = (long)n * DataTypes.SizeOf(type);
            if (raw.Length != need)
                throw CnnrtException.Model($"{what}: raw data has {raw.Length} bytes, shape {ShapeMath.Format(shape)} of {DataTypes.Name(type)} needs {need}");
            return new Tensor(type, shape, FromRaw(raw, type, n));
        }
        return new Tensor(type, shape, FromTyped(p, type, n, what));
    }

    private static Array FromRaw(ReadOnlySpan<byte> raw, DataType type, int n)
    {
        // ONNX raw_data is little-endian, as is every platform cnnrt targets: copy the bytes straight in.
        Array a = DataTypes.NewArray(type, n);
        if (a is bool[] bo) for (int k = 0; k < n; k++) bo[k] = raw[k] != 0; // any non-zero byte is true
        else raw.CopyTo(ArrayBytes.Of(a));
        return a;
    }

    private static Array FromTyped(TensorProto p, DataType type, int n, string what)
    {
        // Typed fields: float_data for float; int32_data for every type of 32 bits or less (float16 as its bit pattern);
        // int64_data; double_data; uint64_data for uint32/uint64.
        int have = type switch
        {
            DataType.Float => p.FloatData.Count,
            DataType.Double => p.DoubleData.Count,
            DataType.Int64 => p.Int64Data.Count,
            DataType.UInt32 or DataType.UInt64 => p.Uint64Data.Count,
            _ => p.Int32Data.Count,
        };
        if (have != n) throw CnnrtException.Model($"{what}: has {have} values, shape needs {n}");
        // Fill by declared type: pattern matching on the array would confuse int[] with uint[] (array covariance).
        switch (type)
        {
            case DataType.Float: return p.FloatData.ToArray();
            case DataType.Double: return p.DoubleData.ToArray();
            case DataType.Int64: return p.Int64Data.ToArray();
            case DataType.UInt64: return p.Uint64Data.ToArray();
            case DataType.UInt32: return p.Uint64Data.Select(v => (uint)v).ToArray();
            case DataType.Int32: return p.Int32Data.ToArray();
            case DataType.Int16: return p.Int32Data.Select(v => (short)v).ToArray();
            case DataType.UInt16: return p.Int32Data.Select(v => (ushort)v).ToArray();
            case DataType.Int8: return p.Int32Data.Select(v => (sbyte)v).ToArray();
            case DataType.UInt8: return p.Int32Data.Select(v => (byte)v).ToArray();
            case DataType.Bool: return p.Int32Data.Select(v => v != 0).ToArray();
            case DataType.Float16: return p.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray();
            default: throw CnnrtException.Unsupported($"{what}: element type {DataTypes.Name(type)} is not supported");
        }
    }

    private static byte[] ReadExternal(TensorProto p, string what, string? baseDirectory, int n, DataType type)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (var e in p.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseLong(e.Value, what, "offset"); break;
                case "length": length = ParseLong(e.Value, what, "length"); break;
            }
        }
        if (location is null) throw CnnrtException.Model($"{what}: external data without a 'location'");
        if (baseDirectory is null) throw CnnrtException.Model($"{what}: external data '{location}' but the model was loaded from memory (no directory to resolve it against)");
        // External files must stay beside the model: no absolute paths, no climbing out of the model's folder.
        if (Path.IsPathRooted(location) || location.Split('/', '\\').Contains(".."))
            throw CnnrtException.Model($"{what}: external data location '{location}' must be a relative path inside the model's folder");
        string path = Path.Combine(baseDirectory, location);
        long need = (long)n * DataTypes.SizeOf(type);
        if (length >= 0 && length != need)
            throw CnnrtException.Model($"{what}: external data length {length} bytes, shape needs {need}");
        try
        {
            using var f = File.OpenRead(path);
            if (offset < 0 || offset + need > f.Length)
                throw CnnrtException.Model($"{what}: external data '{location}' has {f.Length} bytes; needs {need} at offset {offset}");
            f.Seek(offset, SeekOrigin.Begin);
            var buf = new byte[need];
            f.ReadExactly(buf);
            return buf;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CnnrtException(ErrorKind.Io, $"{what}: cannot read external data '{path}': {e.Message}", e);
        }
    }

    private static long ParseLong(string s, string what, string key) =>
        long.TryParse(s, out long v) ? v : throw CnnrtException.Model($"{what}: external data {key} '{s}' is not an integer");

    /// <summary>Serializes a tensor as a TensorProto (raw_data form): for tests and tools that write .pb files.</summary>
    public static byte[] Write(Tensor t, string name = "")
    {
        var p = new TensorProto { DataType = (int)t.Type, Name = name };
        foreach (int d in t.Shape) p.Dims.Add(d);
        if (t.Type == DataType.String)
            foreach (string s in (string[])t.Data) p.StringData.Add(Google.Protobuf.ByteString.CopyFromUtf8(s));
        else
        {
            p.RawData = Google.Protobuf.ByteString.CopyFrom(ToRaw(t));
        }
        return Google.Protobuf.MessageExtensions.ToByteArray(p);
    }

    /// <summary>The elements as little-endian bytes (bool as 0/1), the layout of raw_data and of .npy payloads.</summary>
    public static byte[] ToRaw(Tensor t)
    {
        var bytes = new byte[t.Length * DataTypes.SizeOf(t.Type)];
        if (t.Data is bool[] bo) for (int i = 0; i < bo.Length; i++) bytes[i] = bo[i] ? (byte)1 : (byte)0;
        else ArrayBytes.Of(t.Data).CopyTo(bytes);
        return bytes;
    }
}
