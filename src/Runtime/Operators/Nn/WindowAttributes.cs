using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// The sliding-window attributes Conv, MaxPool and AveragePool share (auto_pad, kernel_shape, strides, dilations,
/// pads, ceil_mode), parsed once per node and resolved against an input shape by <see cref="PaddingMath"/>.
/// </summary>
public sealed class WindowAttributes
{
    private readonly string where;

    public WindowAttributes(Node node, bool kernelRequired, bool hasCeilMode)
    {
        where = node.Describe();
        AutoPad = PaddingMath.ParseAutoPad(node.GetString("auto_pad", "NOTSET"), where);
        KernelShape = Ints(node, "kernel_shape");
        if (kernelRequired && KernelShape is null) throw CnnrtException.Model($"{where}: required attribute 'kernel_shape' is missing");
        Strides = Ints(node, "strides");
        Dilations = Ints(node, "dilations");
        Pads = Ints(node, "pads");
        long ceil = hasCeilMode ? node.GetInt("ceil_mode", 0) : 0;
        if (ceil is not (0 or 1)) throw CnnrtException.Model($"{where}: ceil_mode {ceil} must be 0 or 1");
        CeilMode = ceil == 1;
    }

    public AutoPad AutoPad { get; }
    /// <summary>kernel_shape, or null when absent (Conv then takes it from W).</summary>
    public int[]? KernelShape { get; }
    public int[]? Strides { get; }
    public int[]? Dilations { get; }
    /// <summary>pads in ONNX order (all begins, then all ends), or null for none.</summary>
    public int[]? Pads { get; }
    public bool CeilMode { get; }

    /// <summary>Resolves the window over the input's spatial dims for the given kernel; checks every attribute's length.</summary>
    public SpatialParams Resolve(ReadOnlySpan<int> spatial, ReadOnlySpan<int> kernel)
    {
        int rank = spatial.Length;
        CheckLength(Strides, "strides", rank);
        CheckLength(Dilations, "dilations", rank);
        CheckLength(Pads, "pads", 2 * rank);
        var ones = new int[rank];
        Array.Fill(ones, 1);
        return PaddingMath.Resolve(spatial, kernel, Strides ?? ones, Dilations ?? ones, Pads ?? new int[2 * rank], AutoPad, CeilMode, where);
    }

    private void CheckLength(int[]? values, string name, int expected)
    {
        if (values is not null && values.Length != expected)
            throw CnnrtException.Model($"{where}: attribute '{name}' has {values.Length} values, expected {expected} " +
                $"for {expected / (name == "pads" ? 2 : 1)} spatial axes");
    }

    private int[]? Ints(Node node, string name)
    {
        long[]? v = node.GetInts(name);
        if (v is null) return null;
        var r = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] < int.MinValue || v[i] > int.MaxValue) throw CnnrtException.Model($"{where}: attribute '{name}' value {v[i]} is out of range");
            r[i] = (int)v[i];
        }
        return r;
    }
}
