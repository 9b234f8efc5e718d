namespace Cnnrt.Quantize.Tests;

public sealed class QuantizationParamsTests
{
    [Fact]
    public void Asymmetric_uint8_matches_onnx_quantize_linear_example()
    {
        // ONNX DynamicQuantizeLinear's example: x in [-1, 2] → scale 3/255, zero point round(0 - (-1)/scale) = 85.
        var p = QuantizationParams.Asymmetric(-1f, 2f, signed: false);
        Assert.Equal(3f / 255f, p.Scale, 7);
        Assert.Equal(85, p.ZeroPoint);
        Assert.Equal(0, p.Quantize(-1f));
        Assert.Equal(255, p.Quantize(2f));
        Assert.Equal(85, p.Quantize(0f));
        Assert.Equal(0f, p.Dequantize(p.Quantize(0f))); // zero is exact
    }

    [Fact]
    public void Range_is_widened_to_include_zero()
    {
        var p = QuantizationParams.Asymmetric(2f, 6f);
        Assert.Equal(0f, p.Dequantize(p.Quantize(0f)));
        Assert.Equal(6f / 255f, p.Scale, 7);
        Assert.Equal(-128, p.ZeroPoint);
    }

    [Fact]
    public void Rounding_is_half_to_even_and_saturates()
    {
        var p = new QuantizationParams(1f, 0, -128, 127);
        Assert.Equal(2, p.Quantize(2.5f));
        Assert.Equal(4, p.Quantize(3.5f));
        Assert.Equal(-2, p.Quantize(-2.5f));
        Assert.Equal(127, p.Quantize(1000f));
        Assert.Equal(-128, p.Quantize(-1000f));
    }

    [Fact]
    public void Symmetric_weights_use_zero_point_zero_and_127()
    {
        var p = QuantizationParams.Symmetric(-0.5f, 0.25f);
        Assert.Equal(0, p.ZeroPoint);
        Assert.Equal(0.5f / 127f, p.Scale, 8);
        Assert.Equal(-127, p.Quantize(-0.5f));
        Assert.Equal(64, p.Quantize(0.25f)); // 63.5 rounds to even
    }

    [Fact]
    public void Round_trip_error_is_at_most_half_a_step()
    {
        var rng = new Random(3);
        var x = Enumerable.Range(0, 1000).Select(_ => (float)(rng.NextDouble() * 7 - 3)).ToArray();
        var p = QuantizationParams.Asymmetric(x.Min(), x.Max());
        var q = new sbyte[x.Length];
        var back = new float[x.Length];
        p.Quantize(x, q);
        p.Dequantize(q, back);
        for (int i = 0; i < x.Length; i++) Assert.True(MathF.Abs(back[i] - x[i]) <= p.Scale / 2 + 1e-6f, $"{x[i]} → {back[i]}");
    }

    [Fact]
    public void Bad_ranges_are_rejected()
    {
        Assert.Throws<CnnrtException>(() => QuantizationParams.Asymmetric(1f, -1f));
        Assert.Throws<CnnrtException>(() => QuantizationParams.Asymmetric(float.NaN, 1f));
        Assert.Throws<CnnrtException>(() => QuantizationParams.Symmetric(0f, float.PositiveInfinity));
    }

    [Fact]
    public void Observer_tracks_range_across_batches_and_ignores_nan()
    {
        var o = new MinMaxObserver();
        Assert.False(o.HasRange);
        Assert.Throws<CnnrtException>(() => o.Params());
        o.Observe([0.5f, -2f, float.NaN]);
        o.Observe([3f, 1f]);
        Assert.Equal(-2f, o.Min);
        Assert.Equal(3f, o.Max);
        Assert.Equal(5, o.Count);
        Assert.Equal(5f / 255f, o.Params().Scale, 7);
    }
}
