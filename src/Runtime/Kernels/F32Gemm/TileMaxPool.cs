using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A 2-D MaxPool taken by a pixel-major convolution over its own tiles (<see cref="F32ConvPixelGemm"/>) before they
/// are transposed into NCHW: the tiles hold each pixel's channels side by side, so a window is the max of its
/// pixels' tile rows, a vector op per 16 (or 8, 4) channels, and only the pooled pixels are transposed and stored.
/// Any kernel, stride, padding and ceil mode whose every window has a tap inside the plane; no dilation. Taps in the
/// padding are skipped, as the reference skips them. The separate MaxPool step transposed the whole convolution
/// output into channel blocks and back (Fashion CNN's 2×2 pools), or read a plane that had gone to L3 (the 3×3
/// stride-2 pools after SqueezeNet's and ResNet's stems).
/// </summary>
public sealed unsafe class TileMaxPool
{
    private readonly SpatialAxis h, w;
    // Per pooled row and column, its window's positions inside the plane (Inside), computed once.
    private readonly (int First, int End)[] rowWindows, columnWindows;

    /// <param name="h">The pool's vertical axis over the convolution output (<see cref="Handles"/>).</param>
    public TileMaxPool(SpatialAxis h, SpatialAxis w)
    {
        if (!Handles(h, w)) throw new ArgumentException($"a tile max pool cannot take windows {h} × {w}");
        (this.h, this.w) = (h, w);
        rowWindows = Enumerable.Range(0, h.Output).Select(o => Inside(h, o)).ToArray();
        columnWindows = Enumerable.Range(0, w.Output).Select(o => Inside(w, o)).ToArray();
    }

    /// <summary>Whether every window of both axes has a tap inside the plane, without dilation.</summary>
    public static bool Handles(SpatialAxis h, SpatialAxis w) => Covers(h) && Covers(w);

    private static bool Covers(SpatialAxis a)
    {
        if (a.Dilation != 1 || a.Kernel < 1 || a.Stride < 1 || a.Output < 1) return false;
        for (int o = 0; o < a.Output; o++)
        {
            var (first, end) = Inside(a, o);
            if (end <= first) return false;
        }
        return true;
    }

    /// <summary>The input positions [First, End) of output <paramref name="o"/>'s window that lie inside the plane
    /// (the reference's taps, <see cref="SpatialAxis.Taps"/>; dilation 1, so one position per tap).</summary>
    private static (int First, int End) Inside(SpatialAxis a, int o)
    {
        a.Taps(o, 0, a.Input, out int first, out int end);
        return (a.WindowStart(o) + first, a.WindowStart(o) + end);
    }

    public int Height => h.Output;
    public int Width => w.Output;

    /// <summary>The convolution rows [First, End) that pooled rows [<paramref name="p0"/>, <paramref name="p1"/>) read.</summary>
    public (int First, int End) ConvRows(int p0, int p1) => (rowWindows[p0].First, rowWindows[p1 - 1].End);

    /// <summary>
    /// Pooled rows per block: as many as fit <paramref name="pixels"/> convolution pixels, but at least enough that
    /// the rows two blocks share (kernel − stride, computed by both) are at most an eighth of a block's: one pooled
    /// row per block of ResNet-18's 112×112 stem (3×3 stride-2 pool) computed 3 convolution rows for every 2 and
    /// made the model 5% slower.
    /// </summary>
    public int RowsPerBlock(int pixels)
    {
        int rows = 1;
        // rows + 1 pooled rows read at most rows·stride + kernel convolution rows.
        while (rows < h.Output && ((long)rows * h.Stride + h.Kernel) * w.Input <= pixels) rows++;
        int shared = Math.Max(0, h.Kernel - h.Stride);
        return Math.Min(h.Output, Math.Max(rows, (8 * shared + h.Stride - 1) / h.Stride));
    }

    /// <summary>
    /// Pools rows [<paramref name="p0"/>, <paramref name="p1"/>) from the convolution rows held in
    /// <paramref name="tiles"/> from row <paramref name="row0"/> (one tile row per pixel, <paramref name="ldc"/>
    /// floats apart; every row the windows read is there) into <paramref name="to"/>, one tile row per pooled pixel.
    /// </summary>
    /// <param name="width">Floats of each tile row to pool: a multiple of 4 (whole micro-kernel strips).</param>
    public void Pool(float* tiles, nint ldc, int width, int row0, int p0, int p1, float* to)
    {
        int convWidth = w.Input;
        for (int ph = p0; ph < p1; ph++)
        {
            var (r0, r1) = rowWindows[ph];
            for (int pw = 0; pw < w.Output; pw++, to += ldc)
            {
                var (c0, c1) = columnWindows[pw];
                Max(tiles + ((nint)(r0 - row0) * convWidth + c0) * ldc, r1 - r0, c1 - c0, ldc * convWidth, ldc, to, width);
            }
        }
    }

    /// <summary>to[c] = max over rows × columns pixels (<paramref name="rowStride"/>, <paramref name="pixelStride"/>
    /// floats apart) of pixel[c], from −∞ in row-major tap order with the hardware max, as the MaxPool kernels take it;
    /// on the widest vectors the host has (a max is the same on any of them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Max(float* window, int rows, int columns, nint rowStride, nint pixelStride, float* to, int width)
    {
        int c = 0;
        if (Avx512F.IsSupported) c = MaxFrom<F32Vector512Avx512, Vector512<float>>(c, window, rows, columns, rowStride, pixelStride, to, width);
        if (Avx.IsSupported) c = MaxFrom<F32Vector256Avx2, Vector256<float>>(c, window, rows, columns, rowStride, pixelStride, to, width);
        MaxFrom<F32Vector128, Vector128<float>>(c, window, rows, columns, rowStride, pixelStride, to, width);
    }

    /// <summary>Channels [<paramref name="c"/>, …) by whole vectors of <typeparamref name="TOps"/>; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MaxFrom<TOps, TVec>(int c, float* window, int rows, int columns, nint rowStride, nint pixelStride, float* to, int width)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        if (rows == 2 && columns == 2)
        {
            // The classic 2×2 window unrolled (the loops below cost the Fashion CNN's first layer 15%).
            for (; c + TOps.Count <= width; c += TOps.Count)
            {
                float* p = window + c;
                var top = TOps.Max(TOps.Max(TOps.Splat(float.NegativeInfinity), TOps.Load(p)), TOps.Load(p + pixelStride));
                TOps.Store(to + c, TOps.Max(TOps.Max(top, TOps.Load(p + rowStride)), TOps.Load(p + rowStride + pixelStride)));
            }
            return c;
        }
        for (; c + TOps.Count <= width; c += TOps.Count)
        {
            var m = TOps.Splat(float.NegativeInfinity);
            for (float* row = window + c, end = row + rows * rowStride; row < end; row += rowStride)
            for (int j = 0; j < columns; j++)
                m = TOps.Max(m, TOps.Load(row + j * pixelStride));
            TOps.Store(to + c, m);
        }
        return c;
    }
}
