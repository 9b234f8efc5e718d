using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>Mode bits of one micro-kernel call.</summary>
public static class F32GemmTile
{
    /// <summary>Start from the partial sums already in C (a later K block) instead of the bias.</summary>
    public const int Accumulate = 1;
    /// <summary>Last K block: apply the activation before storing.</summary>
    public const int Finish = 2;

    /// <summary>
    /// How far ahead of the k it multiplies a panel micro-kernel prefetches its packed A: 1024 floats, 4 KB, 85 k of
    /// a 12-row panel — about 500 cycles of the one-vector kernel, a DRAM access's latency on the machines measured.
    /// Winograd's U is streamed from DRAM, not from cache, in a model whose weights do not fit L3 (ResNet-18 reads
    /// about 76 MB of them per run, U of its 14×14 layers 9.7 MB each), and the hardware prefetchers alone left the
    /// GEMM waiting on it, most of all on two threads: six 256→256 Winograd layers at 14×14 (58 MB of U) ran 3.15 →
    /// 2.62 ms on two threads with this prefetch (medians of 6 alternating processes; 4096 floats 2.64, 16384 2.88),
    /// and ResNet-18 8.60 → 8.22 ms on two threads (8 alternating processes, faster in all 8), 13.88 → 13.62 on one.
    /// Where A is already in L1 (a 1×1 convolution's panel over many strips) it costs one prefetch instruction per k.
    /// </summary>
    public const int PrefetchAheadFloats = 1024;
}

/// <summary>
/// One micro-kernel instantiation, chosen at plan time: its tile (rows × columns) and the function to call, which
/// applies the fused activation in registers as it stores the last K block (every <see cref="ActivationKind"/>).
/// </summary>
public sealed unsafe class F32GemmKernel
{
    /// <param name="run">the <see cref="Run"/> instantiation, as <see cref="ITileActivationVisitor"/> returns it; so
    /// are <paramref name="runPixels"/> and <paramref name="runPixel"/></param>
    private F32GemmKernel(string name, int rows, int columns, nint run, nint runPixels, nint runPixel, nint runPixelsHalf, nint runFour,
        nint runEight)
    {
        RunPixelsHalf = (delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)runPixelsHalf;
        runFourRows = runFour;
        runEightRows = runEight;
        Name = name;
        Rows = rows;
        Columns = columns;
        Run = (delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void>)run;
        RunPixels = (delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)runPixels;
        RunPixel = (delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)runPixel;
    }

    /// <summary>"6x16 avx2": tile and vector path, for reports and test names.</summary>
    public string Name { get; }
    /// <summary>MR: rows of A (output channels) per tile; weights are packed in panels of this many rows.</summary>
    public int Rows { get; }
    /// <summary>NR: columns of B (output pixels) per tile, two vectors.</summary>
    public int Columns { get; }
    /// <summary>(a, b, offsets, kc, c, ldc, bias, mode, alpha, beta), see <see cref="F32GemmMicroKernel6x2V"/>.</summary>
    public delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> Run { get; }
    private readonly nint runFourRows, runEightRows;

    /// <summary>
    /// The kernel for a panel with only <paramref name="rows"/> real rows (the last panel when M is not a multiple of
    /// <see cref="Rows"/>), and how many rows it computes and stores: 4 or 8 (<see cref="F32GemmMicroKernelPanelRows"/>,
    /// reading the same packed panel) where that covers them, else the full kernel.
    /// </summary>
    public delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> ForRows(int rows, out int computed)
    {
        computed = rows <= 4 && runFourRows != 0 ? 4 : rows <= 8 && runEightRows != 0 ? 8 : Rows;
        return (delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void>)(
            computed == 4 ? runFourRows : computed == 8 ? runEightRows : (nint)Run);
    }

    /// <summary>Rows computed for <paramref name="m"/> output channels: whole panels, the last one by <see cref="ForRows"/>.</summary>
    public int ComputedRows(int m)
    {
        if (m % Rows == 0) return m;
        ForRows(m % Rows, out int computed);
        return m / Rows * Rows + computed;
    }

    /// <summary>Rows of the pixel-major kernel's tiles (output pixels); its columns are <see cref="Columns"/> channels.</summary>
    public int PixelRows => F32ConvMicroKernelPixels6x2V.Rows;
    /// <summary>(src, pixels, offsets, kc, w, c, ldc, bias, mode, alpha, beta), see <see cref="F32ConvMicroKernelPixels6x2V"/>.</summary>
    public delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> RunPixels { get; }
    /// <summary><see cref="RunPixels"/> for a last strip of at most one vector of real channels, see
    /// <see cref="F32ConvMicroKernelPixels6x1V"/>.</summary>
    public delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> RunPixelsHalf { get; }
    /// <summary><see cref="RunPixels"/> for one pixel, see <see cref="F32ConvMicroKernelPixel1x2V"/>.</summary>
    public delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> RunPixel { get; }

    /// <summary>
    /// The kernel of a fast path: 6×2 vectors where the ISA has 16 vector registers (x64 SSE/AVX2), 12×2 vectors
    /// where it has 32 (AVX-512, ARM64 NEON).
    /// </summary>
    public static F32GemmKernel For(KernelIsa isa, ActivationKind activation) => isa switch
    {
        KernelIsa.Vector128 => Create<F32Vector128, Vector128<float>>(AdvSimd.Arm64.IsSupported ? 12 : 6, activation, "vector128"),
        KernelIsa.Avx2 => Create<F32Vector256Avx2, Vector256<float>>(6, activation, "avx2"),
        KernelIsa.Avx512 => Create<F32Vector512Avx512, Vector512<float>>(12, activation, "avx512"),
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "the reference path has no GEMM micro-kernel"),
    };

    /// <summary>A specific instantiation: also how tests run the 12-row kernel (AVX-512's) on AVX2 or Vector128.</summary>
    public static F32GemmKernel Create<TOps, TVec>(int rows, ActivationKind activation, string isaName)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        var run = rows switch
        {
            6 => TileActivationDispatch.Visit(activation, new Kernel6<TOps, TVec>()),
            12 => TileActivationDispatch.Visit(activation, new PanelRowsKernel<TOps, TVec, TwelveOfTwelve>()),
            _ => throw new ArgumentOutOfRangeException(nameof(rows), rows, "micro-kernels have 6 or 12 rows"),
        };
        nint four = rows == 6
            ? TileActivationDispatch.Visit(activation, new PanelRowsKernel<TOps, TVec, FourOfSix>())
            : TileActivationDispatch.Visit(activation, new PanelRowsKernel<TOps, TVec, FourOfTwelve>());
        nint eight = rows == 12 ? TileActivationDispatch.Visit(activation, new PanelRowsKernel<TOps, TVec, EightOfTwelve>()) : 0;
        return new F32GemmKernel($"{rows}x{2 * TOps.Count} {isaName}", rows, 2 * TOps.Count, run,
            TileActivationDispatch.Visit(activation, new PixelKernel<TOps, TVec>()),
            TileActivationDispatch.Visit(activation, new PixelTailKernel<TOps, TVec>()),
            TileActivationDispatch.Visit(activation, new PixelHalfKernel<TOps, TVec>()), four, eight);
    }

    /// <summary>
    /// The 12-row, one-vector kernel (<see cref="F32GemmMicroKernelPanelRows1V"/>, 12×16 with AVX-512), with its 4- and
    /// 8-row forms for a last panel. GEMM only: it has no pixel-major entry points (<see cref="HasPixelKernels"/>).
    /// </summary>
    public static F32GemmKernel CreateOneVector<TOps, TVec>(ActivationKind activation, string isaName)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged =>
        new($"12x{TOps.Count} {isaName}", 12, TOps.Count,
            TileActivationDispatch.Visit(activation, new OneVectorKernel<TOps, TVec, TwelveOfTwelve>()), 0, 0, 0,
            TileActivationDispatch.Visit(activation, new OneVectorKernel<TOps, TVec, FourOfTwelve>()),
            TileActivationDispatch.Visit(activation, new OneVectorKernel<TOps, TVec, EightOfTwelve>()));

    /// <summary>Whether the pixel-major entry points exist (every kernel but <see cref="CreateOneVector"/>'s).</summary>
    public bool HasPixelKernels => RunPixels != null;

    // The micro-kernel instantiations for one tile activation, one visitor per kernel family.
    private readonly struct Kernel6<TOps, TVec> : ITileActivationVisitor where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void>)&F32GemmMicroKernel6x2V.Run<TOps, TVec, TAct>;
    }

    private readonly struct PanelRowsKernel<TOps, TVec, TShape> : ITileActivationVisitor
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TShape : unmanaged, IPanelRows
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void>)&F32GemmMicroKernelPanelRows.Run<TOps, TVec, TAct, TShape>;
    }

    private readonly struct OneVectorKernel<TOps, TVec, TShape> : ITileActivationVisitor
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TShape : unmanaged, IPanelRows
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void>)&F32GemmMicroKernelPanelRows1V.Run<TOps, TVec, TAct, TShape>;
    }

    private readonly struct PixelKernel<TOps, TVec> : ITileActivationVisitor where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)&F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, TAct>;
    }

    private readonly struct PixelHalfKernel<TOps, TVec> : ITileActivationVisitor where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)&F32ConvMicroKernelPixels6x1V.Run<TOps, TVec, TAct>;
    }

    private readonly struct PixelTailKernel<TOps, TVec> : ITileActivationVisitor where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged
    {
        public nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation =>
            (nint)(delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void>)&F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, TAct>;
    }
}
