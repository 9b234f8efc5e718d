using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

/// <summary>
/// Files written by other encoders (ffmpeg's PNG/PNM encoders from a 37x23 testsrc frame; libpng's interlaced
/// pngtest.png), each next to the raw pixels ffmpeg decodes it to (cross-checked with Pillow when they were made).
/// </summary>
public class RealFileTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
    private static byte[] Raw(string name) => File.ReadAllBytes(DataPath(name));

    /// <summary>Keeps <paramref name="take"/> of every <paramref name="every"/> bytes, from the start of each group.</summary>
    private static byte[] Keep(byte[] raw, int every, params int[] take) =>
        Enumerable.Range(0, raw.Length / every).SelectMany(p => take.Select(t => raw[p * every + t])).ToArray();

    private static void AssertImage(string png, int w, int h, int c, byte[] expected)
    {
        Image8 img = ImageFile.Load(DataPath(png));
        Assert.Equal((w, h, c), (img.Width, img.Height, img.Channels));
        Assert.Equal(expected, img.Pixels);
    }

    [Fact] public void Rgb24_mixed_filters() => AssertImage("testsrc_rgb24.png", 37, 23, 3, Raw("testsrc_rgb24.rgb"));

    [Fact] public void Gray8_paeth() => AssertImage("testsrc_gray.png", 37, 23, 1, Raw("testsrc_gray.gray"));

    [Fact]
    public void Rgb48_takes_high_bytes() =>
        AssertImage("testsrc_rgb48.png", 37, 23, 3, Keep(Raw("testsrc_rgb48.rgb48be"), 6, 0, 2, 4));

    [Fact] public void Palette_expands_to_rgb() => AssertImage("testsrc_pal8.png", 37, 23, 3, Raw("testsrc_pal8.rgb"));

    [Fact] public void Gray_alpha_drops_alpha() => AssertImage("testsrc_ya8.png", 37, 23, 1, Keep(Raw("testsrc_ya8.ya8"), 2, 0));

    [Fact] public void Rgba_drops_alpha() => AssertImage("testsrc_rgba.png", 37, 23, 3, Keep(Raw("testsrc_rgba.rgba"), 4, 0, 1, 2));

    [Fact] public void Monochrome_1bit() => AssertImage("testsrc_mono.png", 37, 23, 1, Raw("testsrc_mono.gray"));

    [Fact]
    public void Gray16_takes_high_bytes() =>
        AssertImage("testsrc_gray16.png", 37, 23, 1, Keep(Raw("testsrc_gray16.gray16be"), 2, 0));

    [Fact]
    public void Libpng_interlaced_rgba() =>
        AssertImage("pngtest_adam7.png", 91, 69, 3, Keep(Raw("pngtest_adam7.rgba"), 4, 0, 1, 2));

    [Fact] public void Ppm_binary() => AssertImage("testsrc.ppm", 37, 23, 3, Raw("testsrc_ppm.rgb"));

    [Fact]
    public void Pgm_16bit_scales_by_maxval()
    {
        byte[] raw = Raw("testsrc_gray16_pgm.gray16be");
        byte[] expected = Enumerable.Range(0, raw.Length / 2)
            .Select(i => (byte)Math.Round(((raw[2 * i] << 8) | raw[2 * i + 1]) * 255.0 / 65535.0, MidpointRounding.AwayFromZero))
            .ToArray();
        AssertImage("testsrc_gray16.pgm", 37, 23, 1, expected);
    }
}
