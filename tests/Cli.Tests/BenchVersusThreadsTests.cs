using System.Text.Json;
using Cnnrt.Onnx;
using Cnnrt.Tests.Support;

namespace Cnnrt.Cli.Tests;

/// <summary>`cnnrt bench --versus-threads`: a second session timed alternately with the first, and the speed-up.</summary>
public sealed class BenchVersusThreadsTests
{
    private static string TypicalCnn()
    {
        string model = Path.Combine(CnnrtProcess.TempDir(), "model.onnx");
        OnnxWriter.WriteFile(model, GraphBuilder.TypicalCnn());
        return model;
    }

    [Fact]
    public void Json_reports_both_counts_and_the_speed_up_and_allocates_nothing()
    {
        string model = TypicalCnn();
        string[] command = ["bench", model, "--threads", "2", "--versus-threads", "1", "--runs", "200", "--warmup", "20", "--json"];
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok(command));
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.Equal(1, root.GetProperty("versus_threads").GetInt32());
        Assert.True(root.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("versus_median_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("speedup").GetDouble() > 0);
        // Allocation is counted over both sessions' runs.
        PeakAndProfileCommandTests.AssertAllocatesNothing(root, command);
    }

    [Fact]
    public void The_same_count_on_both_sides_is_a_speed_up_of_about_one()
    {
        // Each pair's ratio compares two identical sessions, the order swapping every pair: their median is 1 give or
        // take the host's noise (a loose bound; it fails if the pairs were not pairs, e.g. one side timed twice).
        using var doc = JsonDocument.Parse(CnnrtProcess.Ok("bench", TypicalCnn(), "--threads", "1", "--versus-threads", "1",
            "--runs", "400", "--warmup", "50", "--json"));
        Assert.InRange(doc.RootElement.GetProperty("speedup").GetDouble(), 0.5, 2.0);
    }

    [Fact]
    public void Text_names_the_other_count_and_the_speed_up()
    {
        string text = CnnrtProcess.Ok("bench", TypicalCnn(), "--threads", "2", "--versus-threads", "1", "--runs", "20", "--warmup-seconds", "0");
        Assert.Contains("versus 1 thread(s), alternating run by run: median ", text);
        Assert.Contains("x (median of the 20 pairs' ratios)", text);
        Assert.Contains("allocated bytes per run: ", text);
    }

    [Theory]
    [InlineData(new[] { "--versus-threads", "1", "--per-layer" }, "--versus-threads and --per-layer cannot be combined")]
    [InlineData(new[] { "--versus-threads", "-1" }, "--versus-threads must not be negative, got -1")]
    public void Bad_combinations_are_refused_with_the_option_named(string[] options, string message)
    {
        var r = CnnrtProcess.Run(["bench", TypicalCnn(), "--runs", "5", .. options]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }
}
