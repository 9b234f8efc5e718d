using Cnnrt.Graph;

namespace Cnnrt.Passes;

/// <summary>
/// Removes Pad nodes that a window operator can do itself. PyTorch exports a padded pooling or an explicit
/// <c>nn.ZeroPad2d</c> as Pad → AveragePool/Conv (LeNet-5's Pad even pads by nothing), and a reference Pad step is a
/// whole extra pass over the tensor.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A Pad whose pads are all 0 is an identity (whatever its mode) and is bypassed.</item>
/// <item>A constant Pad of non-negative pads on the spatial axes only (batch and channel pads 0) is added to the pads
/// of its sole consumer when that consumer pads with the same value: Conv pads with +0; AveragePool with
/// count_include_pad = 1 averages zeros in (with count_include_pad = 0 and no pads of its own it becomes 1, which
/// then counts exactly the Pad's zeros); MaxPool's padding is −∞, so only a Pad of −∞ folds there, only when its
/// Indices output is unused (indices would refer to the padded tensor) and every window still overlaps the input.</item>
/// <item>The window must use explicit pads (auto_pad NOTSET or VALID) and floor rounding: with ceil_mode a last
/// window may overhang the padding, and pads taken from the tensor would change what that window averages.</item>
/// </list>
/// </remarks>
public static class FoldPads
{
    public static int Run(ModelGraph g)
    {
        int removed = 0;
        var counts = GraphRewriter.ConsumerCounts(g);
        foreach (var pad in g.Nodes.ToList())
        {
            if (pad.OpType != "Pad" || pad.Domain.Length > 0) continue;
            string y = pad.Outputs[0];
            if (GraphRewriter.IsGraphOutput(g, y)) continue;
            if (ReadPads(g, pad, rank: null) is { } all && all.Pads.All(p => p == 0))
            {
                GraphRewriter.RedirectConsumers(g, y, pad.Inputs[0]);
                g.Nodes.Remove(pad);
                removed++;
                continue;
            }
            if (GraphRewriter.SoleConsumer(g, y, counts) is not { } window || window.Domain.Length > 0 || window.Inputs[0] != y) continue;
            if (!TryFold(g, pad, window)) continue;
            window.Inputs[0] = pad.Inputs[0];
            g.Nodes.Remove(pad);
            removed++;
        }
        return removed;
    }

    private static bool TryFold(ModelGraph g, Node pad, Node window)
    {
        int spatial;
        float padding;
        switch (window.OpType)
        {
            case "Conv":
                if (!g.Initializers.TryGetValue(window.Inputs[1], out var w) || w.Rank < 3) return false;
                spatial = w.Rank - 2;
                padding = 0f;
                break;
            case "AveragePool" or "MaxPool":
                if (window.GetInts("kernel_shape") is not { Length: > 0 } kernel || window.GetInt("ceil_mode", 0) != 0) return false;
                if (window.OpType == "MaxPool" && window.Outputs.Length > 1 && window.Outputs[1].Length > 0) return false;
                spatial = kernel.Length;
                padding = window.OpType == "MaxPool" ? float.NegativeInfinity : 0f;
                break;
            default:
                return false;
        }
        if (window.GetString("auto_pad", "NOTSET") is not ("NOTSET" or "VALID")) return false;
        if (ReadPads(g, pad, spatial + 2) is not { } p || p.Mode != "constant") return false;
        if (BitConverter.SingleToInt32Bits(p.Value) != BitConverter.SingleToInt32Bits(padding)) return false;
        int rank = spatial + 2;
        if (p.Pads.Length != 2 * rank || p.Pads[0] != 0 || p.Pads[1] != 0 || p.Pads[rank] != 0 || p.Pads[rank + 1] != 0) return false;
        if (p.Pads.Any(v => v < 0)) return false;

        long[] own = window.GetString("auto_pad", "NOTSET") == "VALID" ? new long[2 * spatial]
            : window.GetInts("pads") ?? new long[2 * spatial];
        if (own.Length != 2 * spatial) return false;
        if (window.OpType == "AveragePool" && window.GetInt("count_include_pad", 0) == 0)
        {
            if (own.Any(v => v != 0)) return false;
            window.SetAttribute(new NodeAttribute { Name = "count_include_pad", Kind = AttributeKind.Int, Int = 1 });
        }
        var merged = new long[2 * spatial];
        for (int a = 0; a < spatial; a++)
        {
            merged[a] = own[a] + p.Pads[2 + a];
            merged[spatial + a] = own[spatial + a] + p.Pads[rank + 2 + a];
        }
        if (window.OpType == "MaxPool" && !EveryWindowSeesInput(window, merged)) return false;
        window.Attributes.Remove("auto_pad");
        window.SetAttribute(new NodeAttribute { Name = "pads", Kind = AttributeKind.Ints, Ints = merged });
        return true;
    }

    /// <summary>
    /// A MaxPool window that lies wholly in its padding yields the lowest float rather than the −∞ the Pad would
    /// have given it. With dilation 1 and pads of at most kernel − 1 on each side, the first window ends at or after
    /// the input's first element and the last starts at or before its last, so every window overlaps the input.
    /// </summary>
    private static bool EveryWindowSeesInput(Node pool, long[] pads)
    {
        long[] kernel = pool.GetInts("kernel_shape")!;
        if (pool.GetInts("dilations") is { } d && d.Any(v => v != 1)) return false;
        for (int a = 0; a < kernel.Length; a++)
            if (pads[a] > kernel[a] - 1 || pads[kernel.Length + a] > kernel[a] - 1) return false;
        return true;
    }

    /// <summary>
    /// The Pad's mode, constant value and pads as [begin of every axis, end of every axis] when all are constants; with
    /// an axes input (opset 18) the rank must be known to spread them, otherwise null.
    /// </summary>
    private static (string Mode, float Value, long[] Pads)? ReadPads(ModelGraph g, Node pad, int? rank)
    {
        string mode = pad.GetString("mode", "constant");
        if (g.Opset < 11) return pad.GetInts("pads") is { } attr ? (mode, pad.GetFloat("value", 0f), attr) : null;
        if (!pad.HasInput(1) || !g.Initializers.TryGetValue(pad.Inputs[1], out var padsTensor)) return null;
        long[] pads = padsTensor.ToInt64Array();
        float value = 0f;
        if (pad.HasInput(2))
        {
            if (!g.Initializers.TryGetValue(pad.Inputs[2], out var v) || v.Length != 1 || v.Type != Tensors.DataType.Float) return null;
            value = v.Floats[0];
        }
        if (!pad.HasInput(3)) return (mode, value, pads);
        if (!g.Initializers.TryGetValue(pad.Inputs[3], out var axesTensor)) return null;
        long[] axes = axesTensor.ToInt64Array();
        if (pads.All(p => p == 0)) return (mode, value, pads);
        if (rank is not { } r || pads.Length != 2 * axes.Length) return null;
        var full = new long[2 * r];
        foreach (var (axis, i) in axes.Select((a, i) => (a, i)))
        {
            long a = axis < 0 ? axis + r : axis;
            if (a < 0 || a >= r) return null;
            full[a] = pads[i];
            full[r + a] = pads[axes.Length + i];
        }
        return (mode, value, full);
    }
}
