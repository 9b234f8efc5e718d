using System.CommandLine;
using Cnnrt.Io;
using Cnnrt.Tensors;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt eval MODEL --images IDX --labels IDX`: top-1 accuracy on an MNIST-format dataset.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model." };
        var images = new Option<string>("--images") { Description = "IDX image file (gzipped or not), N×H×W bytes.", Required = true };
        var labels = new Option<string>("--labels") { Description = "IDX label file (gzipped or not), N bytes.", Required = true };
        var mean = new Option<float?>("--mean") { Description = "Mean subtracted after scaling to [0,1] (default: model metadata, else 0)." };
        var std = new Option<float?>("--std") { Description = "Std divided by (default: model metadata, else 1)." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N images." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("eval", "Top-1 accuracy on an MNIST-format (IDX) dataset.") { model, images, labels, mean, std, limit, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(model)!, r.GetValue(images)!, r.GetValue(labels)!,
            r.GetValue(mean), r.GetValue(std), r.GetValue(limit), r.GetValue(json))));
        return cmd;
    }

    private static int Execute(string modelPath, string imagesPath, string labelsPath, float? meanArg, float? stdArg, int? limit, bool json)
    {
        var m = CliSupport.LoadModel(modelPath);
        var meta = new ModelMetadata(m.Metadata);
        float mean = meanArg ?? meta.Mean?[0] ?? 0f;
        float std = stdArg ?? meta.Std?[0] ?? 1f;
        if (std == 0) throw CnnrtException.Argument("--std must not be 0");

        var images = Idx.ReadFile(imagesPath);
        var labels = Idx.ReadFile(labelsPath);
        if (images.Rank != 3) throw new CnnrtException(ErrorKind.InvalidData, $"{imagesPath}: expected N×H×W images, got shape {ShapeMath.Format(images.Shape)}");
        if (labels.Rank != 1) throw new CnnrtException(ErrorKind.InvalidData, $"{labelsPath}: expected N labels, got shape {ShapeMath.Format(labels.Shape)}");
        if (labels.Shape[0] != images.Shape[0])
            throw new CnnrtException(ErrorKind.InvalidData, $"{imagesPath} has {images.Shape[0]} images but {labelsPath} has {labels.Shape[0]} labels");
        int n = Math.Min(images.Shape[0], limit ?? int.MaxValue);
        if (n <= 0) throw CnnrtException.Argument($"--limit must be positive, got {limit}");
        int h = images.Shape[1], w = images.Shape[2];

        var session = new Session(m, new SessionOptions { InputShapes = [[1, 1, h, w]] });
        if (session.InputCount != 1) throw CnnrtException.Argument($"eval needs a model with one input; this one has {session.InputCount}");
        var pixels = images.As<byte>();
        var truth = labels.As<byte>();
        // Precomputed so every image is one lookup per pixel: (p·scale − mean)/std, with scale = 1/255 as the notes define.
        var lut = new float[256];
        for (int v = 0; v < 256; v++) lut[v] = (v / 255f - mean) / std;

        int correct = 0;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            var input = session.Input(0);
            var src = pixels.AsSpan(i * h * w, h * w);
            for (int k = 0; k < src.Length; k++) input[k] = lut[src[k]];
            session.Run();
            var logits = session.Output(0);
            int best = 0;
            for (int c = 1; c < logits.Length; c++) if (logits[c] > logits[best]) best = c;
            if (best == truth[i]) correct++;
        }
        double accuracy = (double)correct / n;
        if (json)
        {
            using var jw = CliSupport.JsonOut();
            jw.WriteStartObject();
            jw.WriteString("model", modelPath);
            jw.WriteNumber("images", n);
            jw.WriteNumber("correct", correct);
            jw.WriteNumber("top1", accuracy);
            jw.WriteNumber("mean", mean);
            jw.WriteNumber("std", std);
            jw.WriteNumber("seconds", sw.Elapsed.TotalSeconds);
            jw.WriteEndObject();
        }
        else
        {
            Console.WriteLine($"top-1 accuracy: {accuracy * 100:F2}% ({correct}/{n}) with mean {mean}, std {std}, in {sw.Elapsed.TotalSeconds:F1} s");
        }
        return 0;
    }
}
