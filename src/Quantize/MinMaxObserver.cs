namespace Cnnrt.Quantize;

/// <summary>
/// Tracks the range of one tensor over calibration runs: the running minimum and maximum of every value seen.
/// NaN values are ignored (they carry no range); the observer has a range once it has seen one finite value.
/// </summary>
public sealed class MinMaxObserver
{
    public float Min { get; private set; } = float.PositiveInfinity;
    public float Max { get; private set; } = float.NegativeInfinity;
    public long Count { get; private set; }

    public bool HasRange => Min <= Max;

    public void Observe(ReadOnlySpan<float> values)
    {
        float min = Min, max = Max;
        foreach (float v in values)
        {
            if (float.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        Min = min;
        Max = max;
        Count += values.Length;
    }

    /// <summary>Activation parameters for the observed range.</summary>
    public QuantizationParams Params(bool signed = true) => HasRange
        ? QuantizationParams.Asymmetric(Min, Max, signed)
        : throw CnnrtException.Argument("the observer has seen no values; run calibration images first");
}
