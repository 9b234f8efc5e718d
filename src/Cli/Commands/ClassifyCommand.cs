using System.CommandLine;
using Cnnrt.Device.Images;
using Cnnrt.Device.Preprocess;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt classify IMAGE...`: top-K labels per image, with the shipped Fashion-MNIST model by default.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "PNG, PGM or PPM files.", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model", "-m") { Description = "The ONNX model (default: the Fashion-MNIST model shipped with cnnrt)." };
        var top = new Option<int>("--top", "-k") { Description = "How many classes to show.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("classify", "Classify images.") { images, model, top, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(images)!, r.GetValue(model), r.GetValue(top), r.GetValue(json))));
        return cmd;
    }

    private static int Execute(string[] images, string? modelPath, int top, bool json)
    {
        if (top < 1) throw CnnrtException.Argument($"--top must be at least 1, got {top}");
        modelPath ??= CliSupport.ShippedModelPath();
        var model = CliSupport.LoadModel(modelPath);
        var session = new Session(model);
        if (session.InputCount != 1 || session.InputShape(0).Length != 4)
            throw CnnrtException.Argument($"{modelPath}: classify needs a model with one NCHW image input; its inputs are {string.Join(", ", model.Inputs)}");
        var meta = new ModelMetadata(model.Metadata);
        var shape = session.InputShape(0);
        var pre = new ImagePreprocessor(shape[1], shape[2], shape[3], meta.InputScale, meta.Mean, meta.Std);

        using var w = json ? CliSupport.JsonOut() : null;
        w?.WriteStartArray();
        foreach (var path in images)
        {
            var image = ImageFile.Load(path);
            pre.Run(image, session.Input(0));
            var sw = System.Diagnostics.Stopwatch.StartNew();
            session.Run();
            double ms = sw.Elapsed.TotalMilliseconds;
            var probs = CliSupport.Softmax(session.Output(0));
            var best = Enumerable.Range(0, probs.Length).OrderByDescending(i => probs[i]).Take(top).ToArray();
            if (w is not null)
            {
                w.WriteStartObject();
                w.WriteString("image", path);
                w.WriteNumber("ms", ms);
                w.WriteStartArray("top");
                foreach (int c in best)
                {
                    w.WriteStartObject();
                    w.WriteNumber("class", c);
                    w.WriteString("label", meta.Label(c));
                    w.WriteNumber("probability", probs[c]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                Console.WriteLine($"{path}: {string.Join(", ", best.Select(c => $"{meta.Label(c)} {probs[c] * 100:F1}%"))}  ({ms:F2} ms)");
            }
        }
        w?.WriteEndArray();
        return 0;
    }
}
