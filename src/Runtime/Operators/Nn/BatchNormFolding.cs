namespace Cnnrt.Operators.Nn;

/// <summary>Folds an inference-mode BatchNormalization into the convolution (or Gemm with transB) that feeds it.</summary>
public static class BatchNormFolding
{
    /// <summary>
    /// BN(conv(x)) = s·(W⋆x + b − mean) + β with s = scale / sqrt(var + ε) per output channel, i.e. a convolution with
    /// W'[m] = s[m]·W[m] and b' = s·(b − mean) + β. <paramref name="weights"/> is laid out [outChannels, ...] with
    /// <paramref name="outChannels"/> equal-sized filters; <paramref name="convBias"/> may be null (zero). Returns new arrays.
    /// </summary>
    public static (float[] Weights, float[] Bias) FoldIntoConv(float[] weights, float[]? convBias, int outChannels,
        ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon)
    {
        if (outChannels <= 0 || weights.Length % outChannels != 0)
            throw new ArgumentException($"{weights.Length} weights do not split into {outChannels} filters");
        if (convBias is not null && convBias.Length != outChannels || scale.Length != outChannels || bias.Length != outChannels
            || mean.Length != outChannels || variance.Length != outChannels)
            throw new ArgumentException($"batch-norm parameters and bias must each have {outChannels} values");
        int filter = weights.Length / outChannels;
        var w = new float[weights.Length];
        var b = new float[outChannels];
        for (int m = 0; m < outChannels; m++)
        {
            float s = scale[m] / MathF.Sqrt(variance[m] + epsilon);
            for (int i = m * filter; i < (m + 1) * filter; i++) w[i] = weights[i] * s;
            b[m] = ((convBias is null ? 0f : convBias[m]) - mean[m]) * s + bias[m];
        }
        return (w, b);
    }
}
