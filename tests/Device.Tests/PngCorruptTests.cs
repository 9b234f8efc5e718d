using System.Buffers.Binary;
using Cnnrt.Device.Images;

namespace Cnnrt.Device.Tests;

public class PngCorruptTests
{
    private static byte[] SmallPng(bool interlace = false, int colorType = 2, int depth = 8)
    {
        int entries = colorType == 3 ? 1 << depth : 0;
        var samples = PngBuilder.RandomSamples(7, 5, depth, colorType, 42, entries);
        return PngBuilder.Encode(7, 5, depth, colorType, samples, colorType == 3 ? PngBuilder.RandomPalette(entries, 1) : null,
            -1, interlace);
    }

    private static CnnrtException Fails(byte[] png, ErrorKind kind = ErrorKind.InvalidData)
    {
        var e = Assert.Throws<CnnrtException>(() => PngDecoder.Decode(png, "bad.png"));
        Assert.Equal(kind, e.Kind);
        Assert.StartsWith("bad.png: ", e.Message);
        return e;
    }

    [Theory]
    [InlineData("IHDR")]
    [InlineData("IDAT")]
    [InlineData("IEND")]
    public void Flipped_crc_byte_names_chunk_and_offset(string chunk)
    {
        byte[] png = SmallPng();
        int at = PngBuilder.ChunkOffset(png, chunk);
        int len = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
        png[at + 8 + len + 2] ^= 0x10;
        var e = Fails(png);
        Assert.Contains($"chunk {chunk} at offset {at}: CRC mismatch", e.Message);
    }

    [Fact]
    public void Flipped_data_byte_is_a_crc_mismatch()
    {
        byte[] png = SmallPng();
        int at = PngBuilder.ChunkOffset(png, "IDAT");
        png[at + 10] ^= 1;
        Assert.Contains($"chunk IDAT at offset {at}: CRC mismatch", Fails(png).Message);
    }

    [Theory]
    [InlineData(false, 2, 8)]
    [InlineData(true, 6, 16)]
    [InlineData(false, 3, 4)]
    public void Truncation_at_every_offset_is_invalid_data(bool interlace, int colorType, int depth)
    {
        byte[] png = SmallPng(interlace, colorType, depth);
        for (int n = 0; n < png.Length; n++)
        {
            var e = Assert.Throws<CnnrtException>(() => PngDecoder.Decode(png.AsMemory(0, n), "cut.png"));
            Assert.Equal(ErrorKind.InvalidData, e.Kind);
            Assert.StartsWith("cut.png: ", e.Message);
        }
        PngDecoder.Decode(png); // the whole file is fine
    }

    [Fact]
    public void Truncated_chunk_message_gives_offset()
    {
        byte[] png = SmallPng();
        int at = PngBuilder.ChunkOffset(png, "IDAT");
        var e = Fails(png[..(at + 15)]);
        Assert.Contains($"chunk IDAT at offset {at}: truncated", e.Message);
    }

    [Fact]
    public void Random_mutations_with_valid_crcs_throw_only_CnnrtException()
    {
        var rng = new Random(1234);
        byte[][] bases = [SmallPng(), SmallPng(true, 6, 16), SmallPng(false, 3, 2), SmallPng(true, 0, 1)];
        for (int iter = 0; iter < 2000; iter++)
        {
            byte[] png = (byte[])bases[iter % bases.Length].Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++)
            {
                int at = 8 + rng.Next(png.Length - 8);
                png[at] = rng.Next(3) == 0 ? (byte)rng.Next(256) : (byte)(png[at] ^ (1 << rng.Next(8)));
            }
            PngBuilder.FixCrcs(png);
            try
            {
                var img = PngDecoder.Decode(png, "fuzz.png");
                Assert.Equal((long)img.Width * img.Height * img.Channels, img.Pixels.Length);
            }
            catch (CnnrtException e)
            {
                Assert.StartsWith("fuzz.png: ", e.Message);
            }
        }
    }

    [Fact]
    public void Bad_signature()
    {
        byte[] png = SmallPng();
        png[4] = (byte)'\n'; // CRLF → LF damage
        Assert.Contains("bad signature", Fails(png).Message);
    }

    [Theory]
    [InlineData(0u, 5u)]
    [InlineData(5u, 0u)]
    [InlineData(0u, 0u)]
    public void Zero_dimension_is_rejected(uint w, uint h)
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(w, h, 8, 2)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib([0])), PngBuilder.Chunk("IEND", []));
        Assert.Contains($"image size {w}x{h} is invalid", Fails(png).Message);
    }

    [Theory]
    [InlineData(100_000u, 100_000u)]
    [InlineData(0x7FFF_FFFFu, 0x7FFF_FFFFu)]
    [InlineData(8193u, 8192u)]
    public void Huge_declared_size_is_rejected_before_allocating(uint w, uint h)
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(w, h, 16, 6)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(new byte[100])), PngBuilder.Chunk("IEND", []));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(png, ErrorKind.LimitExceeded);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("exceeds the limit", e.Message);
    }

    [Fact]
    public void Size_within_limit_but_far_too_little_data_is_rejected_before_allocating()
    {
        // 8192 x 8192 RGBA16 = 512 MiB of pixels; the 1 KiB of IDAT cannot possibly inflate to that
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(8192, 8192, 16, 6)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(new byte[1000])), PngBuilder.Chunk("IEND", []));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(png);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains("too few", e.Message);
    }

    [Fact]
    public void Missing_IHDR()
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IDAT", PngBuilder.Zlib([0])), PngBuilder.Chunk("IEND", []));
        Assert.Contains("missing IHDR", Fails(png).Message);
        Assert.Contains("missing IHDR", Fails(PngBuilder.File()).Message);
    }

    [Fact]
    public void Missing_IDAT()
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(2, 2, 8, 0)), PngBuilder.Chunk("IEND", []));
        Assert.Contains("missing IDAT", Fails(png).Message);
    }

    [Fact]
    public void Missing_IEND()
    {
        byte[] png = SmallPng();
        Assert.Contains("without an IEND", Fails(png[..^12]).Message);
    }

    [Fact]
    public void Missing_PLTE_for_palette_image()
    {
        var samples = PngBuilder.RandomSamples(3, 3, 8, 3, 1, 4);
        byte[] png = PngBuilder.Encode(3, 3, 8, 3, samples, palette: null);
        Assert.Contains("missing PLTE", Fails(png).Message);
    }

    [Fact]
    public void Palette_index_out_of_range()
    {
        ushort[] samples = [0, 1, 2, 3];
        byte[] png = PngBuilder.Encode(2, 2, 8, 3, samples, PngBuilder.RandomPalette(3, 1));
        Assert.Contains("palette index 3 at pixel (1, 1) is out of range", Fails(png).Message);
    }

    [Theory]
    [InlineData(2, 4)]
    [InlineData(2, 1)]
    [InlineData(3, 16)]
    [InlineData(4, 4)]
    [InlineData(6, 2)]
    [InlineData(0, 3)]
    [InlineData(0, 32)]
    public void Invalid_bit_depth_for_color_type(int colorType, int depth)
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(2, 2, depth, colorType)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(new byte[64])), PngBuilder.Chunk("IEND", []));
        Assert.Contains($"bit depth {depth} is not allowed for colour type {colorType}", Fails(png).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(7)]
    public void Invalid_color_type(int colorType)
    {
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(2, 2, 8, colorType)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(new byte[64])), PngBuilder.Chunk("IEND", []));
        Assert.Contains($"invalid colour type {colorType}", Fails(png).Message);
    }

    [Fact]
    public void Unknown_filter_type_names_the_row()
    {
        var samples = PngBuilder.RandomSamples(4, 6, 8, 0, 3);
        byte[] raw = PngBuilder.RawScanlines(4, 6, 8, 0, samples, 0, false);
        raw[3 * 5] = 5; // the filter byte of the fourth row (rows are 1 + 4 bytes)
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(4, 6, 8, 0)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(raw)), PngBuilder.Chunk("IEND", []));
        Assert.Contains("unknown filter type 5 in row 4 of 6", Fails(png).Message);
    }

    [Fact]
    public void Short_zlib_stream_names_the_missing_row()
    {
        var samples = PngBuilder.RandomSamples(9, 28, 8, 2, 3);
        byte[] raw = PngBuilder.RawScanlines(9, 28, 8, 2, samples, -1, false);
        int rowLen = 1 + 9 * 3;
        // a complete zlib stream that holds only 16 rows and a half
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(9, 28, 8, 2)),
            PngBuilder.Chunk("IDAT", PngBuilder.Zlib(raw[..(16 * rowLen + 10)])), PngBuilder.Chunk("IEND", []));
        Assert.Contains("row 17 of 28 missing", Fails(png).Message);
    }

    [Fact]
    public void Truncated_zlib_stream_inside_well_formed_chunk()
    {
        var samples = PngBuilder.RandomSamples(9, 28, 8, 2, 3);
        byte[] z = PngBuilder.Zlib(PngBuilder.RawScanlines(9, 28, 8, 2, samples, -1, false));
        byte[] expected = PngBuilder.Expected(9, 28, 8, 2, samples, null);
        var decoded = new List<int>();
        for (int cut = 0; cut < z.Length; cut++)
        {
            byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(9, 28, 8, 2)),
                PngBuilder.Chunk("IDAT", z[..cut]), PngBuilder.Chunk("IEND", []));
            try
            {
                // A stream cut inside its Adler-32 trailer (or the final end-of-block code) still yields every row;
                // like libpng, the decoder accepts it, and the pixels must then be right.
                Assert.Equal(expected, PngDecoder.Decode(png, "z.png").Pixels);
                decoded.Add(z.Length - cut);
            }
            catch (CnnrtException e)
            {
                Assert.Equal(ErrorKind.InvalidData, e.Kind);
            }
        }
        Assert.All(decoded, missing => Assert.True(missing <= 5, $"decoded with {missing} bytes of zlib data missing"));
    }

    [Fact]
    public void Corrupt_zlib_data_is_invalid_data()
    {
        byte[] junk = new byte[200];
        new Random(5).NextBytes(junk);
        junk[0] = 0x78; junk[1] = 0x9C; // a valid zlib header, garbage after it
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(8, 8, 8, 2)),
            PngBuilder.Chunk("IDAT", junk), PngBuilder.Chunk("IEND", []));
        Fails(png);

        byte[] noHeader = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(8, 8, 8, 2)),
            PngBuilder.Chunk("IDAT", new byte[64]), PngBuilder.Chunk("IEND", []));
        Fails(noHeader);
    }

    [Fact]
    public void Bad_adler32_is_invalid_data()
    {
        var samples = PngBuilder.RandomSamples(5, 5, 8, 0, 3);
        byte[] z = PngBuilder.Zlib(PngBuilder.RawScanlines(5, 5, 8, 0, samples, 0, false));
        z[^1] ^= 0xFF;
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(5, 5, 8, 0)),
            PngBuilder.Chunk("IDAT", z), PngBuilder.Chunk("IEND", []));
        Fails(png);
    }

    [Fact]
    public void Unknown_critical_chunk_is_unsupported()
    {
        byte[] plain = SmallPng();
        int idat = PngBuilder.ChunkOffset(plain, "IDAT");
        byte[] png = [.. plain.AsSpan(0, idat), .. PngBuilder.Chunk("ZZZZ", [1, 2]), .. plain.AsSpan(idat)];
        Assert.Contains($"chunk ZZZZ at offset {idat}: unknown critical chunk", Fails(png, ErrorKind.Unsupported).Message);
    }

    [Fact]
    public void Non_consecutive_IDAT_chunks()
    {
        var samples = PngBuilder.RandomSamples(6, 6, 8, 2, 3);
        byte[] z = PngBuilder.Zlib(PngBuilder.RawScanlines(6, 6, 8, 2, samples, 0, false));
        byte[] png = PngBuilder.File(PngBuilder.Chunk("IHDR", PngBuilder.IhdrData(6, 6, 8, 2)),
            PngBuilder.Chunk("IDAT", z[..10]), PngBuilder.Chunk("tEXt", "a\0b"u8), PngBuilder.Chunk("IDAT", z[10..]),
            PngBuilder.Chunk("IEND", []));
        Assert.Contains("not consecutive", Fails(png).Message);
    }

    [Fact]
    public void Invalid_chunk_type_and_oversized_length()
    {
        byte[] png = SmallPng();
        int at = PngBuilder.ChunkOffset(png, "IDAT");
        byte[] bad = (byte[])png.Clone();
        bad[at + 5] = (byte)'1';
        Assert.Contains($"chunk at offset {at}: invalid chunk type", Fails(bad).Message);

        bad = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(at), 0xFFFFFFF0u);
        Assert.Contains($"chunk IDAT at offset {at}", Fails(bad).Message);
    }
}
