using System.Runtime.CompilerServices;
using Cnnrt.Device.Images;
using Cnnrt.Tensors;

namespace Cnnrt.Device.Preprocess;

/// <summary>
/// Turns an <see cref="Image8"/> into a model input: a float tensor of shape [1, C, H, W] (NCHW, batch 1).
/// <list type="number">
/// <item>Channel conversion: gray → RGB replicates the gray value; RGB → gray uses ITU-R BT.601 luma
/// 0.299 R + 0.587 G + 0.114 B, computed in float (not rounded to a byte).</item>
/// <item>Bilinear resize when the image size differs from H × W, with half-pixel centres: source coordinate
/// (d + 0.5) · src / dst − 0.5, clamped to the edge — the mapping of OpenCV INTER_LINEAR and PyTorch
/// interpolate(mode="bilinear", align_corners=False), without antialiasing when shrinking. Interpolation happens in
/// float on the 0..255 values, like PyTorch on a float tensor (OpenCV would round back to 8 bits). When the sizes are
/// equal the pixels are copied exactly.</item>
/// <item>Normalisation: value = (pixel · Scale − Mean[c]) / Std[c].</item>
/// </list>
/// <see cref="Run(Image8, Span{float})"/> writes into the caller's span and allocates nothing when the image already
/// has the target size. A resize uses a plan (source index pairs and weights per output row and column) that is built
/// on the first call for a given source size and cached, so later calls with images of that size allocate nothing
/// either. An instance may be shared by threads: the plan is immutable and replaced as a whole.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly float[] _mean;
    private readonly float[] _std;
    private ResizePlan? _plan;

    /// <summary>Channels of the model input: 1 or 3.</summary>
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Multiplies each 0..255 pixel before mean and std apply; usually 1/255.</summary>
    public float Scale { get; }
    /// <summary>Per-channel mean (length <see cref="Channels"/>).</summary>
    public ReadOnlySpan<float> Mean => _mean;
    /// <summary>Per-channel standard deviation (length <see cref="Channels"/>).</summary>
    public ReadOnlySpan<float> Std => _std;

    /// <summary>Floats <see cref="Run(Image8, Span{float})"/> writes: C · H · W.</summary>
    public int OutputLength => Channels * Height * Width;
    /// <summary>[1, C, H, W].</summary>
    public int[] OutputShape => [1, Channels, Height, Width];

    /// <param name="channels">1 (gray) or 3 (RGB).</param>
    /// <param name="height">Model input height.</param>
    /// <param name="width">Model input width.</param>
    /// <param name="scale">Applied to each 0..255 pixel value first; 1/255 maps to 0..1.</param>
    /// <param name="mean">One value for all channels or one per channel; null means 0.</param>
    /// <param name="std">One value for all channels or one per channel; null means 1. No value may be 0.</param>
    public ImagePreprocessor(int channels, int height, int width, float scale = 1f / 255f, float[]? mean = null, float[]? std = null)
    {
        if (channels != 1 && channels != 3)
            throw new CnnrtException(ErrorKind.InvalidArgument,
                $"preprocessing: the model input has {channels} channels; only 1 (gray) or 3 (RGB) are supported");
        if (height <= 0 || width <= 0)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"preprocessing: target size {width}x{height} is not positive");
        if ((long)height * width > Image8.MaxPixels)
            throw new CnnrtException(ErrorKind.LimitExceeded,
                $"preprocessing: target size {width}x{height} exceeds the limit of {Image8.MaxPixels} pixels");
        if (!float.IsFinite(scale))
            throw new CnnrtException(ErrorKind.InvalidArgument, $"preprocessing: scale {scale} is not a finite number");
        Channels = channels;
        Height = height;
        Width = width;
        Scale = scale;
        _mean = PerChannel(mean, 0f, "mean", channels);
        _std = PerChannel(std, 1f, "std", channels);
        for (int c = 0; c < channels; c++)
        {
            if (!float.IsFinite(_mean[c]))
                throw new CnnrtException(ErrorKind.InvalidArgument, $"preprocessing: mean[{c}] = {_mean[c]} is not a finite number");
            if (_std[c] == 0f || !float.IsFinite(_std[c]))
                throw new CnnrtException(ErrorKind.InvalidArgument,
                    $"preprocessing: std[{c}] = {_std[c]}; every std must be a finite number other than 0");
        }
    }

    /// <summary>RGB input with the ImageNet statistics torchvision models use: scale 1/255, mean (0.485, 0.456, 0.406),
    /// std (0.229, 0.224, 0.225).</summary>
    public static ImagePreprocessor ImageNet(int height = 224, int width = 224) =>
        new(3, height, width, 1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    private static float[] PerChannel(float[]? values, float fallback, string what, int channels)
    {
        if (values is null || values.Length == 0) return Enumerable.Repeat(fallback, channels).ToArray();
        if (values.Length == 1) return Enumerable.Repeat(values[0], channels).ToArray();
        if (values.Length != channels)
            throw new CnnrtException(ErrorKind.InvalidArgument,
                $"preprocessing: {what} has {values.Length} values; give 1 or one per channel ({channels})");
        return (float[])values.Clone();
    }

    /// <summary>Writes the model input for <paramref name="image"/> into <paramref name="destination"/>, which must hold
    /// exactly <see cref="OutputLength"/> floats, laid out as [1, C, H, W].</summary>
    public void Run(Image8 image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length != OutputLength)
            throw new CnnrtException(ErrorKind.InvalidArgument,
                $"preprocessing: the destination holds {destination.Length} floats but the input [1, {Channels}, {Height}, {Width}] needs {OutputLength}");
        if (image.Channels != 1 && image.Channels != 3)
            throw new CnnrtException(ErrorKind.InvalidArgument, $"preprocessing: the image has {image.Channels} channels");

        if (image.Width == Width && image.Height == Height) Copy(image, destination);
        else Resize(image, destination, PlanFor(image.Width, image.Height));
    }

    /// <summary>A new array holding the model input for <paramref name="image"/>.</summary>
    public float[] Run(Image8 image)
    {
        var result = new float[OutputLength];
        Run(image, result);
        return result;
    }

    /// <summary>A new float tensor [1, C, H, W] holding the model input for <paramref name="image"/>.</summary>
    public Tensor ToTensor(Image8 image) => Tensor.FromFloats(OutputShape, Run(image));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Luma(byte[] px, int i) => 0.299f * px[i] + 0.587f * px[i + 1] + 0.114f * px[i + 2];

    /// <summary>The source value feeding output channel c at interleaved pixel index i (already × channels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Fetch(byte[] px, int i, int srcChannels, int dstChannels, int c)
    {
        if (srcChannels == dstChannels) return px[i + c];
        if (srcChannels == 1) return px[i];      // gray → RGB: replicate
        return Luma(px, i);                        // RGB → gray
    }

    private void Copy(Image8 image, Span<float> dst)
    {
        byte[] px = image.Pixels;
        int sc = image.Channels, hw = Height * Width;
        float scale = Scale;
        for (int c = 0; c < Channels; c++)
        {
            Span<float> plane = dst.Slice(c * hw, hw);
            float m = _mean[c], s = _std[c];
            if (sc == Channels)
            {
                for (int i = 0, j = c; i < hw; i++, j += sc) plane[i] = (px[j] * scale - m) / s;
            }
            else
            {
                for (int i = 0, j = 0; i < hw; i++, j += sc) plane[i] = (Fetch(px, j, sc, Channels, c) * scale - m) / s;
            }
        }
    }

    private void Resize(Image8 image, Span<float> dst, ResizePlan plan)
    {
        byte[] px = image.Pixels;
        int sc = image.Channels, srcStride = image.Width * sc, hw = Height * Width, dc = Channels;
        float scale = Scale;
        AxisPlan xs = plan.X, ys = plan.Y;
        for (int y = 0; y < Height; y++)
        {
            int r0 = ys.I0[y] * srcStride, r1 = ys.I1[y] * srcStride;
            float wy1 = ys.F[y], wy0 = 1f - wy1;
            for (int x = 0; x < Width; x++)
            {
                int c0 = xs.I0[x] * sc, c1 = xs.I1[x] * sc;
                float wx1 = xs.F[x], wx0 = 1f - wx1;
                int o = y * Width + x;
                for (int c = 0; c < dc; c++)
                {
                    float v = wy0 * (wx0 * Fetch(px, r0 + c0, sc, dc, c) + wx1 * Fetch(px, r0 + c1, sc, dc, c))
                            + wy1 * (wx0 * Fetch(px, r1 + c0, sc, dc, c) + wx1 * Fetch(px, r1 + c1, sc, dc, c));
                    dst[c * hw + o] = (v * scale - _mean[c]) / _std[c];
                }
            }
        }
    }

    private ResizePlan PlanFor(int srcWidth, int srcHeight)
    {
        ResizePlan? plan = Volatile.Read(ref _plan);
        if (plan is null || plan.SrcWidth != srcWidth || plan.SrcHeight != srcHeight)
        {
            plan = new ResizePlan(srcWidth, srcHeight, AxisPlan.Build(srcWidth, Width), AxisPlan.Build(srcHeight, Height));
            Volatile.Write(ref _plan, plan);
        }
        return plan;
    }

    private sealed record ResizePlan(int SrcWidth, int SrcHeight, AxisPlan X, AxisPlan Y);

    /// <summary>For each output index along one axis: the two source indices and the weight of the second.</summary>
    private sealed class AxisPlan(int[] i0, int[] i1, float[] f)
    {
        public readonly int[] I0 = i0, I1 = i1;
        public readonly float[] F = f;

        public static AxisPlan Build(int src, int dst)
        {
            var i0 = new int[dst];
            var i1 = new int[dst];
            var f = new float[dst];
            double ratio = (double)src / dst;
            for (int d = 0; d < dst; d++)
            {
                double s = (d + 0.5) * ratio - 0.5;
                if (s < 0) s = 0;
                int a = (int)s;
                if (a >= src - 1)
                {
                    i0[d] = i1[d] = src - 1;
                    f[d] = 0f;
                }
                else
                {
                    i0[d] = a;
                    i1[d] = a + 1;
                    f[d] = (float)(s - a);
                }
            }
            return new AxisPlan(i0, i1, f);
        }
    }
}
