namespace Cnnrt.Quantize;

/// <summary>
/// Affine int8 quantization, as ONNX QuantizeLinear defines it: q = saturate(round_half_to_even(x / scale) + zero_point),
/// x ≈ (q − zero_point) · scale. Ranges always include 0 so that zero (padding, ReLU's floor) is exact.
/// </summary>
public readonly record struct QuantizationParams(float Scale, int ZeroPoint, int QMin, int QMax)
{
    /// <summary>Asymmetric uint8 or int8 parameters covering [min, max] (widened to include 0).</summary>
    public static QuantizationParams Asymmetric(float min, float max, bool signed = true)
    {
        CheckRange(min, max);
        int qmin = signed ? sbyte.MinValue : byte.MinValue, qmax = signed ? sbyte.MaxValue : byte.MaxValue;
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        if (max == min) return new QuantizationParams(1f, 0, qmin, qmax); // all zeros: any scale is exact
        float scale = (max - min) / (qmax - qmin);
        int zero = (int)Math.Clamp(MathF.Round(qmin - min / scale, MidpointRounding.ToEven), qmin, qmax);
        return new QuantizationParams(scale, zero, qmin, qmax);
    }

    /// <summary>Symmetric int8 parameters (zero point 0, range ±max|x| mapped to ±127): what weights use.</summary>
    public static QuantizationParams Symmetric(float min, float max)
    {
        CheckRange(min, max);
        float absMax = MathF.Max(MathF.Abs(min), MathF.Abs(max));
        return new QuantizationParams(absMax == 0 ? 1f : absMax / 127f, 0, -127, 127);
    }

    public int Quantize(float x)
    {
        float q = MathF.Round(x / Scale, MidpointRounding.ToEven) + ZeroPoint;
        return (int)Math.Clamp(q, QMin, QMax);
    }

    public float Dequantize(int q) => (q - ZeroPoint) * Scale;

    public void Quantize(ReadOnlySpan<float> x, Span<sbyte> q)
    {
        if (q.Length != x.Length) throw new ArgumentException($"{q.Length} outputs for {x.Length} inputs");
        for (int i = 0; i < x.Length; i++) q[i] = (sbyte)Quantize(x[i]);
    }

    public void Dequantize(ReadOnlySpan<sbyte> q, Span<float> x)
    {
        if (q.Length != x.Length) throw new ArgumentException($"{x.Length} outputs for {q.Length} inputs");
        for (int i = 0; i < q.Length; i++) x[i] = Dequantize(q[i]);
    }

    private static void CheckRange(float min, float max)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw CnnrtException.Argument($"quantization range [{min}, {max}] must be finite with min <= max");
    }
}
