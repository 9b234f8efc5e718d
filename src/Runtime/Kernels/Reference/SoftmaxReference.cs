namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Softmax and LogSoftmax over the middle dimension of a tensor viewed as [outer, axis, inner] (a single axis for
/// opset 13+; opset &lt; 13's "coerce to 2-D" is inner = 1 with axis = the product of the trailing dimensions).
/// Numerically stable: each row is shifted by its maximum before exponentiating, so large inputs stay finite.
/// </summary>
public static class SoftmaxReference
{
    /// <summary>y = exp(x − max) / Σ exp(x − max) along the axis.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int outer, int axis, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int start = o * axis * inner + j;
                float max = Max(x, start, axis, inner);
                float sum = 0;
                for (int k = 0, p = start; k < axis; k++, p += inner)
                {
                    float e = MathF.Exp(x[p] - max);
                    y[p] = e;
                    sum += e;
                }
                for (int k = 0, p = start; k < axis; k++, p += inner) y[p] /= sum;
            }
    }

    /// <summary>y = (x − max) − log Σ exp(x − max) along the axis.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int outer, int axis, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int start = o * axis * inner + j;
                float max = Max(x, start, axis, inner);
                float sum = 0;
                for (int k = 0, p = start; k < axis; k++, p += inner) sum += MathF.Exp(x[p] - max);
                // (x − max) is exact near the maximum; folding max into the log term would round it at max's scale.
                float logSum = MathF.Log(sum);
                for (int k = 0, p = start; k < axis; k++, p += inner) y[p] = x[p] - max - logSum;
            }
    }

    private static float Max(ReadOnlySpan<float> x, int start, int count, int stride)
    {
        float max = float.NegativeInfinity;
        for (int k = 0, p = start; k < count; k++, p += stride) max = MathF.Max(max, x[p]);
        return max;
    }
}
