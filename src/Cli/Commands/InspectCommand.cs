using Cnnrt.Kernels;
using System.CommandLine;
using Cnnrt.Planning;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt inspect MODEL`: one row per planned layer, then totals and the arena size.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model." };
        var shape = new Option<string[]>("--input-shape") { Description = "Input shape(s) like 1x3x224x224, one per input." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("inspect", "Show the planned layers: geometry, padding, shapes, parameters, MACs, receptive field.") { model, shape, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(model)!, r.GetValue(shape), r.GetValue(json))));
        return cmd;
    }

    private static int Execute(string modelPath, string[]? shapes, bool json)
    {
        var m = CliSupport.LoadModel(modelPath);
        var session = CliSupport.CreateSession(m, shapes);
        var plan = session.Plan;
        var rows = LayerReport.Build(plan, m);
        long parameters = rows.Sum(r => r.Parameters), macs = rows.Sum(r => r.Macs);
        if (json) WriteJson(modelPath, m, plan, rows, parameters, macs);
        else WriteTable(modelPath, m, plan, rows, parameters, macs);
        return 0;
    }

    private static void WriteTable(string path, Model m, Plan plan, IReadOnlyList<LayerRow> rows, long parameters, long macs)
    {
        Console.WriteLine($"model: {path}  (opset {m.Opset}, producer '{m.Graph.Producer}')");
        Console.WriteLine($"inputs: {string.Join(", ", m.Inputs.Zip(plan.InputInfos).Select(p => $"{p.First.Name} {CliSupport.Shape(p.Second.Shape)}"))}");
        Console.WriteLine($"passes: {m.Passes.ConstantsFolded} constants folded, {m.Passes.BatchNormsFolded} BatchNorms folded, {m.Passes.ActivationsFused} activations fused, {m.Passes.IdentitiesRemoved} identities removed, {m.Passes.PadsFolded} pads folded");
        var table = new List<string[]>
        {
            new[] { "#", "layer", "op", "kernel", "stride", "dilation", "pads (begin|end)", "output", "params", "MACs", "RF", "cum. stride" },
        };
        int index = 0;
        foreach (var r in rows)
        {
            var w = r.Window;
            table.Add([
                (index++).ToString(), r.Name, r.Activation.Length > 0 ? $"{r.Op}+{r.Activation}" : r.Op,
                w is null ? "" : Join(w.Axes.Select(a => a.Kernel)),
                w is null ? "" : Join(w.Axes.Select(a => a.Stride)),
                w is null ? "" : Join(w.Axes.Select(a => a.Dilation)),
                w is null ? "" : $"{string.Join(",", w.Axes.Select(a => a.PadBegin))}|{string.Join(",", w.Axes.Select(a => a.PadEnd))}",
                OutputText(r.OutputShape), r.Parameters.ToString("N0"), r.Macs.ToString("N0"),
                r.ReceptiveField is { } rf ? Join(rf) : "all", r.CumulativeStride is { } j ? Join(j) : "-",
            ]);
        }
        var widths = Enumerable.Range(0, table[0].Length).Select(c => table.Max(row => row[c].Length)).ToArray();
        foreach (var row in table)
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c is 0 or 8 or 9 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd());
        Console.WriteLine($"total: {rows.Count} layers, {parameters:N0} parameters, {macs:N0} MACs");
        Console.WriteLine($"arena: {plan.ArenaBytes:N0} bytes (all intermediate tensors: {plan.IntermediateBytes:N0} bytes); " +
                          $"scratch: {plan.ScratchBytes:N0} bytes (shared by the steps, all threads)");
        Console.WriteLine($"values stored channel-blocked: {plan.ChannelBlockedValues.Count} " +
                          $"({CpuFeatures.Name(plan.Isa)}: {ChannelBlockedLayout.Lanes(plan.Isa)} channels per block; NCHW elsewhere)");
    }

    /// <summary>NCHW shapes read as the notes write them, H×W×C; others as they are.</summary>
    private static string OutputText(int[] shape) =>
        shape.Length == 4 ? $"{shape[2]}x{shape[3]}x{shape[1]}" : CliSupport.Shape(shape);

    private static string Join(IEnumerable<int> values) => string.Join("x", values);

    private static void WriteJson(string path, Model m, Plan plan, IReadOnlyList<LayerRow> rows, long parameters, long macs)
    {
        using var w = CliSupport.JsonOut();
        w.WriteStartObject();
        w.WriteString("model", path);
        w.WriteNumber("opset", m.Opset);
        w.WriteStartArray("layers");
        foreach (var r in rows)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("op", r.Op);
            w.WriteString("activation", r.Activation);
            if (r.Window is { } win)
            {
                CliSupport.WriteShape(w, "kernel", win.Axes.Select(a => a.Kernel).ToArray());
                CliSupport.WriteShape(w, "stride", win.Axes.Select(a => a.Stride).ToArray());
                CliSupport.WriteShape(w, "dilation", win.Axes.Select(a => a.Dilation).ToArray());
                CliSupport.WriteShape(w, "pads_begin", win.Axes.Select(a => a.PadBegin).ToArray());
                CliSupport.WriteShape(w, "pads_end", win.Axes.Select(a => a.PadEnd).ToArray());
            }
            CliSupport.WriteShape(w, "output_shape", r.OutputShape);
            w.WriteNumber("parameters", r.Parameters);
            w.WriteNumber("macs", r.Macs);
            if (r.ReceptiveField is { } rf) CliSupport.WriteShape(w, "receptive_field", rf);
            else w.WriteNull("receptive_field");
            if (r.CumulativeStride is { } j) CliSupport.WriteShape(w, "cumulative_stride", j);
            else w.WriteNull("cumulative_stride");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("total_parameters", parameters);
        w.WriteNumber("total_macs", macs);
        w.WriteNumber("arena_bytes", plan.ArenaBytes);
        w.WriteNumber("intermediate_bytes", plan.IntermediateBytes);
        w.WriteNumber("scratch_bytes", plan.ScratchBytes);
        w.WriteStartArray("channel_blocked_values");
        foreach (var v in plan.ChannelBlockedValues.Order(StringComparer.Ordinal)) w.WriteStringValue(v);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
