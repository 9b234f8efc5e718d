namespace Cnnrt.Tests.Zoo;

/// <summary>
/// The zoo's tolerance: a model reproduces PyTorch's output when max |actual − expected| ≤ 1e-4 · max |expected|.
/// Shared by <see cref="ZooTests"/> and tests/NativeCheck (the same rule on cross-published builds).
/// </summary>
public readonly record struct ZooComparison(double MaxError, int At, double MaxReference)
{
    public const double RelativeTolerance = 1e-4;

    public double Bound => RelativeTolerance * MaxReference;
    public bool Passes => MaxError <= Bound;

    /// <summary>The largest error (a NaN counts as the worst), where it is, and the largest expected magnitude.</summary>
    public static ZooComparison Of(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double maxRef = 0, maxErr = -1;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            double err = Math.Abs((double)actual[i] - expected[i]);
            if (!(err <= maxErr)) { maxErr = err; at = i; }
        }
        return new ZooComparison(maxErr, at, maxRef);
    }
}
