using Cnnrt.Tests;
using System.Text.Json;
using Cnnrt.Onnx;
using Cnnrt.Tests.Support;

namespace Cnnrt.Cli.Tests;

public sealed class InspectCommandTests
{
    private static string TypicalCnnFile()
    {
        string path = Path.Combine(CnnrtProcess.TempDir(), "typical_cnn.onnx");
        OnnxWriter.WriteFile(path, GraphBuilder.TypicalCnn());
        return path;
    }

    [Fact]
    public void Typical_cnn_shows_the_notes_parameter_counts_and_shapes()
    {
        string text = CnnrtProcess.Ok("inspect", TypicalCnnFile());
        foreach (var expected in new[] { "26x26x8", "13x13x8", "11x11x16", "5x5x16", " 80 ", "1,168", "25,664", " 650 " })
            Assert.Contains(expected, text);
        Assert.Contains("27,562 parameters", text); // 80 + 1,168 + 25,664 + 650

        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("inspect", TypicalCnnFile(), "--json"));
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal([80L, 0, 1168, 0, 0, 25664, 650], layers.Select(l => l.GetProperty("parameters").GetInt64()));
        Assert.Equal([1, 8, 26, 26], layers[0].GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([1, 16, 5, 5], layers[3].GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()));
        // receptive field: conv3 → 3, pool2/2 → 4, conv3 at stride 2 → 8, pool → 10 (notes: stacking grows it)
        Assert.Equal([3, 3], layers[0].GetProperty("receptive_field").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([10, 10], layers[3].GetProperty("receptive_field").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([4, 4], layers[3].GetProperty("cumulative_stride").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, layers[5].GetProperty("receptive_field").ValueKind); // FC sees everything
        Assert.Equal(26 * 26 * 8 * 9L, layers[0].GetProperty("macs").GetInt64());
        Assert.True(doc.RootElement.GetProperty("arena_bytes").GetInt64() < doc.RootElement.GetProperty("intermediate_bytes").GetInt64());
    }

    [Fact]
    public void Values_stored_channel_blocked_are_listed()
    {
        // 1×1 (96 → 64) → depthwise 3×3 → 1×1 (→ 32) at 7×7: both inner values go blocked on AVX2 and AVX-512 hosts.
        var b = new GraphBuilder("x", [1, 96, 7, 7]);
        var g = b.Add("Conv", "expand", [b.Weight("w1", 64, 96, 1, 1)])
            .Add("Conv", "depthwise", [b.Weight("wd", 64, 1, 3, 3)], OpTestUtil.Int("group", 64), OpTestUtil.Ints("pads", 1, 1, 1, 1))
            .Add("Conv", "project", [b.Weight("w3", 32, 64, 1, 1)]).Build("y");
        string path = Path.Combine(CnnrtProcess.TempDir(), "blocked.onnx");
        OnnxWriter.WriteFile(path, g);
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("inspect", path, "--json"));
        var blocked = doc.RootElement.GetProperty("channel_blocked_values").EnumerateArray().Select(e => e.GetString()).ToList();
        if (Cnnrt.Kernels.CpuFeatures.Best is Cnnrt.Kernels.KernelIsa.Avx2 or Cnnrt.Kernels.KernelIsa.Avx512) Assert.Equal(2, blocked.Count);
        Assert.DoesNotContain("y", blocked);
        Assert.Contains("values stored channel-blocked:", CnnrtProcess.Ok("inspect", path));
    }

    [Fact]
    public void Same_padding_split_is_shown_per_side()
    {
        // 6×6 input, 3×3 kernel, stride 2, SAME_UPPER: out 3, total pad 1 → 0 before, 1 after; SAME_LOWER the reverse.
        foreach (var (mode, begin, end) in new[] { ("SAME_UPPER", 0, 1), ("SAME_LOWER", 1, 0) })
        {
            var b = new GraphBuilder("x", [1, 1, 6, 6]);
            var g = b.Add("Conv", "c", [b.Weight("w", 2, 1, 3, 3)],
                OpTestUtil.Ints("kernel_shape", 3, 3), OpTestUtil.Ints("strides", 2, 2), OpTestUtil.Str("auto_pad", mode)).Build("y");
            string path = Path.Combine(CnnrtProcess.TempDir(), "same.onnx");
            OnnxWriter.WriteFile(path, g);
            using var doc = JsonDocument.Parse(CnnrtProcess.Ok("inspect", path, "--json"));
            var layer = doc.RootElement.GetProperty("layers")[0];
            Assert.Equal([begin, begin], layer.GetProperty("pads_begin").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal([end, end], layer.GetProperty("pads_end").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal([1, 2, 3, 3], layer.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Fact]
    public void A_free_input_shape_is_planned_for_the_given_size()
    {
        var g = new GraphBuilder("x", [1, 3, -1, -1]).Conv(3, 4, 3, pad: 1).Relu().MaxPool(2, 2).Build("y");
        string path = Path.Combine(CnnrtProcess.TempDir(), "fcn.onnx");
        OnnxWriter.WriteFile(path, g);
        string text = CnnrtProcess.Ok("inspect", path, "--input-shape", "1x3x64x48");
        Assert.Contains("32x24x4", text);
        var r = CnnrtProcess.Run("inspect", path);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("unknown dimension", r.Stderr);
    }

    [Fact]
    public void Unknown_operator_is_an_error_naming_the_node()
    {
        var g = GraphBuilder.TypicalCnn();
        g.Nodes[1].OpType = "Frobnicate";
        string path = Path.Combine(CnnrtProcess.TempDir(), "bad.onnx");
        OnnxWriter.WriteFile(path, g);
        var r = CnnrtProcess.Run("inspect", path);
        Assert.Equal(5, r.ExitCode);
        Assert.Contains("'Frobnicate'", r.Stderr);
        Assert.Contains(g.Nodes[1].Name, r.Stderr);
    }

    [Fact]
    public void Missing_and_corrupt_model_files_are_errors()
    {
        var r = CnnrtProcess.Run("inspect", "/nonexistent/model.onnx");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("/nonexistent/model.onnx", r.Stderr);
        string junk = Path.Combine(CnnrtProcess.TempDir(), "junk.onnx");
        File.WriteAllBytes(junk, [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        r = CnnrtProcess.Run("inspect", junk);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("junk.onnx", r.Stderr);
    }
}
