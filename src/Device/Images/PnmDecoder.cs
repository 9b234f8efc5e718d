namespace Cnnrt.Device.Images;

/// <summary>
/// Decoder for the netpbm formats: PBM (P1 plain, P4 raw), PGM (P2 plain, P5 raw) and PPM (P3 plain, P6 raw).
/// Header values are separated by whitespace (blank, TAB, CR, LF, VT, FF) and "#" comments, which run to the end of
/// the line; a raw raster starts after exactly one whitespace character following the last header value. maxval
/// may be 1..65535: above 255 samples are two bytes, big-endian. Samples are scaled to 0..255 by
/// round(v · 255 / maxval) (an identity for maxval 255). PBM's 1 (black) becomes 0 and 0 (white) 255.
/// Only the first image of a multi-image file is read. Malformed or truncated files give InvalidData errors naming the
/// source and the byte offset.
/// </summary>
public static class PnmDecoder
{
    /// <summary>Whether <paramref name="data"/> starts with a netpbm magic number P1..P6.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && data[0] == (byte)'P' && data[1] >= (byte)'1' && data[1] <= (byte)'6';

    /// <summary>Decodes a PBM, PGM or PPM image. <paramref name="source"/> names it in error messages.</summary>
    public static Image8 Decode(ReadOnlySpan<byte> data, string source = "<pnm>")
    {
        if (!HasSignature(data))
            throw ImageErrors.Data(source, $"not a PBM/PGM/PPM file: bad magic number (first bytes {ImageFile.DescribeBytes(data, 8)})");
        int kind = data[1] - '0';
        bool plain = kind <= 3;
        bool bitmap = kind is 1 or 4;
        int channels = kind is 3 or 6 ? 3 : 1;
        int pos = 2;
        if (pos < data.Length && !IsSpace(data[pos]) && data[pos] != (byte)'#')
            throw ImageErrors.Data(source, $"offset {pos}: expected whitespace after the magic number P{kind}");

        int width = ReadHeaderNumber(data, ref pos, "width", source);
        int height = ReadHeaderNumber(data, ref pos, "height", source);
        int maxval = bitmap ? 1 : ReadHeaderNumber(data, ref pos, "maxval", source);
        ImageErrors.CheckSize(source, width, height);
        if (maxval < 1 || maxval > 65535)
            throw ImageErrors.Data(source, $"maxval {maxval} is out of range 1..65535");

        // The single whitespace character (or a comment ending in one) that separates the header from the raster.
        if (pos >= data.Length)
            throw ImageErrors.Data(source, $"offset {pos}: the file ends after the header, the raster is missing");
        if (data[pos] == (byte)'#') SkipComment(data, ref pos);
        else if (IsSpace(data[pos])) pos++;
        else
            throw ImageErrors.Data(source, $"offset {pos}: expected whitespace after the header, found {Show(data[pos])}");

        int pixels = width * height;
        long samples = (long)pixels * channels;
        var lut = bitmap ? null : ScaleTable(maxval);
        if (plain)
        {
            // Every sample takes at least one byte of text: refuse before allocating if the file cannot hold them.
            if (data.Length - pos < samples)
                throw ImageErrors.Data(source,
                    $"raster truncated: {samples} samples declared but only {data.Length - pos} bytes follow the header at offset {pos}");
            var output = new byte[samples];
            if (bitmap) DecodePlainBitmap(data, pos, output, width, source);
            else DecodePlain(data, pos, output, width, channels, maxval, lut!, source);
            return new Image8(width, height, channels, output);
        }
        else
        {
            long need = bitmap ? (long)((width + 7) / 8) * height : samples * (maxval > 255 ? 2 : 1);
            if (data.Length - pos < need)
                throw ImageErrors.Data(source,
                    $"raster truncated: needs {need} bytes after the header at offset {pos}, only {data.Length - pos} present");
            var output = new byte[samples];
            ReadOnlySpan<byte> raster = data.Slice(pos, (int)need);
            if (bitmap) DecodeRawBitmap(raster, output, width, height);
            else DecodeRaw(raster, output, width, channels, maxval, lut!, source, pos);
            return new Image8(width, height, channels, output);
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    private static void SkipComment(ReadOnlySpan<byte> data, ref int pos)
    {
        // From '#' through the next CR or LF inclusive.
        while (pos < data.Length && data[pos] != (byte)'\n' && data[pos] != (byte)'\r') pos++;
        if (pos < data.Length) pos++;
    }

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length)
        {
            if (IsSpace(data[pos])) pos++;
            else if (data[pos] == (byte)'#') SkipComment(data, ref pos);
            else break;
        }
    }

    private static string Show(byte b) => b is >= 0x21 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    private static int ReadHeaderNumber(ReadOnlySpan<byte> data, ref int pos, string what, string source)
    {
        SkipSpaceAndComments(data, ref pos);
        if (pos >= data.Length)
            throw ImageErrors.Data(source, $"header truncated: the file ends at offset {pos} before the {what}");
        int start = pos;
        if (!TryReadNumber(data, ref pos, out long value))
            throw ImageErrors.Data(source, $"offset {start}: expected the {what} (a decimal number), found {Show(data[start])}");
        if (value > int.MaxValue)
            throw ImageErrors.Data(source, $"offset {start}: {what} is too large");
        if (pos < data.Length && !IsSpace(data[pos]) && data[pos] != (byte)'#')
            throw ImageErrors.Data(source, $"offset {pos}: unexpected {Show(data[pos])} after the {what}");
        return (int)value;
    }

    /// <summary>Reads decimal digits at pos; values past 2^31 saturate (callers reject them).</summary>
    private static bool TryReadNumber(ReadOnlySpan<byte> data, ref int pos, out long value)
    {
        value = 0;
        int start = pos;
        while (pos < data.Length && data[pos] >= (byte)'0' && data[pos] <= (byte)'9')
        {
            if (value <= int.MaxValue) value = value * 10 + (data[pos] - '0');
            pos++;
        }
        return pos > start;
    }

    /// <summary>round(v · 255 / maxval) for every v in 0..maxval.</summary>
    private static byte[] ScaleTable(int maxval)
    {
        var t = new byte[maxval + 1];
        for (int v = 0; v <= maxval; v++) t[v] = (byte)(((long)v * 255 + maxval / 2) / maxval);
        return t;
    }

    private static CnnrtException OverMax(string source, long value, int maxval, long sample, int width, int channels) =>
        ImageErrors.Data(source,
            $"sample value {value} at pixel ({sample / channels % width}, {sample / channels / width}) exceeds maxval {maxval}");

    private static void DecodeRaw(ReadOnlySpan<byte> raster, byte[] output, int width, int channels, int maxval, byte[] lut,
        string source, int offset)
    {
        if (maxval <= 255)
        {
            if (maxval == 255) { raster.CopyTo(output); return; }
            for (int i = 0; i < output.Length; i++)
            {
                int v = raster[i];
                if (v > maxval) throw OverMax(source, v, maxval, i, width, channels);
                output[i] = lut[v];
            }
        }
        else
        {
            for (int i = 0; i < output.Length; i++)
            {
                int v = (raster[2 * i] << 8) | raster[2 * i + 1];
                if (v > maxval) throw OverMax(source, v, maxval, i, width, channels);
                output[i] = lut[v];
            }
        }
    }

    private static void DecodeRawBitmap(ReadOnlySpan<byte> raster, byte[] output, int width, int height)
    {
        int rowBytes = (width + 7) / 8;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = raster.Slice(y * rowBytes, rowBytes);
            for (int x = 0; x < width; x++)
                output[y * width + x] = ((row[x >> 3] >> (7 - (x & 7))) & 1) != 0 ? (byte)0 : (byte)255;
        }
    }

    private static void DecodePlain(ReadOnlySpan<byte> data, int pos, byte[] output, int width, int channels, int maxval,
        byte[] lut, string source)
    {
        for (int i = 0; i < output.Length; i++)
        {
            SkipSpaceAndComments(data, ref pos);
            if (pos >= data.Length)
                throw ImageErrors.Data(source,
                    $"raster truncated: the file ends at offset {pos} after {i} of {output.Length} samples");
            int start = pos;
            if (!TryReadNumber(data, ref pos, out long v))
                throw ImageErrors.Data(source, $"offset {start}: expected a sample value, found {Show(data[start])}");
            if (pos < data.Length && !IsSpace(data[pos]) && data[pos] != (byte)'#')
                throw ImageErrors.Data(source, $"offset {pos}: unexpected {Show(data[pos])} after a sample value");
            if (v > maxval) throw OverMax(source, v, maxval, i, width, channels);
            output[i] = lut[v];
        }
    }

    private static void DecodePlainBitmap(ReadOnlySpan<byte> data, int pos, byte[] output, int width, string source)
    {
        // Plain PBM: one '0' or '1' per pixel; whitespace between them is optional.
        for (int i = 0; i < output.Length; i++)
        {
            SkipSpaceAndComments(data, ref pos);
            if (pos >= data.Length)
                throw ImageErrors.Data(source,
                    $"raster truncated: the file ends at offset {pos} after {i} of {output.Length} pixels");
            byte b = data[pos];
            if (b != (byte)'0' && b != (byte)'1')
                throw ImageErrors.Data(source, $"offset {pos}: expected '0' or '1' for pixel ({i % width}, {i / width}), found {Show(b)}");
            output[i] = b == (byte)'1' ? (byte)0 : (byte)255;
            pos++;
        }
    }
}
