namespace Cnnrt.Kernels.Reference;

/// <summary>BatchNormalization in inference mode, from the ONNX definition.</summary>
public static class BatchNormReference
{
    /// <summary>
    /// Y = (X − mean[c]) / sqrt(var[c] + ε) · scale[c] + B[c] for X laid out [batch, channels, planeSize].
    /// </summary>
    public static void BatchNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y, int batch, int channels, int planeSize, float epsilon)
    {
        for (int n = 0; n < batch; n++)
        for (int c = 0; c < channels; c++)
        {
            float mu = mean[c], sd = MathF.Sqrt(variance[c] + epsilon), s = scale[c], b = bias[c];
            int o = (n * channels + c) * planeSize;
            for (int i = o; i < o + planeSize; i++) y[i] = (x[i] - mu) / sd * s + b;
        }
    }
}
