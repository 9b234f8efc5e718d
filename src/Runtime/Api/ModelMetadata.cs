using System.Globalization;

namespace Cnnrt;

/// <summary>
/// The conventions cnnrt reads from an ONNX model's metadata_props: class labels and input normalization.
/// Keys: labels (comma-separated, class order), mean and std (one value, or comma-separated per channel),
/// input_scale (what a raw 8-bit pixel is multiplied by before normalization; default 1/255).
/// </summary>
public sealed class ModelMetadata
{
    public ModelMetadata(IReadOnlyDictionary<string, string> props)
    {
        Labels = props.TryGetValue("labels", out var l) ? l.Split(',').Select(s => s.Trim()).ToArray() : [];
        Mean = Floats(props, "mean");
        Std = Floats(props, "std");
        InputScale = props.TryGetValue("input_scale", out var s) && float.TryParse(s, CultureInfo.InvariantCulture, out float v) ? v : 1f / 255f;
    }

    public string[] Labels { get; }
    /// <summary>Per-channel (or single) mean; null when the model does not say.</summary>
    public float[]? Mean { get; }
    public float[]? Std { get; }
    public float InputScale { get; }

    public string Label(int index) => index < Labels.Length ? Labels[index] : $"class {index}";

    private static float[]? Floats(IReadOnlyDictionary<string, string> props, string key)
    {
        if (!props.TryGetValue(key, out var text)) return null;
        var parts = text.Split(',');
        var r = new float[parts.Length];
        for (int i = 0; i < r.Length; i++)
            if (!float.TryParse(parts[i].Trim(), CultureInfo.InvariantCulture, out r[i]))
                throw CnnrtException.Model($"model metadata '{key}' = '{text}': '{parts[i]}' is not a number");
        return r;
    }
}
