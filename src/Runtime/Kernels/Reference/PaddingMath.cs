using System.Text;

namespace Cnnrt.Kernels.Reference;

/// <summary>ONNX <c>auto_pad</c>: how a sliding-window op (Conv, pools) pads when the model gives no explicit pads.</summary>
public enum AutoPad { NotSet, SameUpper, SameLower, Valid }

/// <summary>One spatial axis of a sliding window, fully resolved: the input extent, the window, and the padding per side.</summary>
public readonly record struct SpatialAxis(int Input, int Kernel, int Stride, int Dilation, int PadBegin, int PadEnd, int Output)
{
    /// <summary>An axis that changes nothing; fills the leading axes when a kernel treats 1-D and 2-D as 3-D.</summary>
    public static readonly SpatialAxis Unit = new(1, 1, 1, 1, 0, 0, 1);

    /// <summary>Extent of the window including the holes dilation leaves: d·(k−1)+1.</summary>
    public int DilatedKernel => Dilation * (Kernel - 1) + 1;

    /// <summary>
    /// Length of the padded input every window reads in bounds: the leading padding and the input, or as far as the
    /// last output's window reaches, whichever is longer (the trailing padding that windows use, no more).
    /// </summary>
    public int PaddedExtent => Math.Max(PadBegin + Input, (Output - 1) * Stride + DilatedKernel);

    /// <summary>Input coordinate of tap 0 of output position <paramref name="o"/> (negative inside the leading padding).</summary>
    public int WindowStart(int o) => o * Stride - PadBegin;

    /// <summary>
    /// The taps [first, end) of output position <paramref name="o"/> that land inside [lo, hi) in input coordinates;
    /// lo = 0, hi = Input gives the taps that read real input.
    /// </summary>
    public void Taps(int o, int lo, int hi, out int first, out int end)
    {
        int start = WindowStart(o);
        first = start >= lo ? 0 : (lo - start + Dilation - 1) / Dilation;
        end = start >= hi ? 0 : Math.Min(Kernel, (hi - start + Dilation - 1) / Dilation);
        if (end < first) end = first;
    }
}

/// <summary>
/// The resolved geometry of a sliding-window op over its spatial axes (all axes after N and C). Built once at plan
/// time by <see cref="PaddingMath.Resolve"/>; the kernels read it, and inspection prints its per-side padding.
/// </summary>
public sealed class SpatialParams
{
    public SpatialParams(SpatialAxis[] axes) => Axes = axes;

    public SpatialAxis[] Axes { get; }
    public int Rank => Axes.Length;

    /// <summary>
    /// Axis <paramref name="i"/> (0..2) of the geometry seen as 3-D, with the real axes right-aligned and
    /// <see cref="SpatialAxis.Unit"/> in front, so one 3-D loop nest serves 1-D, 2-D and 3-D.
    /// </summary>
    public SpatialAxis Axis3(int i)
    {
        int j = i - (3 - Axes.Length);
        return j >= 0 ? Axes[j] : SpatialAxis.Unit;
    }

    public int InputSize => Product(static a => a.Input);
    public int OutputSize => Product(static a => a.Output);
    public int KernelSize => Product(static a => a.Kernel);

    public int[] OutputDims()
    {
        var r = new int[Axes.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Axes[i].Output;
        return r;
    }

    /// <summary>ONNX <c>pads</c> order: all begins, then all ends.</summary>
    public int[] Pads()
    {
        var r = new int[2 * Axes.Length];
        for (int i = 0; i < Axes.Length; i++) { r[i] = Axes[i].PadBegin; r[i + Axes.Length] = Axes[i].PadEnd; }
        return r;
    }

    private int Product(Func<SpatialAxis, int> f)
    {
        int p = 1;
        foreach (var a in Axes) p *= f(a);
        return p;
    }

    /// <summary>"kernel 3x3 stride 2x2 dilation 1x1 pads [1,1|0,1] out 5x5" — per-side padding as begin|end per axis.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("kernel ").Append(Join(static a => a.Kernel));
        sb.Append(" stride ").Append(Join(static a => a.Stride));
        sb.Append(" dilation ").Append(Join(static a => a.Dilation));
        sb.Append(" pads [");
        for (int i = 0; i < Axes.Length; i++) sb.Append(i > 0 ? "," : "").Append(Axes[i].PadBegin);
        sb.Append('|');
        for (int i = 0; i < Axes.Length; i++) sb.Append(i > 0 ? "," : "").Append(Axes[i].PadEnd);
        sb.Append("] out ").Append(Join(static a => a.Output));
        return sb.ToString();
    }

    private string Join(Func<SpatialAxis, int> f)
    {
        var parts = new string[Axes.Length];
        for (int i = 0; i < parts.Length; i++) parts[i] = f(Axes[i]).ToString();
        return string.Join("x", parts);
    }
}

/// <summary>Output sizes and padding of sliding windows, straight from the ONNX Conv/MaxPool/AveragePool definitions.</summary>
public static class PaddingMath
{
    public static AutoPad ParseAutoPad(string value, string where) => value switch
    {
        "NOTSET" or "" => AutoPad.NotSet,
        "SAME_UPPER" => AutoPad.SameUpper,
        "SAME_LOWER" => AutoPad.SameLower,
        "VALID" => AutoPad.Valid,
        _ => throw CnnrtException.Model($"{where}: auto_pad '{value}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),
    };

    /// <summary>
    /// Resolves every spatial axis. <paramref name="pads"/> is ONNX order (begins then ends) and is used only when
    /// <paramref name="autoPad"/> is NOTSET. SAME: out = ceil(n/s) and total padding
    /// max(0, (out−1)·s + d·(k−1)+1 − n), split with the odd unit at the end (UPPER) or the beginning (LOWER).
    /// Explicit/VALID: out = floor((n + pb + pe − d·(k−1) − 1)/s) + 1, or ceil with <paramref name="ceilMode"/>, where a
    /// last window that would start in the end padding is dropped (PyTorch's rule, adopted by ONNX). As the ONNX
    /// definition says, ceil_mode does not change the SAME and VALID output sizes.
    /// </summary>
    public static SpatialParams Resolve(ReadOnlySpan<int> input, ReadOnlySpan<int> kernel, ReadOnlySpan<int> strides,
        ReadOnlySpan<int> dilations, ReadOnlySpan<int> pads, AutoPad autoPad, bool ceilMode, string where)
    {
        int rank = input.Length;
        var axes = new SpatialAxis[rank];
        for (int i = 0; i < rank; i++)
        {
            int n = input[i], k = kernel[i], s = strides[i], d = dilations[i];
            if (k < 1) throw CnnrtException.Model($"{where}: kernel size {k} on spatial axis {i} must be positive");
            if (s < 1) throw CnnrtException.Model($"{where}: stride {s} on spatial axis {i} must be positive");
            if (d < 1) throw CnnrtException.Model($"{where}: dilation {d} on spatial axis {i} must be positive");
            int dk = d * (k - 1) + 1;
            int pb, pe, o;
            switch (autoPad)
            {
                case AutoPad.SameUpper:
                case AutoPad.SameLower:
                {
                    o = (n + s - 1) / s;
                    int total = Math.Max(0, (o - 1) * s + dk - n);
                    pb = autoPad == AutoPad.SameUpper ? total / 2 : total - total / 2;
                    pe = total - pb;
                    break;
                }
                default:
                {
                    pb = autoPad == AutoPad.Valid ? 0 : pads[i];
                    pe = autoPad == AutoPad.Valid ? 0 : pads[i + rank];
                    if (pb < 0 || pe < 0)
                        throw CnnrtException.Model($"{where}: negative padding {pb},{pe} on spatial axis {i}");
                    int span = n + pb + pe - dk;
                    if (span < 0)
                        throw CnnrtException.Model($"{where}: window of {dk} (kernel {k}, dilation {d}) is larger than the " +
                            $"padded input ({n} + {pb} + {pe}) on spatial axis {i}");
                    o = span / s + 1;
                    if (ceilMode && autoPad == AutoPad.NotSet && span % s != 0)
                    {
                        o++;
                        if ((o - 1) * s >= n + pb) o--;
                    }
                    break;
                }
            }
            if (n < 1) throw CnnrtException.Model($"{where}: spatial axis {i} has size {n}");
            axes[i] = new SpatialAxis(n, k, s, d, pb, pe, o);
        }
        return new SpatialParams(axes);
    }
}
