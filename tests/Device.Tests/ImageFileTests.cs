using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

public sealed class ImageFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cnnrt-device-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] data)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public void Picks_decoder_by_magic_bytes_not_extension()
    {
        var samples = PngBuilder.RandomSamples(3, 2, 8, 2, 1);
        string png = Write("actually_png.ppm", PngBuilder.Encode(3, 2, 8, 2, samples));
        Assert.Equal(PngBuilder.Expected(3, 2, 8, 2, samples, null), ImageFile.Load(png).Pixels);

        string pgm = Write("actually_pgm.png", [.. "P5 2 1 255\n"u8, 9, 8]);
        var img = ImageFile.Load(pgm);
        Assert.Equal((2, 1, 1), (img.Width, img.Height, img.Channels));
        Assert.Equal(new byte[] { 9, 8 }, img.Pixels);
    }

    [Fact]
    public void Jpeg_is_unsupported_and_says_why()
    {
        string path = Write("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F']);
        var e = Assert.Throws<CnnrtException>(() => ImageFile.Load(path));
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Contains("JPEG", e.Message);
        Assert.Contains("camera", e.Message);
    }

    [Fact]
    public void Unknown_format_names_file_and_first_bytes()
    {
        string path = Write("anim.png", [.. "GIF89a"u8, 1, 0, 1, 0]);
        var e = Assert.Throws<CnnrtException>(() => ImageFile.Load(path));
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Contains(path, e.Message);
        Assert.Contains("47 49 46 38 39 61 01 00", e.Message);
        Assert.Contains("GIF89a", e.Message);
    }

    [Fact]
    public void Empty_file_is_invalid_data()
    {
        var e = Assert.Throws<CnnrtException>(() => ImageFile.Load(Write("empty.png", [])));
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Missing_file_and_directory_are_io_errors()
    {
        string missing = Path.Combine(_dir, "nope.png");
        var e = Assert.Throws<CnnrtException>(() => ImageFile.Load(missing));
        Assert.Equal(ErrorKind.Io, e.Kind);
        Assert.Contains(missing, e.Message);
        Assert.Contains("not found", e.Message);

        e = Assert.Throws<CnnrtException>(() => ImageFile.Load(_dir));
        Assert.Equal(ErrorKind.Io, e.Kind);
    }

    [Fact]
    public void Damaged_png_signature_goes_to_png_decoder()
    {
        var samples = PngBuilder.RandomSamples(3, 2, 8, 2, 1);
        byte[] png = PngBuilder.Encode(3, 2, 8, 2, samples);
        byte[] lf = [.. png.AsSpan(0, 4), (byte)'\n', .. png.AsSpan(6)]; // CRLF turned into LF
        var e = Assert.Throws<CnnrtException>(() => ImageFile.Decode(lf, "x.png"));
        Assert.Contains("bad signature", e.Message);
    }

    [Fact]
    public void Detect_formats()
    {
        Assert.Equal(ImageFormat.Png, ImageFile.Detect(PngBuilder.Signature));
        Assert.Equal(ImageFormat.Pnm, ImageFile.Detect("P1"u8));
        Assert.Equal(ImageFormat.Pnm, ImageFile.Detect("P6\n"u8));
        Assert.Equal(ImageFormat.Unknown, ImageFile.Detect("P7\n"u8));
        Assert.Equal(ImageFormat.Jpeg, ImageFile.Detect([0xFF, 0xD8, 0xFF, 0xDB]));
        Assert.Equal(ImageFormat.Unknown, ImageFile.Detect([]));
    }
}
