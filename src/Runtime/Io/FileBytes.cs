namespace Cnnrt.Io;

/// <summary>Reads a whole input file, turning every way that can fail into one I/O error that names the file.</summary>
public static class FileBytes
{
    /// <param name="what">What the file is, for the message ("model", "image file"); null for a plain "cannot read".</param>
    public static byte[] Read(string path, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // Spelled out here, the same in every build: a NativeAOT build with UseSystemResourceKeys would get resource keys.
            string why = e switch
            {
                FileNotFoundException => "file not found",
                DirectoryNotFoundException => "directory not found",
                UnauthorizedAccessException => "access denied",
                _ => e.Message,
            };
            throw new CnnrtException(ErrorKind.Io, $"{path}: cannot read{(what is null ? "" : " " + what)}: {why}", e);
        }
    }
}
