using Cnnrt.Io;

namespace Cnnrt.Tests.Models;

/// <summary>The shipped model reproduces PyTorch's logits on 64 test images (saved by models/fashion-mnist/train.py).</summary>
public sealed class ShippedModelTests
{
    private static string ModelDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Runtime.sln"))) return Path.Combine(d.FullName, "models", "fashion-mnist");
        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Logits_match_pytorch_on_reference_images()
    {
        string dir = ModelDir();
        var images = Npy.ReadFile(Path.Combine(dir, "reference_images.npy")); // written by numpy
        var logits = Npy.ReadFile(Path.Combine(dir, "reference_logits.npy"));
        Assert.Equal([64, 1, 28, 28], images.Shape);
        Assert.Equal([64, 10], logits.Shape);

        // The whole batch in one plan: the symbolic batch dimension takes 64.
        var session = new Session(Model.Load(Path.Combine(dir, "fashion_cnn.onnx")), new SessionOptions { InputShapes = [[64, 1, 28, 28]] });
        var output = new float[64 * 10];
        session.Run(images.Floats, output);
        float max = logits.Floats.Max(MathF.Abs);
        for (int i = 0; i < output.Length; i++)
            Assert.True(MathF.Abs(output[i] - logits.Floats[i]) <= 1e-4f * max, $"logit {i}: {output[i]} vs PyTorch {logits.Floats[i]}");
    }
}
