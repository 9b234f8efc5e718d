using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels;

/// <summary>
/// The instruction-set paths a float kernel family can have. Chosen once per plan (never in an inner loop); every
/// path the host can run is tested against <see cref="Reference"/>.
/// </summary>
public enum KernelIsa
{
    /// <summary>The scalar reference kernels written from the ONNX formulas: the oracle.</summary>
    Reference = 0,
    /// <summary>128-bit vectors (<c>Vector128</c>): the ARM64 NEON path, which also runs on x64 so it is tested here.</summary>
    Vector128 = 1,
    /// <summary>AVX2 + FMA, 256-bit.</summary>
    Avx2 = 2,
    /// <summary>AVX-512 F (+BW/VL), 512-bit.</summary>
    Avx512 = 3,
}

/// <summary>What this CPU (as the JIT or NativeAOT sees it) can run.</summary>
public static class CpuFeatures
{
    public static bool Supports(KernelIsa isa) => isa switch
    {
        KernelIsa.Reference => true,
        KernelIsa.Vector128 => Vector128.IsHardwareAccelerated,
        KernelIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        KernelIsa.Avx512 => Avx512F.IsSupported && Avx512BW.IsSupported && Avx512F.VL.IsSupported,
        _ => false,
    };

    /// <summary>The widest path this host runs.</summary>
    public static KernelIsa Best { get; } =
        Supports(KernelIsa.Avx512) ? KernelIsa.Avx512
        : Supports(KernelIsa.Avx2) ? KernelIsa.Avx2
        : Supports(KernelIsa.Vector128) ? KernelIsa.Vector128
        : KernelIsa.Reference;

    /// <summary>Every path this host runs, narrowest first (what the tests iterate over).</summary>
    public static IReadOnlyList<KernelIsa> Available { get; } =
        Enum.GetValues<KernelIsa>().Where(Supports).ToArray();

    public static string Name(KernelIsa isa) => isa switch
    {
        KernelIsa.Reference => "reference",
        KernelIsa.Vector128 => "vector128",
        KernelIsa.Avx2 => "avx2",
        KernelIsa.Avx512 => "avx512",
        _ => isa.ToString(),
    };
}
