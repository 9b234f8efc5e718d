using System.Text.Json;
using Cnnrt.Kernels;
using Cnnrt.Tensors;

namespace Cnnrt.Cli;

/// <summary>What every command shares: error reporting, shape parsing, the shipped model, JSON output.</summary>
internal static class CliSupport
{
    /// <summary>Runs a command body; a CnnrtException becomes one line on stderr and a non-zero exit status.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CnnrtException e)
        {
            Console.Error.WriteLine($"cnnrt: error: {e.Message}");
            return e.Kind switch
            {
                ErrorKind.InvalidArgument => 2,
                ErrorKind.Io => 3,
                ErrorKind.InvalidModel => 4,
                ErrorKind.Unsupported => 5,
                ErrorKind.LimitExceeded => 6,
                ErrorKind.InvalidData => 7,
                _ => 1,
            };
        }
    }

    /// <summary>"1x3x224x224" → [1, 3, 224, 224].</summary>
    public static int[] ParseShape(string text)
    {
        var parts = text.Split('x', ',');
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], out shape[i]) || shape[i] <= 0)
                throw CnnrtException.Argument($"input shape '{text}': '{parts[i]}' is not a positive integer (expected e.g. 1x3x224x224)");
        return shape;
    }

    /// <summary>The Fashion-MNIST model shipped in the repository and copied beside the command.</summary>
    public static string ShippedModelPath()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "models", "fashion_cnn.onnx");
        if (File.Exists(beside)) return beside;
        // Running from a source checkout without the copied file: look up the tree for models/.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string p = Path.Combine(dir.FullName, "models", "fashion-mnist", "fashion_cnn.onnx");
            if (File.Exists(p)) return p;
        }
        throw new CnnrtException(ErrorKind.Io, $"the shipped model is missing (looked for {beside}); pass --model");
    }

    public static Model LoadModel(string path)
    {
        if (!File.Exists(path)) throw new CnnrtException(ErrorKind.Io, $"{path}: no such model file");
        return Model.Load(path);
    }

    /// <summary>Session for explicit shapes (one per input) or the model's defaults.</summary>
    public static Session CreateSession(Model model, string[]? shapes, int threads = 0, KernelIsa? isa = null)
    {
        IReadOnlyList<int[]>? parsed = null;
        if (shapes is { Length: > 0 })
        {
            if (shapes.Length != model.Inputs.Count)
                throw CnnrtException.Argument($"the model has {model.Inputs.Count} inputs; {shapes.Length} --input-shape values were given");
            parsed = shapes.Select(ParseShape).ToList();
        }
        return new Session(model, new SessionOptions { InputShapes = parsed, Threads = threads, Isa = isa });
    }

    /// <summary>"avx2" → KernelIsa.Avx2; null stays null (the widest path).</summary>
    public static KernelIsa? ParseIsa(string? name)
    {
        if (name is null) return null;
        foreach (var isa in Enum.GetValues<KernelIsa>())
            if (string.Equals(CpuFeatures.Name(isa), name, StringComparison.OrdinalIgnoreCase)) return isa;
        throw CnnrtException.Argument($"--isa '{name}': expected one of {string.Join(", ", Enum.GetValues<KernelIsa>().Select(CpuFeatures.Name))}");
    }

    public static Utf8JsonWriter JsonOut() => new(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });

    public static string Shape(ReadOnlySpan<int> s) => s.Length == 0 ? "scalar" : string.Join("x", s.ToArray());

    public static void WriteShape(Utf8JsonWriter w, string name, ReadOnlySpan<int> shape)
    {
        w.WriteStartArray(name);
        foreach (int d in shape) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var p = new float[logits.Length];
        float max = float.NegativeInfinity;
        foreach (float v in logits) max = MathF.Max(max, v);
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = MathF.Exp(logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] = (float)(p[i] / sum);
        return p;
    }
}
