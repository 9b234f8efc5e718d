using System.Globalization;
using System.Numerics;

namespace Cnnrt.Kernels.Reference;

/// <summary>
/// Cast, element by element. Numeric conversions are C#'s unchecked casts: floating to integer truncates toward
/// zero (saturating, NaN to 0), wider to narrower integers wrap, to float16 rounds to nearest. To bool is "not zero"
/// (NaN is true); from bool is 1 or 0. Strings use the invariant culture, with ONNX's reserved literals INF, +INF,
/// -INF and NaN (any case) for the special floating values.
/// </summary>
public static class CastReference
{
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> src, Span<TTo> dst)
        where TFrom : INumberBase<TFrom> where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < src.Length; i++) dst[i] = TTo.CreateTruncating(src[i]);
    }

    public static void ToBool<TFrom>(ReadOnlySpan<TFrom> src, Span<bool> dst) where TFrom : INumberBase<TFrom>
    {
        for (int i = 0; i < src.Length; i++) dst[i] = !TFrom.IsZero(src[i]);
    }

    public static void FromBool<TTo>(ReadOnlySpan<bool> src, Span<TTo> dst) where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < src.Length; i++) dst[i] = src[i] ? TTo.One : TTo.Zero;
    }

    /// <summary>Shortest text that parses back to the same value ("0.1", "1E+20", "INF", "-INF", "NaN", "True").</summary>
    public static void Format<TFrom>(ReadOnlySpan<TFrom> src, Span<string> dst)
    {
        for (int i = 0; i < src.Length; i++) dst[i] = Format(src[i]);
    }

    private static string Format<TFrom>(TFrom value) => value switch
    {
        float f when !float.IsFinite(f) => float.IsNaN(f) ? "NaN" : f > 0 ? "INF" : "-INF",
        double d when !double.IsFinite(d) => double.IsNaN(d) ? "NaN" : d > 0 ? "INF" : "-INF",
        Half h when !Half.IsFinite(h) => Half.IsNaN(h) ? "NaN" : h > Half.Zero ? "INF" : "-INF",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    /// <summary>Parses each string; returns the index of the first that is not a number, or -1 when all parse.</summary>
    public static int Parse<TTo>(ReadOnlySpan<string> src, Span<TTo> dst) where TTo : INumberBase<TTo>
    {
        for (int i = 0; i < src.Length; i++)
        {
            if (!TryParse(src[i], out TTo v)) return i;
            dst[i] = v;
        }
        return -1;
    }

    /// <summary>Parses "true"/"false" (any case) or a number (non-zero is true); -1 when all parse, else the bad index.</summary>
    public static int ParseBool(ReadOnlySpan<string> src, Span<bool> dst)
    {
        for (int i = 0; i < src.Length; i++)
        {
            string s = src[i].Trim();
            if (bool.TryParse(s, out bool b)) dst[i] = b;
            else if (TryParse(s, out double d)) dst[i] = d != 0;
            else return i;
        }
        return -1;
    }

    private static bool TryParse<TTo>(string text, out TTo value) where TTo : INumberBase<TTo>
    {
        var s = text.AsSpan().Trim();
        double? special = s.Equals("INF", StringComparison.OrdinalIgnoreCase) || s.Equals("+INF", StringComparison.OrdinalIgnoreCase)
            ? double.PositiveInfinity
            : s.Equals("-INF", StringComparison.OrdinalIgnoreCase) ? double.NegativeInfinity
            : s.Equals("NaN", StringComparison.OrdinalIgnoreCase) ? double.NaN
            : null;
        if (special is double literal)
        {
            value = TTo.CreateTruncating(literal);
            return true;
        }
        if (TTo.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value!)) return true;
        // an integer target given a fractional or exponent literal ("100.5", "1e3"): parse as a number and truncate
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            value = TTo.CreateTruncating(d);
            return true;
        }
        value = TTo.Zero;
        return false;
    }
}
