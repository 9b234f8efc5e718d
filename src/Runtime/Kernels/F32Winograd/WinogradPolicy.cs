using Cnnrt.Kernels.Reference;

namespace Cnnrt.Kernels.F32Winograd;

/// <summary>Whether a plan runs eligible convolutions through Winograd: by measured rule, never, or always.</summary>
public enum WinogradMode { Auto, Off, On }

/// <summary>The GEMM micro-kernel a Winograd convolution runs on: the ISA's, two vectors wide or (AVX-512's narrow
/// layers) one.</summary>
public readonly record struct WinogradKernel(KernelIsa Isa, bool OneVector);

/// <summary>
/// When the Conv operator picks <see cref="F32WinogradConv"/> over the direct packed GEMM. The environment variable
/// CNNRT_WINOGRAD=off|on overrides the rule for comparisons and for running the test suites with Winograd forced on
/// every eligible convolution; it is read when a plan is built.
/// </summary>
public static class WinogradPolicy
{
    public const string EnvironmentVariable = "CNNRT_WINOGRAD";

    public static WinogradMode Mode => Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant() switch
    {
        "off" or "0" => WinogradMode.Off,
        "on" or "1" => WinogradMode.On,
        _ => WinogradMode.Auto,
    };

    /// <summary>Whether to run this convolution as Winograd F(4×4, 3×3) under <paramref name="mode"/>, on a path whose
    /// GEMM tiles are <paramref name="columns"/> wide (<see cref="Columns"/>).</summary>
    public static bool Chooses(SpatialParams geometry, int group, int channels, int outChannels, int columns, WinogradMode mode)
    {
        if (mode == WinogradMode.Off || !F32WinogradConv.Handles(geometry, group)) return false;
        return mode == WinogradMode.On || Wins(channels, outChannels, geometry.Axes[0].Output, geometry.Axes[1].Output, columns);
    }

    /// <summary>
    /// The kernel to run this convolution's Winograd with, or null for the direct GEMM: normally the plan's own ISA with
    /// its two-vector strips (<see cref="Chooses"/>). On AVX-512, a layer whose tiles fill 32-column strips too poorly
    /// but 16-column ones well enough (13×13 and 14×14 planes: 16 tiles) runs on the 12×16 one-vector kernel
    /// (<see cref="Kernels.F32Gemm.F32GemmMicroKernelPanelRows1V"/>): full-width FMAs on a quarter of the direct
    /// convolution's multiplications. In-model, one process alternating both plans (min of 8–10 medians, 2026-12-05):
    /// ResNet-18's 14×14 256→256 layers 1.00–1.01 ms on the AVX2 6×16 kernels (which ran them before) → 0.69–0.73
    /// (model 15.21 → 14.39 ms); SqueezeNet 1.1's 13×13 expand3x3 layers 0.14–0.26 ms on the direct GEMM → 0.12–0.20
    /// (model 3.62 → 3.46 ms); the Fashion CNN's 32→64 at 14×14 35.6 → 30.3 µs (model 58.1 → 54.8 µs, its MaxPool then
    /// a step of its own). The last two had lost on the AVX2 kernels, at half the FMA width.
    /// </summary>
    public static WinogradKernel? KernelFor(SpatialParams geometry, int group, int channels, int outChannels, KernelIsa isa, WinogradMode mode)
    {
        if (isa == KernelIsa.Reference) return null;
        if (Chooses(geometry, group, channels, outChannels, Columns(isa), mode)) return new WinogradKernel(isa, OneVector: false);
        bool narrow = isa == KernelIsa.Avx512 && mode == WinogradMode.Auto
            && Chooses(geometry, group, channels, outChannels, Columns(isa) / 2, mode);
        return narrow ? new WinogradKernel(isa, OneVector: true) : null;
    }

    /// <summary>The micro-kernel's columns (tiles per GEMM strip) on a fast path: two vectors.</summary>
    public static int Columns(KernelIsa isa) => isa switch { KernelIsa.Avx512 => 32, KernelIsa.Avx2 => 16, _ => 8 };

    /// <summary>
    /// Winograd when its padded multiplications — 36 per tile, tiles rounded up to the GEMM's column strip — are at
    /// most half the direct convolution's 9 per output pixel (the other half pays for the transforms and the GEMM's
    /// short K), and both channel counts are at least 16 (the output transform's cost per output is fixed, the
    /// GEMM's grows with C). Measured single-thread on AVX2 (EPYC, `cnnrt bench --per-layer`, CNNRT_WINOGRAD=off vs
    /// on, ms): ResNet-18 56×56 C=M=64 3.0–3.8 → 1.8–2.7, 28×28 C=M=128 2.8–3.3 → 1.7–2.0, 14×14 C=M=256
    /// 3.3–4.6 → 1.5–2.1, but 7×7 C=M=512 3.5–4.0 → 8.3–8.7 (4 tiles fill a quarter of a 16-column strip and the
    /// 38 MB of U is streamed for them: padded work 576 vs 441 per C·M); SqueezeNet 1.1 expand3x3 55×55 C=16 M=64
    /// 0.70–0.76 → 0.56–0.61, 27×27 C=32 M=128 0.72–0.84 → 0.44–0.47, 13×13 C=48 M=192 0.36–0.46 → 0.23–0.24,
    /// 13×13 C=64 M=256 0.65–0.75 → 0.36–0.58. Every winner has a padded-work ratio ≥ 2.6, the loser 0.77.
    /// Channels below 16 were not measured, so they stay on the direct path.
    /// </summary>
    public static bool Wins(int channels, int outChannels, int outHeight, int outWidth, int columns)
    {
        if (channels < 16 || outChannels < 16) return false;
        long tiles = (long)((outHeight + 3) / 4) * ((outWidth + 3) / 4);
        long padded = (tiles + columns - 1) / columns * columns;
        return 2 * WinogradF43.Points * padded <= 9L * outHeight * outWidth;
    }
}
