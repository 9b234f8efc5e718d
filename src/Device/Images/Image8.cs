namespace Cnnrt.Device.Images;

/// <summary>
/// A decoded 8-bit image: <see cref="Width"/> × <see cref="Height"/> pixels of <see cref="Channels"/> samples each
/// (1 = gray, 3 = RGB), stored interleaved row by row (HWC) in <see cref="Pixels"/>. Decoders drop alpha and expand
/// palettes, so these two layouts are the only ones.
/// </summary>
public sealed class Image8
{
    /// <summary>The most pixels (width × height) a decoder accepts; larger declared sizes are rejected before allocating.</summary>
    public const long MaxPixels = 1L << 26;

    public int Width { get; }
    public int Height { get; }
    /// <summary>1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }
    /// <summary>Interleaved samples, row-major: sample c of pixel (x, y) is at <c>(y * Width + x) * Channels + c</c>.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes per row: <c>Width * Channels</c>.</summary>
    public int Stride => Width * Channels;

    public Image8(int width, int height, int channels, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"image size {width}x{height} is not positive");
        if ((long)width * height > MaxPixels)
            throw new CnnrtException(ErrorKind.LimitExceeded, $"image size {width}x{height} exceeds the limit of {MaxPixels} pixels");
        if (channels != 1 && channels != 3)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"image has {channels} channels; only 1 (gray) or 3 (RGB) are supported");
        long need = (long)width * height * channels;
        if (pixels.Length != need)
            throw new CnnrtException(ErrorKind.InvalidArgument,
                $"image {width}x{height}x{channels} needs {need} bytes of pixels but got {pixels.Length}");
        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    /// <summary>A zero-filled (black) image.</summary>
    public static Image8 Create(int width, int height, int channels)
    {
        if (width <= 0 || height <= 0)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"image size {width}x{height} is not positive");
        if ((long)width * height > MaxPixels)
            throw new CnnrtException(ErrorKind.LimitExceeded, $"image size {width}x{height} exceeds the limit of {MaxPixels} pixels");
        if (channels != 1 && channels != 3)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"image has {channels} channels; only 1 (gray) or 3 (RGB) are supported");
        return new Image8(width, height, channels, new byte[width * height * channels]);
    }

    /// <summary>Sample <paramref name="c"/> of pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public byte this[int x, int y, int c = 0] => Pixels[(y * Width + x) * Channels + c];

    public override string ToString() => $"Image8 {Width}x{Height}x{Channels}";
}
