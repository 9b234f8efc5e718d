using System.Text.Json;

namespace Cnnrt.Cli.Tests;

/// <summary>The model shipped in the repository: classify its sample images, and match PyTorch's accuracy.</summary>
public sealed class ShippedModelTests
{
    private static string ModelDir => Path.Combine(CnnrtProcess.RepoRoot, "models", "fashion-mnist");

    private static string DatasetFile(string name)
    {
        const string dir = "/usr/share/dataset-fashion-mnist";
        var hit = Directory.Exists("/usr/share") ? Directory.EnumerateFiles("/usr/share", name, SearchOption.AllDirectories).FirstOrDefault() : null;
        return hit ?? throw new InvalidOperationException($"{name} not found under /usr/share ({dir}?): install the Debian package dataset-fashion-mnist");
    }

    [Fact]
    public void Eval_matches_pytorch_accuracy_within_a_tenth_of_a_point()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelDir, "pytorch_accuracy.json")));
        double torchTop1 = reference.RootElement.GetProperty("top1").GetDouble();
        string json = CnnrtProcess.Ok("eval", Path.Combine(ModelDir, "fashion_cnn.onnx"),
            "--images", DatasetFile("t10k-images-idx3-ubyte.gz"), "--labels", DatasetFile("t10k-labels-idx1-ubyte.gz"), "--json");
        using var doc = JsonDocument.Parse(json);
        double top1 = doc.RootElement.GetProperty("top1").GetDouble();
        Assert.Equal(10000, doc.RootElement.GetProperty("images").GetInt32());
        Assert.True(Math.Abs(top1 - torchTop1) * 100 <= 0.1, $"cnnrt {top1:P2} vs PyTorch {torchTop1:P2}");
        Assert.True(top1 >= 0.91, $"accuracy {top1:P2} is below the 91% the shipped model must reach");
    }

    [Fact]
    public void Classify_with_no_model_uses_the_shipped_one()
    {
        var lines = File.ReadAllLines(Path.Combine(ModelDir, "samples", "labels.txt"))
            .Where(l => l.Trim().Length > 0).Select(l => l.Split('\t')).ToList(); // file, class, label, test index
        var files = lines.Select(l => Path.Combine(ModelDir, "samples", l[0].Trim())).ToArray();
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok(["classify", .. files, "--top", "3", "--json"]));
        var results = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(files.Length, results.Count);
        int correct = 0;
        for (int i = 0; i < results.Count; i++)
        {
            var top = results[i].GetProperty("top").EnumerateArray().ToList();
            Assert.Equal(3, top.Count);
            double sum = top.Sum(t => t.GetProperty("probability").GetDouble());
            Assert.True(sum <= 1.0001 && sum > 0);
            if (top[0].GetProperty("label").GetString() == lines[i][2].Trim()) correct++;
        }
        Assert.True(correct >= files.Length - 2, $"only {correct} of {files.Length} samples classified correctly");
    }

    [Fact]
    public void Classify_rejects_a_truncated_image_naming_the_file()
    {
        string png = Path.Combine(ModelDir, "samples", "7-sneaker.png");
        string cut = Path.Combine(CnnrtProcess.TempDir(), "cut.png");
        File.WriteAllBytes(cut, File.ReadAllBytes(png)[..40]);
        var r = CnnrtProcess.Run("classify", cut);
        Assert.Equal(7, r.ExitCode);
        Assert.Contains("cut.png", r.Stderr);
    }
}
