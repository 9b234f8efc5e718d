using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A MaxPool whose windows tile the plane — kernel = stride, no padding, no dilation, the last partial row and column
/// dropped (floor) — taken by a pixel-major convolution over its own tiles (<see cref="F32ConvPixelGemm"/>) before
/// they are transposed into NCHW: the tiles hold each pixel's channels side by side, so a window is the max of its
/// pixels' rows, a vector op per 8 channels, and only the pooled pixels are transposed and stored. The separate
/// MaxPool step transposed the whole convolution output into channel blocks and back (Fashion CNN's 2×2 pools).
/// </summary>
public readonly unsafe record struct TileMaxPool(int KernelH, int KernelW)
{
    /// <summary>Pooled rows and columns of a convolution output of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public (int Height, int Width) Output(int height, int width) => (height / KernelH, width / KernelW);

    /// <summary>
    /// Pools the conv output rows [<paramref name="row0"/>, <paramref name="row0"/> + <paramref name="rows"/>) held
    /// in <paramref name="tiles"/> (one tile row per pixel, <paramref name="ldc"/> floats apart, row0 a multiple of
    /// KernelH) into the first tile rows of the same buffer, one per pooled pixel, row-major; returns how many. A
    /// pooled pixel's row lies at or before the first pixel of its window, and after every window before it, so
    /// writing in place never overwrites a pixel still to be read.
    /// </summary>
    /// <param name="width">Floats of each tile row to pool: a multiple of 4 (whole micro-kernel strips).</param>
    public int Pool(float* tiles, nint ldc, int width, int convWidth, int row0, int rows, int pooledHeight)
    {
        int pooledWidth = convWidth / KernelW;
        int first = row0 / KernelH, end = Math.Min((row0 + rows) / KernelH, pooledHeight);
        int q = 0;
        for (int ph = first; ph < end; ph++)
        for (int pw = 0; pw < pooledWidth; pw++, q++)
        {
            float* window = tiles + ((nint)(ph * KernelH - row0) * convWidth + pw * KernelW) * ldc;
            Max(window, ldc * convWidth, ldc, tiles + q * ldc, width);
        }
        return q;
    }

    /// <summary>to[c] = max over the window's KernelH×KernelW pixels (rows <paramref name="rowStride"/> apart, pixels
    /// <paramref name="pixelStride"/>) of pixel[c], from −∞ in row-major tap order with the hardware max, as the
    /// MaxPool kernels take it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Max(float* window, nint rowStride, nint pixelStride, float* to, int width)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated && KernelH == 2 && KernelW == 2)
        {
            // The common 2×2 window unrolled, on the widest vectors (tiles are whole 16-float strips there).
            for (; c + 16 <= width; c += 16)
            {
                float* p = window + c;
                var top = Vector512.MaxNative(Vector512.MaxNative(Vector512.Create(float.NegativeInfinity), Vector512.Load(p)), Vector512.Load(p + pixelStride));
                Vector512.MaxNative(Vector512.MaxNative(top, Vector512.Load(p + rowStride)), Vector512.Load(p + rowStride + pixelStride)).Store(to + c);
            }
        }
        if (Vector256.IsHardwareAccelerated)
            for (; c + 8 <= width; c += 8)
            {
                var m = Vector256.Create(float.NegativeInfinity);
                for (int i = 0; i < KernelH; i++)
                for (int j = 0; j < KernelW; j++)
                    m = Vector256.MaxNative(m, Vector256.Load(window + i * rowStride + j * pixelStride + c));
                m.Store(to + c);
            }
        if (Vector128.IsHardwareAccelerated)
            for (; c + 4 <= width; c += 4)
            {
                var m = Vector128.Create(float.NegativeInfinity);
                for (int i = 0; i < KernelH; i++)
                for (int j = 0; j < KernelW; j++)
                    m = Vector128.MaxNative(m, Vector128.Load(window + i * rowStride + j * pixelStride + c));
                m.Store(to + c);
            }
        for (; c < width; c++)
        {
            float m = float.NegativeInfinity;
            for (int i = 0; i < KernelH; i++)
            for (int j = 0; j < KernelW; j++)
            {
                float v = window[i * rowStride + j * pixelStride + c];
                m = Vector128.MaxNative(Vector128.CreateScalarUnsafe(m), Vector128.CreateScalarUnsafe(v)).ToScalar();
            }
            to[c] = m;
        }
    }
}
