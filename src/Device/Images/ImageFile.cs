namespace Cnnrt.Device.Images;

/// <summary>The image formats <see cref="ImageFile"/> recognises by their first bytes.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Png,
    /// <summary>PBM, PGM or PPM (magic P1..P6).</summary>
    Pnm,
    /// <summary>Recognised (FF D8 FF) but not decoded yet.</summary>
    Jpeg,
}

/// <summary>Loads an image file, choosing the decoder by the file's magic bytes, never by its extension.</summary>
public static class ImageFile
{
    /// <summary>Reads and decodes the file at <paramref name="path"/> (PNG, PBM, PGM or PPM).</summary>
    /// <exception cref="CnnrtException">Io when the file cannot be read; InvalidData when it is malformed or not an
    /// image; Unsupported for JPEG; LimitExceeded when its declared size is over <see cref="Image8.MaxPixels"/>.</exception>
    public static Image8 Load(string path) => Decode(Cnnrt.Io.FileBytes.Read(path, "image file"), path);

    /// <summary>Decodes an image held in memory; <paramref name="source"/> names it in error messages.</summary>
    public static Image8 Decode(ReadOnlyMemory<byte> data, string source = "<image>")
    {
        ReadOnlySpan<byte> span = data.Span;
        return Detect(span) switch
        {
            ImageFormat.Png => PngDecoder.Decode(data, source),
            ImageFormat.Pnm => PnmDecoder.Decode(span, source),
            ImageFormat.Jpeg => throw ImageErrors.Unsupported(source,
                "JPEG images are not supported yet (JPEG decoding comes with the camera work); convert it to PNG or PPM"),
            _ => throw ImageErrors.Data(source, span.IsEmpty
                ? "empty file, not an image"
                : $"not a recognised image format (PNG, PBM/PGM/PPM): first bytes {DescribeBytes(span, 8)}"),
        };
    }

    /// <summary>The format <paramref name="data"/> announces in its first bytes.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        // "\x89PNG" alone is enough to hand the file to the PNG decoder, which then explains a damaged signature
        // (say, line endings converted in transfer) better than "unknown format" would.
        if (data.Length >= 4 && data[0] == 0x89 && data[1] == (byte)'P' && data[2] == (byte)'N' && data[3] == (byte)'G')
            return ImageFormat.Png;
        if (PnmDecoder.HasSignature(data)) return ImageFormat.Pnm;
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        return ImageFormat.Unknown;
    }

    /// <summary>Up to <paramref name="max"/> leading bytes as hex and, where printable, as text: 47 49 46 38 ("GIF8").</summary>
    internal static string DescribeBytes(ReadOnlySpan<byte> data, int max)
    {
        if (data.IsEmpty) return "(none, the data is empty)";
        ReadOnlySpan<byte> head = data[..Math.Min(max, data.Length)];
        var hex = string.Join(' ', head.ToArray().Select(b => b.ToString("X2")));
        var text = new string(head.ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.').ToArray());
        return $"{hex} (\"{text}\")";
    }
}
