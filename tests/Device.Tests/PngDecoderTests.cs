using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

public class PngDecoderTests
{
    /// <summary>Every colour type with every bit depth the spec allows for it.</summary>
    public static TheoryData<int, int> AllFormats()
    {
        var d = new TheoryData<int, int>();
        foreach (int depth in new[] { 1, 2, 4, 8, 16 }) d.Add(0, depth);
        foreach (int depth in new[] { 8, 16 }) d.Add(2, depth);
        foreach (int depth in new[] { 1, 2, 4, 8 }) d.Add(3, depth);
        foreach (int depth in new[] { 8, 16 }) d.Add(4, depth);
        foreach (int depth in new[] { 8, 16 }) d.Add(6, depth);
        return d;
    }

    private static void RoundTrip(int width, int height, int colorType, int depth, int filter, bool interlace, int seed,
        int idatChunkSize = 0)
    {
        int entries = colorType == 3 ? Math.Min(1 << depth, 200) : 0;
        byte[]? palette = colorType == 3 ? PngBuilder.RandomPalette(entries, seed + 1) : null;
        ushort[] samples = PngBuilder.RandomSamples(width, height, depth, colorType, seed, entries);
        byte[] png = PngBuilder.Encode(width, height, depth, colorType, samples, palette, filter, interlace, idatChunkSize);

        Image8 img = PngDecoder.Decode(png, "test.png");

        Assert.Equal(width, img.Width);
        Assert.Equal(height, img.Height);
        Assert.Equal(colorType is 0 or 4 ? 1 : 3, img.Channels);
        Assert.Equal(PngBuilder.Expected(width, height, depth, colorType, samples, palette), img.Pixels);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Decodes_every_color_type_and_bit_depth(int colorType, int depth)
    {
        // 13 wide so packed rows of 1/2/4-bit samples end in a partial byte; mixed filters row by row
        RoundTrip(13, 11, colorType, depth, filter: -1, interlace: false, seed: colorType * 100 + depth);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Decodes_every_color_type_and_bit_depth_interlaced(int colorType, int depth)
    {
        RoundTrip(13, 11, colorType, depth, filter: -1, interlace: true, seed: colorType * 100 + depth + 7);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Decodes_each_filter_type(int filter)
    {
        // bpp 1 (packed and 8-bit gray), 3 (RGB8), 8 (RGBA16): the filters' left neighbour distance differs
        RoundTrip(17, 9, 0, 2, filter, false, 1);
        RoundTrip(17, 9, 0, 8, filter, false, 2);
        RoundTrip(17, 9, 2, 8, filter, false, 3);
        RoundTrip(17, 9, 6, 16, filter, false, 4);
        RoundTrip(17, 9, 3, 4, filter, false, 5);
        RoundTrip(17, 9, 2, 8, filter, true, 6);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 5)]
    [InlineData(3, 3)]
    [InlineData(5, 2)]
    [InlineData(8, 8)]
    [InlineData(9, 9)]
    [InlineData(33, 17)]
    public void Adam7_handles_sizes_with_empty_passes(int width, int height)
    {
        RoundTrip(width, height, 2, 8, -1, true, width * 31 + height);
        RoundTrip(width, height, 0, 1, -1, true, width * 37 + height);
        RoundTrip(width, height, 3, 2, -1, true, width * 41 + height);
    }

    [Fact]
    public void Adam7_places_each_pass_pixel_where_the_pass_table_says()
    {
        // Each pixel's value is its pass number (1..7): an 8x8 block must show the Adam7 pattern.
        int[,] pattern =
        {
            { 1, 6, 4, 6, 2, 6, 4, 6 },
            { 7, 7, 7, 7, 7, 7, 7, 7 },
            { 5, 6, 5, 6, 5, 6, 5, 6 },
            { 7, 7, 7, 7, 7, 7, 7, 7 },
            { 3, 6, 4, 6, 3, 6, 4, 6 },
            { 7, 7, 7, 7, 7, 7, 7, 7 },
            { 5, 6, 5, 6, 5, 6, 5, 6 },
            { 7, 7, 7, 7, 7, 7, 7, 7 },
        };
        var samples = new ushort[64];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++) samples[y * 8 + x] = (ushort)pattern[y, x];
        // encode pass by pass with the builder, then check that the raw stream holds the passes in order 1..7
        byte[] raw = PngBuilder.RawScanlines(8, 8, 8, 0, samples, 0, interlace: true);
        // pass sizes in an 8x8 image: 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4 pixels
        int[] counts = [1, 1, 2, 4, 8, 16, 32];
        int[] expectPassOrder = counts.SelectMany((n, p) => Enumerable.Repeat(p + 1, n)).ToArray();
        var seen = raw.Select(b => (int)b).Where(b => b != 0).ToArray(); // drops the filter bytes (all 0)
        Assert.Equal(expectPassOrder, seen);

        byte[] png = PngBuilder.Encode(8, 8, 8, 0, samples, null, 0, interlace: true);
        Image8 img = PngDecoder.Decode(png);
        Assert.Equal(samples.Select(s => (byte)s).ToArray(), img.Pixels);
    }

    [Fact]
    public void Zlib_stream_split_over_many_IDAT_chunks()
    {
        RoundTrip(21, 14, 2, 8, -1, false, 9, idatChunkSize: 1);
        RoundTrip(21, 14, 6, 16, -1, true, 10, idatChunkSize: 7);
    }

    [Fact]
    public void Ancillary_chunks_are_ignored()
    {
        var samples = PngBuilder.RandomSamples(4, 3, 8, 2, 11);
        byte[] plain = PngBuilder.Encode(4, 3, 8, 2, samples);
        int idat = PngBuilder.ChunkOffset(plain, "IDAT");
        byte[] png =
        [
            .. plain.AsSpan(0, idat),
            .. PngBuilder.Chunk("tEXt", "Comment\0hello"u8),
            .. PngBuilder.Chunk("gAMA", [0, 0, 0xB1, 0x8F]),
            .. plain.AsSpan(idat),
            .. "trailing garbage after IEND"u8,
        ];
        Assert.Equal(PngBuilder.Expected(4, 3, 8, 2, samples, null), PngDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Low_bit_gray_scales_to_full_range()
    {
        ushort[] s2 = [0, 1, 2, 3];
        Assert.Equal(new byte[] { 0, 85, 170, 255 }, PngDecoder.Decode(PngBuilder.Encode(4, 1, 2, 0, s2)).Pixels);
        ushort[] s4 = [0, 1, 7, 15];
        Assert.Equal(new byte[] { 0, 17, 119, 255 }, PngDecoder.Decode(PngBuilder.Encode(4, 1, 4, 0, s4)).Pixels);
        ushort[] s1 = [0, 1, 1, 0, 1];
        Assert.Equal(new byte[] { 0, 255, 255, 0, 255 }, PngDecoder.Decode(PngBuilder.Encode(5, 1, 1, 0, s1)).Pixels);
        ushort[] s16 = [0x0000, 0x00FF, 0x0100, 0xABCD, 0xFFFF];
        Assert.Equal(new byte[] { 0, 0, 1, 0xAB, 0xFF }, PngDecoder.Decode(PngBuilder.Encode(5, 1, 16, 0, s16)).Pixels);
    }

    [Fact]
    public void Crc32_matches_known_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
        // the IEND chunk's CRC every PNG ends with
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }
}
