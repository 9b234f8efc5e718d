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
}

/// <summary>
/// One micro-kernel instantiation, chosen at plan time: its tile (rows × columns) and the function to call, which
/// applies the fused activation in registers as it stores the last K block (every <see cref="ActivationKind"/>).
/// </summary>
public sealed unsafe class F32GemmKernel
{
    private F32GemmKernel(string name, int rows, int columns,
        delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> run,
        delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> runPixels,
        delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> runPixel)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        Run = run;
        RunPixels = runPixels;
        RunPixel = runPixel;
    }

    /// <summary>"6x16 avx2": tile and vector path, for reports and test names.</summary>
    public string Name { get; }
    /// <summary>MR: rows of A (output channels) per tile; weights are packed in panels of this many rows.</summary>
    public int Rows { get; }
    /// <summary>NR: columns of B (output pixels) per tile, two vectors.</summary>
    public int Columns { get; }
    /// <summary>(a, b, offsets, kc, c, ldc, bias, mode, alpha, beta), see <see cref="F32GemmMicroKernel6x2V"/>.</summary>
    public delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> Run { get; }
    /// <summary>Rows of the pixel-major kernel's tiles (output pixels); its columns are <see cref="Columns"/> channels.</summary>
    public int PixelRows => F32ConvMicroKernelPixels6x2V.Rows;
    /// <summary>(src, pixels, offsets, kc, w, c, ldc, bias, mode, alpha, beta), see <see cref="F32ConvMicroKernelPixels6x2V"/>.</summary>
    public delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> RunPixels { get; }
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
            6 => Kernel6<TOps, TVec>(activation),
            12 => Kernel12<TOps, TVec>(activation),
            _ => throw new ArgumentOutOfRangeException(nameof(rows), rows, "micro-kernels have 6 or 12 rows"),
        };
        return new F32GemmKernel($"{rows}x{2 * TOps.Count} {isaName}", rows, 2 * TOps.Count, run, PixelKernel<TOps, TVec>(activation),
            PixelTailKernel<TOps, TVec>(activation));
    }

    private static delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> Kernel6<TOps, TVec>(
        ActivationKind activation) where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => activation switch
    {
        ActivationKind.Relu => &F32GemmMicroKernel6x2V.Run<TOps, TVec, ReluTile>,
        ActivationKind.Clip => &F32GemmMicroKernel6x2V.Run<TOps, TVec, ClipTile>,
        ActivationKind.LeakyRelu => &F32GemmMicroKernel6x2V.Run<TOps, TVec, LeakyReluTile>,
        ActivationKind.HardSigmoid => &F32GemmMicroKernel6x2V.Run<TOps, TVec, HardSigmoidTile>,
        ActivationKind.HardSwish => &F32GemmMicroKernel6x2V.Run<TOps, TVec, HardSwishTile>,
        ActivationKind.HardSigmoidGate => &F32GemmMicroKernel6x2V.Run<TOps, TVec, HardSigmoidGateTile>,
        ActivationKind.Sigmoid => &F32GemmMicroKernel6x2V.Run<TOps, TVec, SigmoidTile>,
        ActivationKind.Tanh => &F32GemmMicroKernel6x2V.Run<TOps, TVec, TanhTile>,
        ActivationKind.Swish => &F32GemmMicroKernel6x2V.Run<TOps, TVec, SwishTile>,
        ActivationKind.None => &F32GemmMicroKernel6x2V.Run<TOps, TVec, IdentityTile>,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
    };

    private static delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> PixelKernel<TOps, TVec>(
        ActivationKind activation) where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => activation switch
    {
        ActivationKind.Relu => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, ReluTile>,
        ActivationKind.Clip => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, ClipTile>,
        ActivationKind.LeakyRelu => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, LeakyReluTile>,
        ActivationKind.HardSigmoid => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, HardSigmoidTile>,
        ActivationKind.HardSwish => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, HardSwishTile>,
        ActivationKind.HardSigmoidGate => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, HardSigmoidGateTile>,
        ActivationKind.Sigmoid => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, SigmoidTile>,
        ActivationKind.Tanh => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, TanhTile>,
        ActivationKind.Swish => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, SwishTile>,
        ActivationKind.None => &F32ConvMicroKernelPixels6x2V.Run<TOps, TVec, IdentityTile>,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
    };

    private static delegate*<float*, nint*, nint*, int, float*, float*, nint, float*, int, float, float, void> PixelTailKernel<TOps, TVec>(
        ActivationKind activation) where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => activation switch
    {
        ActivationKind.Relu => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, ReluTile>,
        ActivationKind.Clip => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, ClipTile>,
        ActivationKind.LeakyRelu => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, LeakyReluTile>,
        ActivationKind.HardSigmoid => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, HardSigmoidTile>,
        ActivationKind.HardSwish => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, HardSwishTile>,
        ActivationKind.HardSigmoidGate => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, HardSigmoidGateTile>,
        ActivationKind.Sigmoid => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, SigmoidTile>,
        ActivationKind.Tanh => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, TanhTile>,
        ActivationKind.Swish => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, SwishTile>,
        ActivationKind.None => &F32ConvMicroKernelPixel1x2V.Run<TOps, TVec, IdentityTile>,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
    };

    private static delegate*<float*, float*, nint*, int, float*, nint, float*, int, float, float, void> Kernel12<TOps, TVec>(
        ActivationKind activation) where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => activation switch
    {
        ActivationKind.Relu => &F32GemmMicroKernel12x2V.Run<TOps, TVec, ReluTile>,
        ActivationKind.Clip => &F32GemmMicroKernel12x2V.Run<TOps, TVec, ClipTile>,
        ActivationKind.LeakyRelu => &F32GemmMicroKernel12x2V.Run<TOps, TVec, LeakyReluTile>,
        ActivationKind.HardSigmoid => &F32GemmMicroKernel12x2V.Run<TOps, TVec, HardSigmoidTile>,
        ActivationKind.HardSwish => &F32GemmMicroKernel12x2V.Run<TOps, TVec, HardSwishTile>,
        ActivationKind.HardSigmoidGate => &F32GemmMicroKernel12x2V.Run<TOps, TVec, HardSigmoidGateTile>,
        ActivationKind.Sigmoid => &F32GemmMicroKernel12x2V.Run<TOps, TVec, SigmoidTile>,
        ActivationKind.Tanh => &F32GemmMicroKernel12x2V.Run<TOps, TVec, TanhTile>,
        ActivationKind.Swish => &F32GemmMicroKernel12x2V.Run<TOps, TVec, SwishTile>,
        ActivationKind.None => &F32GemmMicroKernel12x2V.Run<TOps, TVec, IdentityTile>,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
    };
}
