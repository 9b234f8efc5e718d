using System.Buffers.Binary;
using System.IO.Compression;

namespace Cnnrt.Device.Images;

/// <summary>
/// A managed PNG decoder (ISO/IEC 15948). Handles every standard colour type (gray, RGB, palette, gray+alpha, RGBA)
/// at every bit depth the spec allows for it, all five filter types and Adam7 interlacing. The result is an 8-bit
/// <see cref="Image8"/>: alpha is dropped, palettes are expanded to RGB, 16-bit samples keep their high byte and
/// 1/2/4-bit gray is scaled to the full 0..255 range (×255, ×85, ×17). tRNS, gAMA and the other ancillary chunks are
/// ignored. Every chunk's CRC is checked. Errors are <see cref="CnnrtException"/>s of kind InvalidData that name the
/// source and, for a bad chunk, its type and byte offset; a declared size over <see cref="Image8.MaxPixels"/> is
/// LimitExceeded, raised before any pixel memory is allocated.
/// </summary>
public static class PngDecoder
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Whether <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> data) => data.Length >= 8 && data[..8].SequenceEqual(Signature);

    // Adam7: x start, y start, x step, y step of each of the seven passes.
    private static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    private const uint IHDR = 0x49484452, PLTE = 0x504C5445, IDAT = 0x49444154, IEND = 0x49454E44;

    /// <summary>Deflate cannot expand more than 1032:1; an IDAT total far below that bound is certainly truncated.</summary>
    private const long MaxInflateRatio = 1032;

    private readonly record struct Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        /// <summary>Samples per pixel as stored in the file.</summary>
        public int StoredChannels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        public int BitsPerPixel => StoredChannels * BitDepth;
        /// <summary>The filter's "bpp": bytes per complete pixel, at least 1.</summary>
        public int FilterStride => Math.Max(1, BitsPerPixel / 8);
        public int OutputChannels => ColorType is 0 or 4 ? 1 : 3;
        public long RowBytes(long pixels) => (pixels * BitsPerPixel + 7) / 8;
    }

    /// <summary>Decodes a PNG held in memory. <paramref name="source"/> names it in error messages (a file path).</summary>
    public static Image8 Decode(ReadOnlyMemory<byte> data, string source = "<png>")
    {
        ReadOnlySpan<byte> span = data.Span;
        if (!HasSignature(span))
            throw ImageErrors.Data(source, $"not a PNG file: bad signature (first bytes {ImageFile.DescribeBytes(span, 8)})");

        Header? header = null;
        byte[]? palette = null;
        var idat = new List<(int Start, int Length)>();
        long idatBytes = 0;
        bool idatClosed = false; // a non-IDAT chunk followed the IDAT run
        int pos = 8;
        while (true)
        {
            if (pos == span.Length)
            {
                if (header is null) throw ImageErrors.Data(source, "missing IHDR chunk: the file ends after the signature");
                throw ImageErrors.Data(source, $"file ends at offset {pos} without an IEND chunk (truncated?)");
            }
            if (span.Length - pos < 12)
                throw ImageErrors.Data(source,
                    $"truncated chunk at offset {pos}: {span.Length - pos} bytes left, a chunk needs at least 12");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(span[pos..]);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(span[(pos + 4)..]);
            string name = ChunkName(span.Slice(pos + 4, 4));
            if (!ValidChunkType(span.Slice(pos + 4, 4)))
                throw ImageErrors.Data(source, $"chunk at offset {pos}: invalid chunk type {name}");
            if (length > int.MaxValue)
                throw ImageErrors.Data(source, $"chunk {name} at offset {pos}: length {length} exceeds 2^31-1");
            if (length > span.Length - pos - 12)
                throw ImageErrors.Data(source,
                    $"chunk {name} at offset {pos}: truncated (declares {length} data bytes, only {Math.Max(0, span.Length - pos - 12)} follow)");
            int len = (int)length;
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(span[(pos + 8 + len)..]);
            uint computed = Crc32.Compute(span.Slice(pos + 4, 4 + len));
            if (stored != computed)
                throw ImageErrors.Data(source,
                    $"chunk {name} at offset {pos}: CRC mismatch (stored 0x{stored:x8}, computed 0x{computed:x8})");
            ReadOnlySpan<byte> body = span.Slice(pos + 8, len);

            if (header is null && type != IHDR)
                throw ImageErrors.Data(source, $"missing IHDR chunk: the first chunk is {name} at offset {pos}");
            if (type != IDAT && idat.Count > 0) idatClosed = true;

            if (type == IHDR)
            {
                if (header is not null) throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: duplicate IHDR");
                header = ParseHeader(body, source, pos);
            }
            else if (type == PLTE)
            {
                if (palette is not null) throw ImageErrors.Data(source, $"chunk PLTE at offset {pos}: duplicate PLTE");
                if (idat.Count > 0) throw ImageErrors.Data(source, $"chunk PLTE at offset {pos}: PLTE after IDAT");
                if (len == 0 || len % 3 != 0 || len > 256 * 3)
                    throw ImageErrors.Data(source, $"chunk PLTE at offset {pos}: length {len} is not 3 × 1..256 entries");
                palette = body.ToArray();
            }
            else if (type == IDAT)
            {
                if (idatClosed)
                    throw ImageErrors.Data(source, $"chunk IDAT at offset {pos}: IDAT chunks are not consecutive");
                idat.Add((pos + 8, len));
                idatBytes += len;
            }
            else if (type == IEND)
            {
                break;
            }
            else if ((span[pos + 4] & 0x20) == 0)
            {
                throw ImageErrors.Unsupported(source, $"chunk {name} at offset {pos}: unknown critical chunk");
            }
            pos += 12 + len;
        }

        Header h = header!.Value;
        if (idat.Count == 0) throw ImageErrors.Data(source, "missing IDAT chunk: the file holds no image data");
        if (h.ColorType == 3 && palette is null)
            throw ImageErrors.Data(source, "missing PLTE chunk: a palette image (colour type 3) needs one");

        long rawBytes = 0;
        if (h.Interlaced)
        {
            foreach (var p in Adam7)
            {
                long pw = PassSize(h.Width, p.X0, p.Dx), ph = PassSize(h.Height, p.Y0, p.Dy);
                if (pw > 0 && ph > 0) rawBytes += ph * (1 + h.RowBytes(pw));
            }
        }
        else rawBytes = h.Height * (1 + h.RowBytes(h.Width));
        if (rawBytes > idatBytes * MaxInflateRatio + 1024)
            throw ImageErrors.Data(source,
                $"IDAT holds only {idatBytes} compressed bytes, too few for a {h.Width}x{h.Height} image ({rawBytes} bytes inflated); the data is truncated");

        return DecodePixels(data, idat, h, palette, source);
    }

    private static Header ParseHeader(ReadOnlySpan<byte> body, string source, int pos)
    {
        if (body.Length != 13)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: length {body.Length}, expected 13");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint hgt = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int depth = body[8], color = body[9], compression = body[10], filter = body[11], interlace = body[12];
        if (w > int.MaxValue || hgt > int.MaxValue)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: image size {w}x{hgt} exceeds 2^31-1");
        ImageErrors.CheckSize(source, w, hgt);
        bool ok = color switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (color is not (0 or 2 or 3 or 4 or 6))
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: invalid colour type {color}");
        if (!ok)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: bit depth {depth} is not allowed for colour type {color}");
        if (compression != 0)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: unknown compression method {compression}");
        if (filter != 0)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: unknown filter method {filter}");
        if (interlace > 1)
            throw ImageErrors.Data(source, $"chunk IHDR at offset {pos}: unknown interlace method {interlace}");
        return new Header((int)w, (int)hgt, depth, color, interlace == 1);
    }

    private static long PassSize(long size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    private static Image8 DecodePixels(ReadOnlyMemory<byte> data, List<(int, int)> idat, Header h, byte[]? palette, string source)
    {
        int outCh = h.OutputChannels;
        var pixels = new byte[(long)h.Width * h.Height * outCh];
        int bpp = h.FilterStride;
        int maxRow = (int)h.RowBytes(h.Width);
        var cur = new byte[1 + maxRow];
        var prev = new byte[1 + maxRow];

        int passCount = h.Interlaced ? 7 : 1;
        int pass = 0, row = 0, passRows = 0;
        try
        {
            using var zs = new ZLibStream(new SegmentStream(data, idat), CompressionMode.Decompress);
            for (pass = 0; pass < passCount; pass++)
            {
                var (x0, y0, dx, dy) = h.Interlaced ? Adam7[pass] : (0, 0, 1, 1);
                int pw = (int)PassSize(h.Width, x0, dx);
                passRows = (int)PassSize(h.Height, y0, dy);
                if (pw == 0 || passRows == 0) continue;
                int rowBytes = (int)h.RowBytes(pw);
                Array.Clear(prev, 0, 1 + rowBytes);
                for (row = 0; row < passRows; row++)
                {
                    int n = zs.ReadAtLeast(cur.AsSpan(0, 1 + rowBytes), 1 + rowBytes, throwOnEndOfStream: false);
                    if (n < 1 + rowBytes)
                        throw ImageErrors.Data(source, $"image data ends early: {Where(h, pass, row, passRows)} missing");
                    Span<byte> line = cur.AsSpan(1, rowBytes);
                    Unfilter(cur[0], line, prev.AsSpan(1, rowBytes), bpp, source, h, pass, row, passRows);
                    EmitRow(line, h, palette, pixels, y0 + row * dy, x0, dx, pw, source);
                    (cur, prev) = (prev, cur);
                }
            }
            // Let the inflater reach the end of the stream so a corrupt Adler-32 is noticed; surplus data is ignored.
            Span<byte> one = stackalloc byte[1];
            _ = zs.ReadAtLeast(one, 1, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            string where = pass < passCount ? $" at {Where(h, pass, row, passRows)}" : " after the last row";
            throw new CnnrtException(ErrorKind.InvalidData, $"{source}: IDAT zlib data is corrupt{where}: {e.Message}", e);
        }
        return new Image8(h.Width, h.Height, outCh, pixels);
    }

    /// <summary>"row 17 of 28" (1-based), with the Adam7 pass for interlaced images.</summary>
    private static string Where(Header h, int pass, int row, int rows) =>
        h.Interlaced ? $"Adam7 pass {pass + 1}, row {row + 1} of {rows}" : $"row {row + 1} of {rows}";

    private static void Unfilter(byte filter, Span<byte> cur, ReadOnlySpan<byte> prev, int bpp, string source,
        Header h, int pass, int row, int rows)
    {
        int n = cur.Length;
        switch (filter)
        {
            case 0:
                break;
            case 1: // Sub
                for (int i = bpp; i < n; i++) cur[i] += cur[i - bpp];
                break;
            case 2: // Up
                for (int i = 0; i < n; i++) cur[i] += prev[i];
                break;
            case 3: // Average
                for (int i = 0; i < bpp && i < n; i++) cur[i] += (byte)(prev[i] >> 1);
                for (int i = bpp; i < n; i++) cur[i] += (byte)((cur[i - bpp] + prev[i]) >> 1);
                break;
            case 4: // Paeth
                for (int i = 0; i < bpp && i < n; i++) cur[i] += prev[i];
                for (int i = bpp; i < n; i++) cur[i] += Paeth(cur[i - bpp], prev[i], prev[i - bpp]);
                break;
            default:
                throw ImageErrors.Data(source, $"unknown filter type {filter} in {Where(h, pass, row, rows)}");
        }
    }

    private static byte Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }

    /// <summary>Writes the <paramref name="count"/> pixels of one unfiltered row to image row <paramref name="y"/>,
    /// columns x0, x0 + dx, ... .</summary>
    private static void EmitRow(ReadOnlySpan<byte> line, Header h, byte[]? palette, byte[] pixels, int y, int x0, int dx,
        int count, string source)
    {
        int outCh = h.OutputChannels;
        int o = (y * h.Width + x0) * outCh;
        int step = dx * outCh;
        int depth = h.BitDepth;
        switch (h.ColorType)
        {
            case 0 when depth == 8:
                if (dx == 1) { line[..count].CopyTo(pixels.AsSpan(o)); break; }
                for (int k = 0; k < count; k++, o += step) pixels[o] = line[k];
                break;
            case 0 when depth == 16:
                for (int k = 0; k < count; k++, o += step) pixels[o] = line[2 * k];
                break;
            case 0: // 1, 2, 4 bits: replicate to the full range
            {
                int mul = depth switch { 1 => 255, 2 => 85, _ => 17 };
                for (int k = 0; k < count; k++, o += step) pixels[o] = (byte)(Sample(line, k, depth) * mul);
                break;
            }
            case 4:
            {
                int stride = depth == 8 ? 2 : 4;
                for (int k = 0; k < count; k++, o += step) pixels[o] = line[stride * k];
                break;
            }
            case 2 when depth == 8:
                if (dx == 1) { line[..(3 * count)].CopyTo(pixels.AsSpan(o)); break; }
                for (int k = 0; k < count; k++, o += step)
                {
                    pixels[o] = line[3 * k]; pixels[o + 1] = line[3 * k + 1]; pixels[o + 2] = line[3 * k + 2];
                }
                break;
            case 2 or 6:
            {
                int bytesPerSample = depth / 8;
                int stride = h.StoredChannels * bytesPerSample;
                for (int k = 0, i = 0; k < count; k++, o += step, i += stride)
                {
                    pixels[o] = line[i]; pixels[o + 1] = line[i + bytesPerSample]; pixels[o + 2] = line[i + 2 * bytesPerSample];
                }
                break;
            }
            case 3:
            {
                byte[] pal = palette!;
                int entries = pal.Length / 3;
                for (int k = 0; k < count; k++, o += step)
                {
                    int idx = depth == 8 ? line[k] : Sample(line, k, depth);
                    if (idx >= entries)
                        throw ImageErrors.Data(source,
                            $"palette index {idx} at pixel ({x0 + k * dx}, {y}) is out of range: PLTE has {entries} entries");
                    pixels[o] = pal[3 * idx]; pixels[o + 1] = pal[3 * idx + 1]; pixels[o + 2] = pal[3 * idx + 2];
                }
                break;
            }
        }
    }

    /// <summary>Sample k of a row packed at 1, 2 or 4 bits, most significant bits first.</summary>
    private static int Sample(ReadOnlySpan<byte> line, int k, int depth)
    {
        int bit = k * depth;
        int shift = 8 - depth - (bit & 7);
        return (line[bit >> 3] >> shift) & ((1 << depth) - 1);
    }

    private static bool ValidChunkType(ReadOnlySpan<byte> t)
    {
        foreach (byte b in t)
            if (!((b >= (byte)'A' && b <= (byte)'Z') || (b >= (byte)'a' && b <= (byte)'z'))) return false;
        return true;
    }

    private static string ChunkName(ReadOnlySpan<byte> t) =>
        ValidChunkType(t) ? System.Text.Encoding.ASCII.GetString(t) : "0x" + Convert.ToHexString(t);

    /// <summary>Reads the IDAT chunks' data back to back without copying them into one buffer.</summary>
    private sealed class SegmentStream(ReadOnlyMemory<byte> data, List<(int Start, int Length)> segments) : Stream
    {
        private int _segment, _offset;

        public override int Read(Span<byte> buffer)
        {
            while (_segment < segments.Count)
            {
                var (start, length) = segments[_segment];
                int left = length - _offset;
                if (left == 0) { _segment++; _offset = 0; continue; }
                int n = Math.Min(left, buffer.Length);
                data.Span.Slice(start + _offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
