using Cnnrt.Device.Images;
using Cnnrt.Device.Preprocess;

namespace Cnnrt.Device.Tests;

public class ImagePreprocessorTests
{
    private static Image8 RandomImage(int w, int h, int c, int seed)
    {
        var px = new byte[w * h * c];
        new Random(seed).NextBytes(px);
        return new Image8(w, h, c, px);
    }

    [Fact]
    public void Gray_28x28_mnist_normalisation_is_exact()
    {
        var img = RandomImage(28, 28, 1, 1);
        img.Pixels[0] = 0;
        img.Pixels[1] = 255;
        var pre = new ImagePreprocessor(1, 28, 28, 1f / 255f, [0.1307f], [0.3081f]);
        Assert.Equal(new[] { 1, 1, 28, 28 }, pre.OutputShape);

        var t = pre.ToTensor(img);
        Assert.Equal(new[] { 1, 1, 28, 28 }, t.Shape);
        float[] v = t.Floats;
        for (int i = 0; i < 28 * 28; i++)
            Assert.Equal((img.Pixels[i] * (1f / 255f) - 0.1307f) / 0.3081f, v[i]);
        Assert.Equal(-0.4242128, v[0], tolerance: 1e-5);
        Assert.Equal(2.8214867, v[1], tolerance: 1e-5);
    }

    [Fact]
    public void Rgb_planes_are_nchw_with_per_channel_mean_std()
    {
        var img = RandomImage(5, 4, 3, 2);
        var pre = ImagePreprocessor.ImageNet(4, 5);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        float[] v = pre.Run(img);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 5; x++)
                    Assert.Equal((img[x, y, c] * (1f / 255f) - mean[c]) / std[c], v[c * 20 + y * 5 + x]);
    }

    [Fact]
    public void Rgb_to_gray_uses_bt601_luma()
    {
        var img = new Image8(4, 1, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
        float[] v = new ImagePreprocessor(1, 1, 4, scale: 1f).Run(img);
        Assert.Equal(0.299 * 255, v[0], tolerance: 1e-3);
        Assert.Equal(0.587 * 255, v[1], tolerance: 1e-3);
        Assert.Equal(0.114 * 255, v[2], tolerance: 1e-3);
        Assert.Equal(0.299 * 10 + 0.587 * 20 + 0.114 * 30, v[3], tolerance: 1e-3);
    }

    [Fact]
    public void Gray_to_rgb_replicates_then_normalises_per_channel()
    {
        var img = new Image8(2, 1, 1, [0, 200]);
        float[] v = new ImagePreprocessor(3, 1, 2, 1f, [0f, 100f, 200f], [1f, 2f, 4f]).Run(img);
        Assert.Equal(new float[] { 0, 200, -50, 50, -50, 0 }, v);
    }

    [Fact]
    public void Single_mean_and_std_apply_to_all_channels()
    {
        var img = new Image8(1, 1, 3, [10, 20, 30]);
        float[] v = new ImagePreprocessor(3, 1, 1, 1f, [10f], [2f]).Run(img);
        Assert.Equal(new float[] { 0, 5, 10 }, v);
    }

    [Fact]
    public void Resize_2x2_to_4x4_half_pixel_bilinear()
    {
        var img = new Image8(2, 2, 1, [0, 100, 200, 40]);
        float[] v = new ImagePreprocessor(1, 4, 4, 1f).Run(img);
        // source coordinate per output index: (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
        float[] expected =
        [
            0f, 25f, 75f, 100f,
            50f, 58.75f, 76.25f, 85f,
            150f, 126.25f, 78.75f, 55f,
            200f, 160f, 80f, 40f,
        ];
        for (int i = 0; i < 16; i++) Assert.Equal(expected[i], v[i], tolerance: 1e-4);
    }

    [Fact]
    public void Resize_4x4_to_2x2_averages_blocks()
    {
        // ratio 2: source coordinates 0.5 and 2.5, each the centre of a 2x2 block
        var img = new Image8(4, 4, 1, [
            0, 10, 20, 30,
            40, 50, 60, 70,
            80, 90, 100, 110,
            120, 130, 140, 150,
        ]);
        float[] v = new ImagePreprocessor(1, 2, 2, 1f).Run(img);
        Assert.Equal(new float[] { 25, 45, 105, 125 }, v);
    }

    [Theory]
    [InlineData(7, 5, 3, 11, 3)]
    [InlineData(13, 9, 5, 4, 3)]
    [InlineData(10, 10, 224, 224, 1)]
    [InlineData(1, 1, 3, 3, 3)]
    public void Resize_matches_a_double_precision_reference(int sw, int sh, int dw, int dh, int channels)
    {
        var img = RandomImage(sw, sh, channels, sw * 100 + dw);
        float[] v = new ImagePreprocessor(channels, dh, dw, 1f).Run(img);
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < dh; y++)
                for (int x = 0; x < dw; x++)
                {
                    var (y0, y1, fy) = Source(y, sh, dh);
                    var (x0, x1, fx) = Source(x, sw, dw);
                    double r = (1 - fy) * ((1 - fx) * img[x0, y0, c] + fx * img[x1, y0, c])
                             + fy * ((1 - fx) * img[x0, y1, c] + fx * img[x1, y1, c]);
                    Assert.Equal(r, v[c * dh * dw + y * dw + x], tolerance: 1e-3);
                }
    }

    /// <summary>PyTorch's area_pixel_compute_source_index for align_corners=False, and its neighbour choice.</summary>
    private static (int I0, int I1, double F) Source(int d, int src, int dst)
    {
        double s = Math.Max((d + 0.5) * src / dst - 0.5, 0);
        int i0 = (int)s;
        int i1 = i0 < src - 1 ? i0 + 1 : i0;
        return (i0, i1, s - i0);
    }

    [Fact]
    public void Identity_size_is_an_exact_copy()
    {
        var img = RandomImage(17, 13, 3, 9);
        float[] v = new ImagePreprocessor(3, 13, 17, 1f).Run(img);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 13; y++)
                for (int x = 0; x < 17; x++)
                    Assert.Equal(img[x, y, c], v[c * 13 * 17 + y * 17 + x]);
    }

    [Fact]
    public void Run_allocates_nothing_for_target_size_or_a_cached_resize_plan()
    {
        var same = RandomImage(32, 24, 3, 1);
        var other = RandomImage(50, 40, 3, 2);
        var pre = new ImagePreprocessor(3, 24, 32, 1f / 255f, [0.5f], [0.25f]);
        var dst = new float[pre.OutputLength];
        pre.Run(same, dst);
        pre.Run(other, dst); // builds the plan for 50x40
        pre.Run(same, dst);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            pre.Run(same, dst);
            pre.Run(other, dst);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Errors_are_clear()
    {
        var img = RandomImage(4, 4, 3, 1);
        var pre = new ImagePreprocessor(3, 4, 4);

        var e = Assert.Throws<CnnrtException>(() => pre.Run(img, new float[47]));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("47", e.Message);
        Assert.Contains("48", e.Message);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(2, 4, 4));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("2 channels", e.Message);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(3, 4, 4, 1f, null, [1f, 0f, 1f]));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("std[1]", e.Message);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(1, 4, 4, 1f, null, [0f]));
        Assert.Contains("std[0]", e.Message);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(3, 4, 4, 1f, [0.1f, 0.2f]));
        Assert.Contains("mean has 2 values", e.Message);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(3, 0, 4));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);

        e = Assert.Throws<CnnrtException>(() => new ImagePreprocessor(1, 4, 4, float.NaN));
        Assert.Contains("scale", e.Message);
    }

    [Fact]
    public void Image8_validates_its_arguments()
    {
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<CnnrtException>(() => new Image8(2, 2, 3, new byte[11])).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<CnnrtException>(() => new Image8(2, 2, 4, new byte[16])).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, Assert.Throws<CnnrtException>(() => new Image8(0, 2, 1, [])).Kind);
        Assert.Equal(ErrorKind.LimitExceeded, Assert.Throws<CnnrtException>(() => Image8.Create(1 << 14, 1 << 13, 1)).Kind);
    }
}
