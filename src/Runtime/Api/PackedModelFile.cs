using System.Buffers.Binary;
using Cnnrt.Graph;
using Cnnrt.Onnx;

namespace Cnnrt;

/// <summary>
/// cnnrt's own model file: the graph after the load-time passes (constants folded, BatchNorm folded, activations
/// fused), so loading skips that work and the file holds only what runs. Layout, little-endian:
/// "CNNRTPK\0" magic (8 bytes), format version (u32), flags (u32, reserved 0), payload length (u64), payload (an ONNX
/// ModelProto of the optimized graph; fused activations are node attributes in cnnrt's namespace).
/// </summary>
public static class PackedModelFile
{
    public const uint FormatVersion = 1;
    private const int HeaderSize = 24;
    private static ReadOnlySpan<byte> Magic => "CNNRTPK\0"u8;

    public static bool HasMagic(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Magic);

    public static byte[] Write(ModelGraph optimized)
    {
        var payload = OnnxWriter.Write(optimized);
        var file = new byte[HeaderSize + payload.Length];
        Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)payload.Length);
        payload.CopyTo(file, HeaderSize);
        return file;
    }

    /// <summary>The ONNX payload of a packed file, after checking the header against the file's real length.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> bytes, string source)
    {
        if (!HasMagic(bytes)) throw CnnrtException.Model($"{source}: not a cnnrt packed model (bad magic)");
        if (bytes.Length < HeaderSize) throw CnnrtException.Model($"{source}: truncated cnnrt header ({bytes.Length} of {HeaderSize} bytes)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
            throw CnnrtException.Unsupported($"{source}: cnnrt packed format version {version}; this build reads version {FormatVersion}");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (flags != 0) throw CnnrtException.Unsupported($"{source}: unknown flags 0x{flags:X} at offset 12");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        if (length != (ulong)(bytes.Length - HeaderSize))
            throw CnnrtException.Model($"{source}: header at offset 16 declares {length} payload bytes, the file holds {bytes.Length - HeaderSize} (truncated or padded)");
        return bytes[HeaderSize..];
    }
}
