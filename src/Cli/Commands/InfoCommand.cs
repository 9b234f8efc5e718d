using System.CommandLine;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt info`: version, the CPU features .NET detects, and which kernel paths are in use.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var cmd = new Command("info", "Show the version, detected CPU features and active kernel paths.");
        cmd.SetAction(_ => CliSupport.Guard(() =>
        {
            Console.WriteLine($"cnnrt {typeof(Model).Assembly.GetName().Version?.ToString(3)}");
            Console.WriteLine($"runtime: .NET {Environment.Version} ({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT")}), {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} logical cores");
            Console.WriteLine($"cpu features: {string.Join(" ", Features())}");
            Console.WriteLine($"vector widths: Vector128 {(Vector128.IsHardwareAccelerated ? "yes" : "no")}, Vector256 {(Vector256.IsHardwareAccelerated ? "yes" : "no")}, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, Vector<float> {Vector<float>.Count} lanes");
            Console.WriteLine($"kernel paths: {KernelPaths.Active}");
            return 0;
        }));
        return cmd;
    }

    private static IEnumerable<string> Features()
    {
        if (Sse41.IsSupported) yield return "sse4.1";
        if (Avx.IsSupported) yield return "avx";
        if (Avx2.IsSupported) yield return "avx2";
        if (Fma.IsSupported) yield return "fma";
        if (AvxVnni.IsSupported) yield return "avx-vnni";
        if (Avx512F.IsSupported) yield return "avx512f";
        if (Avx512BW.IsSupported) yield return "avx512bw";
        if (Avx512Vbmi.IsSupported) yield return "avx512vbmi";
        if (AdvSimd.IsSupported) yield return "neon";
        if (AdvSimd.Arm64.IsSupported) yield return "neon-arm64";
        if (Dp.IsSupported) yield return "dotprod";
    }
}
