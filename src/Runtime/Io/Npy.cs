using System.Text;
using Cnnrt.Onnx;
using Cnnrt.Tensors;

namespace Cnnrt.Io;

/// <summary>
/// NumPy's .npy format (versions 1–3): a magic string, a little header dict ({'descr', 'fortran_order', 'shape'}),
/// then the raw C-order elements. Reads little-endian numeric types and bool; writes any tensor.
/// </summary>
public static class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static Tensor ReadFile(string path, Limits? limits = null)
    {
        return Read(FileBytes.Read(path), path, limits);
    }

    public static Tensor Read(ReadOnlySpan<byte> b, string source, Limits? limits = null)
    {
        if (b.Length < 10 || !b[..6].SequenceEqual(Magic))
            throw Bad(source, "not a .npy file (missing the \\x93NUMPY magic)");
        int major = b[6];
        int headerLen, headerStart;
        if (major == 1) { headerLen = b[8] | b[9] << 8; headerStart = 10; }
        else if (major is 2 or 3)
        {
            if (b.Length < 12) throw Bad(source, "truncated header");
            headerLen = (int)Math.Min(BitConverter.ToUInt32(b.Slice(8, 4)), int.MaxValue);
            headerStart = 12;
        }
        else throw Bad(source, $"unsupported .npy version {major}.{b[7]}");
        if ((long)headerStart + headerLen > b.Length) throw Bad(source, $"header of {headerLen} bytes runs past the end of the file ({b.Length} bytes)");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(b.Slice(headerStart, headerLen));

        string descr = Field(header, "descr", source).Trim('\'', '"');
        string fortran = Field(header, "fortran_order", source);
        if (fortran != "False") throw Unsupported(source, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        var shape = ParseShape(Field(header, "shape", source), source);
        var type = ParseDescr(descr, source);

        long count = 1;
        var lim = limits ?? Limits.Default;
        foreach (int d in shape)
        {
            count *= d;
            if (count > lim.MaxTensorElements) throw CnnrtException.Limit($"{source}: shape ({string.Join(", ", shape)}) exceeds the limit of {lim.MaxTensorElements} elements");
        }
        var payload = b[(headerStart + headerLen)..];
        long need = count * DataTypes.SizeOf(type);
        if (payload.Length != need)
            throw Bad(source, $"shape ({string.Join(", ", shape)}) of {descr} needs {need} bytes of data, the file has {payload.Length} (at offset {headerStart + headerLen})");
        var array = DataTypes.NewArray(type, (int)count);
        if (array is bool[] bools) for (int i = 0; i < bools.Length; i++) bools[i] = payload[i] != 0;
        else payload.CopyTo(ArrayBytes.Of(array));
        return new Tensor(type, shape, array);
    }

    public static void WriteFile(string path, Tensor t)
    {
        try { File.WriteAllBytes(path, Write(t)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CnnrtException(ErrorKind.Io, $"{path}: cannot write: {e.Message}", e);
        }
    }

    public static byte[] Write(Tensor t)
    {
        string descr = t.Type switch
        {
            DataType.Float => "<f4", DataType.Double => "<f8", DataType.Float16 => "<f2",
            DataType.Int8 => "|i1", DataType.UInt8 => "|u1", DataType.Int16 => "<i2", DataType.UInt16 => "<u2",
            DataType.Int32 => "<i4", DataType.UInt32 => "<u4", DataType.Int64 => "<i8", DataType.UInt64 => "<u8",
            DataType.Bool => "|b1",
            _ => throw CnnrtException.Unsupported($"cannot write {DataTypes.Name(t.Type)} to .npy"),
        };
        string shape = t.Rank == 1 ? $"({t.Shape[0]},)" : $"({string.Join(", ", t.Shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad with spaces so the data starts on a 64-byte boundary, as numpy does; the header ends with '\n'.
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        var payload = TensorProtoReader.ToRaw(t);
        var result = new byte[10 + header.Length + payload.Length];
        Magic.CopyTo(result, 0);
        result[6] = 1;
        result[7] = 0;
        result[8] = (byte)(header.Length & 0xFF);
        result[9] = (byte)(header.Length >> 8);
        Encoding.Latin1.GetBytes(header, 0, header.Length, result, 10);
        payload.CopyTo(result, 10 + header.Length);
        return result;
    }

    private static string Field(string header, string key, string source)
    {
        int k = header.IndexOf($"'{key}'", StringComparison.Ordinal);
        if (k < 0) k = header.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        if (k < 0) throw Bad(source, $"header has no '{key}' ({header.Trim()})");
        int colon = header.IndexOf(':', k);
        if (colon < 0) throw Bad(source, $"malformed header near '{key}'");
        int start = colon + 1;
        while (start < header.Length && header[start] == ' ') start++;
        int end;
        if (start < header.Length && header[start] == '(') end = header.IndexOf(')', start) + 1;
        else
        {
            end = header.IndexOf(',', start);
            if (end < 0) end = header.IndexOf('}', start);
        }
        if (end <= start) throw Bad(source, $"malformed header value for '{key}'");
        return header[start..end].Trim();
    }

    private static int[] ParseShape(string s, string source)
    {
        if (!s.StartsWith('(') || !s.EndsWith(')')) throw Bad(source, $"malformed shape {s}");
        var parts = s[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0) throw Bad(source, $"malformed shape {s}");
        return shape;
    }

    private static DataType ParseDescr(string d, string source) => d switch
    {
        "<f4" or "=f4" => DataType.Float,
        "<f8" or "=f8" => DataType.Double,
        "<f2" or "=f2" => DataType.Float16,
        "|i1" or "i1" => DataType.Int8,
        "|u1" or "u1" => DataType.UInt8,
        "<i2" => DataType.Int16,
        "<u2" => DataType.UInt16,
        "<i4" => DataType.Int32,
        "<u4" => DataType.UInt32,
        "<i8" => DataType.Int64,
        "<u8" => DataType.UInt64,
        "|b1" => DataType.Bool,
        _ => throw Unsupported(source, $"element type '{d}' is not supported (little-endian numeric types and bool are)"),
    };

    private static CnnrtException Bad(string source, string message) => new(ErrorKind.InvalidData, $"{source}: {message}");
    private static CnnrtException Unsupported(string source, string message) => new(ErrorKind.Unsupported, $"{source}: {message}");
}
