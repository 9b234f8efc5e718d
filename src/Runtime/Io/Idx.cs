using System.IO.Compression;
using Cnnrt.Tensors;

namespace Cnnrt.Io;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (optionally gzipped): two zero bytes, a type code, the rank, big-endian
/// int32 dims, then the elements. Only unsigned-byte data (code 0x08) is used by image datasets and read here.
/// </summary>
public static class Idx
{
    public static Tensor ReadFile(string path, Limits? limits = null)
    {
        byte[] bytes = FileBytes.Read(path);
        try
        {
            if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new CnnrtException(ErrorKind.InvalidData, $"{path}: corrupt gzip data: {e.Message}", e);
        }
        return Read(bytes, path, limits);
    }

    public static Tensor Read(ReadOnlySpan<byte> b, string source, Limits? limits = null)
    {
        if (b.Length < 4 || b[0] != 0 || b[1] != 0)
            throw new CnnrtException(ErrorKind.InvalidData, $"{source}: not an IDX file (bad magic)");
        if (b[2] != 0x08)
            throw new CnnrtException(ErrorKind.Unsupported, $"{source}: IDX element type 0x{b[2]:X2} is not supported (only unsigned bytes, 0x08)");
        int rank = b[3];
        if (rank == 0 || b.Length < 4 + 4 * rank)
            throw new CnnrtException(ErrorKind.InvalidData, $"{source}: truncated IDX header (rank {rank})");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = b[4 + 4 * i] << 24 | b[5 + 4 * i] << 16 | b[6 + 4 * i] << 8 | b[7 + 4 * i];
            if (d < 0) throw new CnnrtException(ErrorKind.InvalidData, $"{source}: negative dimension {d} in IDX header");
            shape[i] = d;
            count *= d;
        }
        var lim = limits ?? Limits.Default;
        if (count > lim.MaxTensorElements) throw CnnrtException.Limit($"{source}: {count} elements exceed the limit");
        int start = 4 + 4 * rank;
        if (b.Length - start != count)
            throw new CnnrtException(ErrorKind.InvalidData, $"{source}: header declares {count} bytes of data, the file has {b.Length - start} (from offset {start})");
        return new Tensor(DataType.UInt8, shape, b[start..].ToArray());
    }
}
