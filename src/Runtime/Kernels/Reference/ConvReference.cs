using Cnnrt.Operators;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Direct convolution, written from the ONNX Conv definition:
/// Y[n, m, o] = B[m] + Σ_c Σ_k X[n, g·C/G + c, o·s − pb + k·d] · W[m, c, k], with g = m / (M/G) and out-of-range
/// input positions reading as zero padding. 1-D and 2-D run as 3-D with unit leading axes.
/// </summary>
public static class ConvReference
{
    /// <param name="x">[batch, inChannels, spatial...]</param>
    /// <param name="w">[outChannels, inChannels/group, kernel...]</param>
    /// <param name="bias">[outChannels], or empty for none.</param>
    /// <param name="y">[batch, outChannels, output spatial...]</param>
    public static void Conv(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y,
        int batch, int inChannels, int outChannels, int group, SpatialParams geometry, FusedActivation activation)
    {
        SpatialAxis ad = geometry.Axis3(0), ah = geometry.Axis3(1), aw = geometry.Axis3(2);
        int inPlane = ad.Input * ah.Input * aw.Input, inRow = aw.Input;
        int outPlane = ad.Output * ah.Output * aw.Output;
        int kPlane = ad.Kernel * ah.Kernel * aw.Kernel, kRow = aw.Kernel;
        int groupIn = inChannels / group, groupOut = outChannels / group;

        for (int n = 0; n < batch; n++)
        for (int m = 0; m < outChannels; m++)
        {
            int g = m / groupOut;
            float b = bias.IsEmpty ? 0f : bias[m];
            int xGroup = (n * inChannels + g * groupIn) * inPlane;
            int wFilter = m * groupIn * kPlane;
            int yPlane = (n * outChannels + m) * outPlane;
            int yi = yPlane;
            for (int od = 0; od < ad.Output; od++)
            {
                ad.Taps(od, 0, ad.Input, out int kd0, out int kd1);
                int id0 = ad.WindowStart(od);
                for (int oh = 0; oh < ah.Output; oh++)
                {
                    ah.Taps(oh, 0, ah.Input, out int kh0, out int kh1);
                    int ih0 = ah.WindowStart(oh);
                    for (int ow = 0; ow < aw.Output; ow++, yi++)
                    {
                        aw.Taps(ow, 0, aw.Input, out int kw0, out int kw1);
                        int iw0 = aw.WindowStart(ow);
                        float sum = 0f;
                        for (int c = 0; c < groupIn; c++)
                        {
                            int xc = xGroup + c * inPlane, wc = wFilter + c * kPlane;
                            for (int kd = kd0; kd < kd1; kd++)
                            {
                                int xd = xc + (id0 + kd * ad.Dilation) * ah.Input * inRow;
                                int wd = wc + kd * ah.Kernel * kRow;
                                for (int kh = kh0; kh < kh1; kh++)
                                {
                                    int xr = xd + (ih0 + kh * ah.Dilation) * inRow + iw0;
                                    int wr = wd + kh * kRow;
                                    for (int kw = kw0; kw < kw1; kw++)
                                        sum += x[xr + kw * aw.Dilation] * w[wr + kw];
                                }
                            }
                        }
                        y[yi] = activation.Apply(sum + b);
                    }
                }
            }
        }
    }
}
