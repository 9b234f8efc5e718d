using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

/// <summary>
/// A small PNG encoder for the tests: packs samples at any legal bit depth, applies a chosen filter per row, can
/// interlace with Adam7, compresses with ZLibStream and frames chunks with the decoder's CRC-32.
/// </summary>
internal static class PngBuilder
{
    public static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    public static int StoredChannels(int colorType) => colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    public static byte[] Chunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] IhdrData(uint width, uint height, int depth, int colorType, int interlace = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(d, width);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), height);
        d[8] = (byte)depth;
        d[9] = (byte)colorType;
        d[12] = (byte)interlace;
        return d;
    }

    public static byte[] Zlib(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    /// <summary>Signature + the given chunks in order.</summary>
    public static byte[] File(params byte[][] chunks)
    {
        var ms = new MemoryStream();
        ms.Write(Signature);
        foreach (var c in chunks) ms.Write(c);
        return ms.ToArray();
    }

    /// <summary>
    /// Encodes <paramref name="samples"/> (stored channels per pixel, row-major, each within the bit depth) as a PNG.
    /// <paramref name="filter"/> 0..4 filters every row that way; -1 cycles through all five, row by row.
    /// <paramref name="idatChunkSize"/> &gt; 0 splits the zlib stream over several IDAT chunks.
    /// </summary>
    public static byte[] Encode(int width, int height, int depth, int colorType, ushort[] samples, byte[]? palette = null,
        int filter = -1, bool interlace = false, int idatChunkSize = 0)
    {
        byte[] raw = RawScanlines(width, height, depth, colorType, samples, filter, interlace);
        var chunks = new List<byte[]> { Chunk("IHDR", IhdrData((uint)width, (uint)height, depth, colorType, interlace ? 1 : 0)) };
        if (palette is not null) chunks.Add(Chunk("PLTE", palette));
        byte[] z = Zlib(raw);
        if (idatChunkSize <= 0) chunks.Add(Chunk("IDAT", z));
        else
            for (int i = 0; i < z.Length; i += idatChunkSize)
                chunks.Add(Chunk("IDAT", z.AsSpan(i, Math.Min(idatChunkSize, z.Length - i))));
        chunks.Add(Chunk("IEND", []));
        return File(chunks.ToArray());
    }

    /// <summary>The filtered scanlines (filter byte + row) the IDAT stream inflates to.</summary>
    public static byte[] RawScanlines(int width, int height, int depth, int colorType, ushort[] samples, int filter, bool interlace)
    {
        int sc = StoredChannels(colorType);
        int bpp = Math.Max(1, sc * depth / 8);
        var output = new MemoryStream();
        var passes = interlace ? Adam7 : [(0, 0, 1, 1)];
        int rowIndex = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = width > x0 ? (width - x0 + dx - 1) / dx : 0;
            int ph = height > y0 ? (height - y0 + dy - 1) / dy : 0;
            if (pw == 0 || ph == 0) continue;
            int rowBytes = (pw * sc * depth + 7) / 8;
            var prev = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                int y = y0 + r * dy;
                var row = new byte[rowBytes];
                for (int k = 0; k < pw; k++)
                {
                    int x = x0 + k * dx;
                    for (int c = 0; c < sc; c++)
                        Put(row, k * sc + c, depth, samples[(y * width + x) * sc + c]);
                }
                int f = filter >= 0 ? filter : rowIndex % 5;
                output.WriteByte((byte)f);
                output.Write(Filter(f, row, prev, bpp));
                prev = row;
                rowIndex++;
            }
        }
        return output.ToArray();
    }

    private static void Put(byte[] row, int index, int depth, ushort v)
    {
        switch (depth)
        {
            case 16:
                row[2 * index] = (byte)(v >> 8);
                row[2 * index + 1] = (byte)v;
                break;
            case 8:
                row[index] = (byte)v;
                break;
            default:
                int bit = index * depth;
                row[bit >> 3] |= (byte)(v << (8 - depth - (bit & 7)));
                break;
        }
    }

    public static byte[] Filter(int f, byte[] row, byte[] prev, int bpp)
    {
        var o = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            int pred = f switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => PaethRef(a, b, c),
                _ => throw new ArgumentOutOfRangeException(nameof(f)),
            };
            o[i] = (byte)(row[i] - pred);
        }
        return o;
    }

    private static int PaethRef(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>The 8-bit image the decoder should produce for these samples (alpha dropped, palette expanded).</summary>
    public static byte[] Expected(int width, int height, int depth, int colorType, ushort[] samples, byte[]? palette)
    {
        int sc = StoredChannels(colorType);
        int oc = colorType is 0 or 4 ? 1 : 3;
        var o = new byte[width * height * oc];
        for (int p = 0; p < width * height; p++)
        {
            if (colorType == 3)
            {
                int idx = samples[p];
                o[3 * p] = palette![3 * idx]; o[3 * p + 1] = palette[3 * idx + 1]; o[3 * p + 2] = palette[3 * idx + 2];
                continue;
            }
            for (int c = 0; c < oc; c++)
            {
                int v = samples[p * sc + c];
                o[p * oc + c] = depth switch
                {
                    16 => (byte)(v >> 8),
                    8 => (byte)v,
                    _ => (byte)(v * 255 / ((1 << depth) - 1)),
                };
            }
        }
        return o;
    }

    /// <summary>Deterministic random samples valid for the depth (palette indices below <paramref name="paletteEntries"/>).</summary>
    public static ushort[] RandomSamples(int width, int height, int depth, int colorType, int seed, int paletteEntries = 0)
    {
        var rng = new Random(seed);
        int n = width * height * StoredChannels(colorType);
        int limit = colorType == 3 ? paletteEntries : 1 << depth;
        var s = new ushort[n];
        for (int i = 0; i < n; i++) s[i] = (ushort)rng.Next(limit);
        return s;
    }

    public static byte[] RandomPalette(int entries, int seed)
    {
        var p = new byte[entries * 3];
        new Random(seed).NextBytes(p);
        return p;
    }

    /// <summary>Recomputes every chunk's CRC in place (stops at the first chunk that does not fit).</summary>
    public static void FixCrcs(byte[] png)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (len > png.Length - pos - 12) return;
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(pos + 8 + (int)len), Crc32.Compute(png.AsSpan(pos + 4, 4 + (int)len)));
            pos += 12 + (int)len;
        }
    }

    /// <summary>Byte offset of the first chunk of the given type.</summary>
    public static int ChunkOffset(byte[] png, string type)
    {
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            uint len = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            if (Encoding.ASCII.GetString(png, pos + 4, 4) == type) return pos;
            pos += 12 + (int)len;
        }
        throw new InvalidOperationException($"no {type} chunk");
    }
}
