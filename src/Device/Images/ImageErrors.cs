namespace Cnnrt.Device.Images;

/// <summary>Builds the errors the decoders throw; every message starts with the file (or source) name.</summary>
internal static class ImageErrors
{
    public static CnnrtException Data(string source, string message) => new(ErrorKind.InvalidData, $"{source}: {message}");
    public static CnnrtException Unsupported(string source, string message) => new(ErrorKind.Unsupported, $"{source}: {message}");

    /// <summary>Rejects a declared size that is empty or over <see cref="Image8.MaxPixels"/>, before anything is allocated.</summary>
    public static void CheckSize(string source, long width, long height)
    {
        if (width <= 0 || height <= 0)
            throw Data(source, $"image size {width}x{height} is invalid (width and height must be at least 1)");
        if (width * height > Image8.MaxPixels)
            throw new CnnrtException(ErrorKind.LimitExceeded,
                $"{source}: image size {width}x{height} ({width * height} pixels) exceeds the limit of {Image8.MaxPixels} pixels");
    }
}
