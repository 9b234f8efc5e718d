using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Pooling from the ONNX MaxPool/AveragePool/Global*Pool definitions. Each (batch, channel) plane is pooled on its
/// own; 1-D and 2-D run as 3-D with unit leading axes. Padding is never read: MaxPool takes the max over the taps
/// that land in the input, AveragePool divides the sum of those taps by their count, or with
/// count_include_pad by the count of taps inside input plus explicit padding (taps in the ceil_mode overhang
/// past the end padding never count).
/// </summary>
public static class PoolReference
{
    /// <summary>
    /// MaxPool over <paramref name="planes"/> = N·C planes. When <paramref name="indices"/> is not empty it receives
    /// the flattened input index of each maximum (first one on ties): plane·(input plane size) + the spatial offset,
    /// row-major, or column-major (first spatial axis fastest) with <paramref name="columnMajor"/> (storage_order 1).
    /// A window with no tap inside the input yields T.MinValue and index −1.
    /// </summary>
    public static void MaxPool<T>(ReadOnlySpan<T> x, Span<T> y, Span<long> indices, int planes, SpatialParams geometry,
        bool columnMajor) where T : struct, INumber<T>, IMinMaxValue<T>
    {
        SpatialAxis ad = geometry.Axis3(0), ah = geometry.Axis3(1), aw = geometry.Axis3(2);
        int inPlane = ad.Input * ah.Input * aw.Input, outPlane = ad.Output * ah.Output * aw.Output;
        bool wantIndices = !indices.IsEmpty;
        for (int p = 0; p < planes; p++)
        {
            int xBase = p * inPlane, yi = p * outPlane;
            for (int od = 0; od < ad.Output; od++)
            {
                ad.Taps(od, 0, ad.Input, out int kd0, out int kd1);
                for (int oh = 0; oh < ah.Output; oh++)
                {
                    ah.Taps(oh, 0, ah.Input, out int kh0, out int kh1);
                    for (int ow = 0; ow < aw.Output; ow++, yi++)
                    {
                        aw.Taps(ow, 0, aw.Input, out int kw0, out int kw1);
                        T best = T.MinValue;
                        int bd = -1, bh = 0, bw = 0;
                        for (int kd = kd0; kd < kd1; kd++)
                        {
                            int id = ad.WindowStart(od) + kd * ad.Dilation;
                            for (int kh = kh0; kh < kh1; kh++)
                            {
                                int ih = ah.WindowStart(oh) + kh * ah.Dilation;
                                int row = xBase + (id * ah.Input + ih) * aw.Input;
                                for (int kw = kw0; kw < kw1; kw++)
                                {
                                    int iw = aw.WindowStart(ow) + kw * aw.Dilation;
                                    T v = x[row + iw];
                                    if (bd < 0 || v > best) { best = v; bd = id; bh = ih; bw = iw; }
                                }
                            }
                        }
                        y[yi] = best;
                        if (!wantIndices) continue;
                        indices[yi] = bd < 0 ? -1
                            : (long)xBase + (columnMajor
                                ? bd + ad.Input * (bh + (long)ah.Input * bw)
                                : (bd * (long)ah.Input + bh) * aw.Input + bw);
                    }
                }
            }
        }
    }

    /// <summary>AveragePool over <paramref name="planes"/> = N·C planes.</summary>
    public static void AveragePool(ReadOnlySpan<float> x, Span<float> y, int planes, SpatialParams geometry, bool countIncludePad)
    {
        SpatialAxis ad = geometry.Axis3(0), ah = geometry.Axis3(1), aw = geometry.Axis3(2);
        int inPlane = ad.Input * ah.Input * aw.Input, outPlane = ad.Output * ah.Output * aw.Output;
        for (int p = 0; p < planes; p++)
        {
            int xBase = p * inPlane, yi = p * outPlane;
            for (int od = 0; od < ad.Output; od++)
            {
                ad.Taps(od, 0, ad.Input, out int kd0, out int kd1);
                int nd = countIncludePad ? PaddedTaps(ad, od) : kd1 - kd0;
                for (int oh = 0; oh < ah.Output; oh++)
                {
                    ah.Taps(oh, 0, ah.Input, out int kh0, out int kh1);
                    int nh = countIncludePad ? PaddedTaps(ah, oh) : kh1 - kh0;
                    for (int ow = 0; ow < aw.Output; ow++, yi++)
                    {
                        aw.Taps(ow, 0, aw.Input, out int kw0, out int kw1);
                        int nw = countIncludePad ? PaddedTaps(aw, ow) : kw1 - kw0;
                        float sum = 0f;
                        for (int kd = kd0; kd < kd1; kd++)
                        {
                            int id = ad.WindowStart(od) + kd * ad.Dilation;
                            for (int kh = kh0; kh < kh1; kh++)
                            {
                                int ih = ah.WindowStart(oh) + kh * ah.Dilation;
                                int row = xBase + (id * ah.Input + ih) * aw.Input;
                                for (int kw = kw0; kw < kw1; kw++)
                                    sum += x[row + aw.WindowStart(ow) + kw * aw.Dilation];
                            }
                        }
                        y[yi] = sum / (nd * nh * nw);
                    }
                }
            }
        }
    }

    /// <summary>Taps of the window at <paramref name="o"/> inside input plus explicit padding, [−padBegin, n + padEnd).</summary>
    private static int PaddedTaps(in SpatialAxis a, int o)
    {
        a.Taps(o, -a.PadBegin, a.Input + a.PadEnd, out int first, out int end);
        return end - first;
    }

    /// <summary>GlobalAveragePool: the mean of each plane of <paramref name="planeSize"/> elements.</summary>
    public static void GlobalAveragePool(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
    {
        for (int p = 0; p < planes; p++)
        {
            var plane = x.Slice(p * planeSize, planeSize);
            float sum = 0f;
            for (int i = 0; i < plane.Length; i++) sum += plane[i];
            y[p] = sum / planeSize;
        }
    }

    /// <summary>GlobalMaxPool: the max of each plane of <paramref name="planeSize"/> elements.</summary>
    public static void GlobalMaxPool(ReadOnlySpan<float> x, Span<float> y, int planes, int planeSize)
    {
        for (int p = 0; p < planes; p++)
        {
            var plane = x.Slice(p * planeSize, planeSize);
            float best = plane[0];
            for (int i = 1; i < plane.Length; i++) if (plane[i] > best) best = plane[i];
            y[p] = best;
        }
    }
}
