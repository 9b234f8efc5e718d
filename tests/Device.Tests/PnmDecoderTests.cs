using System.Text;
using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

public class PnmDecoderTests
{
    private static byte[] Bytes(string header, params byte[] raster) => [.. Encoding.ASCII.GetBytes(header), .. raster];

    private static Image8 Decode(byte[] data) => PnmDecoder.Decode(data, "test.pnm");

    private static CnnrtException Fails(byte[] data, ErrorKind kind = ErrorKind.InvalidData)
    {
        var e = Assert.Throws<CnnrtException>(() => PnmDecoder.Decode(data, "bad.pnm"));
        Assert.Equal(kind, e.Kind);
        Assert.StartsWith("bad.pnm: ", e.Message);
        return e;
    }

    [Fact]
    public void P2_plain_gray_with_comments_and_maxval_15()
    {
        var img = Decode(Bytes("P2\n# a comment\n3 # width\n2\n# maxval next\n15\n0 1 2\n\t15  7\r\n14\n"));
        Assert.Equal((3, 2, 1), (img.Width, img.Height, img.Channels));
        // round(v * 255 / 15) = v * 17
        Assert.Equal(new byte[] { 0, 17, 34, 255, 119, 238 }, img.Pixels);
    }

    [Fact]
    public void P3_plain_rgb()
    {
        var img = Decode(Bytes("P3 2 1 255\n255 0 10   0 128 255"));
        Assert.Equal((2, 1, 3), (img.Width, img.Height, img.Channels));
        Assert.Equal(new byte[] { 255, 0, 10, 0, 128, 255 }, img.Pixels);
    }

    [Fact]
    public void P3_plain_16bit()
    {
        var img = Decode(Bytes("P3\n1 1\n65535\n65535 32768 257\n"));
        Assert.Equal(new byte[] { 255, 128, 1 }, img.Pixels);
    }

    [Fact]
    public void P5_binary_gray_8bit_with_comment_in_header()
    {
        var img = Decode(Bytes("P5\n#created by hand\n2 2\n255\n", 0, 50, 200, 255));
        Assert.Equal((2, 2, 1), (img.Width, img.Height, img.Channels));
        Assert.Equal(new byte[] { 0, 50, 200, 255 }, img.Pixels);
    }

    [Fact]
    public void P5_binary_raster_may_start_with_whitespace_bytes()
    {
        // exactly one whitespace byte separates header and raster; the raster's own 0x0A / 0x20 are pixels
        var img = Decode(Bytes("P5 3 1 255\n", 0x0A, 0x20, 0x23));
        Assert.Equal(new byte[] { 0x0A, 0x20, 0x23 }, img.Pixels);
    }

    [Fact]
    public void Comment_directly_after_maxval_ends_the_header()
    {
        var img = Decode(Bytes("P5 2 1 255#comment\n", 7, 9));
        Assert.Equal(new byte[] { 7, 9 }, img.Pixels);
    }

    [Fact]
    public void P5_binary_16bit_big_endian()
    {
        var img = Decode(Bytes("P5 3 1 65535\n", 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x80));
        Assert.Equal(new byte[] { 255, 128, 0 }, img.Pixels); // 0x0080 * 255 / 65535 = 0.498 → 0
    }

    [Fact]
    public void P5_maxval_1000_two_byte_samples_scaled()
    {
        var img = Decode(Bytes("P5 3 1 1000\n", 0x03, 0xE8, 0x01, 0xF4, 0x00, 0x02));
        // 1000 → 255, 500 → 127.5 → 128, 2 → 0.51 → 1
        Assert.Equal(new byte[] { 255, 128, 1 }, img.Pixels);
    }

    [Fact]
    public void P6_binary_rgb_8_and_16_bit()
    {
        var img8 = Decode(Bytes("P6\n2 1\n255\n", 1, 2, 3, 4, 5, 6));
        Assert.Equal((2, 1, 3), (img8.Width, img8.Height, img8.Channels));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, img8.Pixels);

        var img16 = Decode(Bytes("P6 1 1 65535\n", 0xFF, 0xFF, 0x00, 0x00, 0x7F, 0xFF));
        Assert.Equal(new byte[] { 255, 0, 127 }, img16.Pixels);
    }

    [Fact]
    public void P6_small_maxval_scales()
    {
        var img = Decode(Bytes("P6 1 1 3\n", 0, 1, 3));
        Assert.Equal(new byte[] { 0, 85, 255 }, img.Pixels);
    }

    [Fact]
    public void P1_plain_bitmap_digits_without_spaces()
    {
        var img = Decode(Bytes("P1\n# bitmap\n5 2\n10110\n0 1 0 0 1\n"));
        Assert.Equal((5, 2, 1), (img.Width, img.Height, img.Channels));
        Assert.Equal(new byte[] { 0, 255, 0, 0, 255, 255, 0, 255, 255, 0 }, img.Pixels);
    }

    [Fact]
    public void P4_raw_bitmap_rows_padded_to_bytes()
    {
        var img = Decode(Bytes("P4 10 2\n", 0b1010_0000, 0b0100_0000, 0xFF, 0b1100_0000));
        Assert.Equal(new byte[]
        {
            0, 255, 0, 255, 255, 255, 255, 255, 255, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        }, img.Pixels);
    }

    [Fact]
    public void Truncated_binary_raster()
    {
        Assert.Contains("raster truncated", Fails(Bytes("P6 2 2 255\n", new byte[11])).Message);
        Assert.Contains("raster truncated", Fails(Bytes("P5 2 2 65535\n", new byte[7])).Message);
        Assert.Contains("raster truncated", Fails(Bytes("P4 9 2\n", new byte[3])).Message);
    }

    [Fact]
    public void Truncated_plain_raster()
    {
        Assert.Contains("raster truncated", Fails(Bytes("P2 3 3 255\n1 2 3 4 5 6 7 8 ")).Message);
        Assert.Contains("raster truncated", Fails(Bytes("P3 2 1 255\n1 2 3 4 5")).Message);
    }

    [Fact]
    public void Truncation_at_every_offset_is_invalid_data()
    {
        byte[][] files =
        [
            Bytes("P6\n# c\n3 2\n65535\n", Enumerable.Range(0, 36).Select(i => (byte)i).ToArray()),
            Bytes("P2\n3 2\n# c\n9\n1 2 3\n4 5 6\n"),
            Bytes("P1 4 2 0101 1010"),
        ];
        foreach (byte[] f in files)
        {
            Decode(f);
            // a plain file cut right after its last digit is still complete; stop before that
            int end = f[1] <= (byte)'3' ? f.Length - 1 : f.Length;
            for (int n = 0; n < end; n++)
            {
                var e = Assert.Throws<CnnrtException>(() => PnmDecoder.Decode(f.AsSpan(0, n), "cut.pnm"));
                Assert.Equal(ErrorKind.InvalidData, e.Kind);
            }
        }
    }

    [Fact]
    public void Sample_above_maxval()
    {
        Assert.Contains("sample value 16 at pixel (1, 0) exceeds maxval 15", Fails(Bytes("P2 2 1 15\n3 16\n")).Message);
        Assert.Contains("exceeds maxval 100", Fails(Bytes("P5 2 1 100\n", 5, 101)).Message);
        Assert.Contains("exceeds maxval 1000", Fails(Bytes("P5 1 1 1000\n", 0x03, 0xE9)).Message);
    }

    [Theory]
    [InlineData("P5 2 2 0\n")]
    [InlineData("P5 2 2 65536\n")]
    [InlineData("P5 2 2 99999999999999\n")]
    public void Maxval_out_of_range(string header)
    {
        var e = Fails(Bytes(header, new byte[16]));
        Assert.True(e.Message.Contains("maxval") , e.Message);
    }

    [Theory]
    [InlineData("P5 0 2 255\n")]
    [InlineData("P6 3 0 255\n")]
    public void Zero_dimension(string header) => Assert.Contains("is invalid", Fails(Bytes(header, new byte[16])).Message);

    [Fact]
    public void Huge_dimension_is_limit_exceeded_before_allocating()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fails(Bytes("P6 100000 100000 255\n", 1, 2, 3), ErrorKind.LimitExceeded);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        // within the pixel limit, but the file is far too short: caught before allocating the image
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("raster truncated", Fails(Bytes("P2 8000 8000 255\n1 2 3\n")).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Theory]
    [InlineData("P5", "header truncated")]
    [InlineData("P5 2", "header truncated")]
    [InlineData("P5 x 2 255\n", "expected the width")]
    [InlineData("P5 2x 2 255\n", "unexpected 'x' after the width")]
    [InlineData("P52 2 255\n", "expected whitespace after the magic number")]
    [InlineData("P5 2 1 255", "raster is missing")]
    [InlineData("P2 2 1 255\n1 x", "expected a sample value")]
    [InlineData("P1 2 1\n1 2", "expected '0' or '1'")]
    public void Malformed_header_or_raster(string text, string message) =>
        Assert.Contains(message, Fails(Bytes(text)).Message);

    [Fact]
    public void Width_too_large_for_int() =>
        Assert.Contains("width is too large", Fails(Bytes("P5 99999999999 1 255\n")).Message);
}
