using System.CommandLine;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;
using Cnnrt.Diagnostics;
using Cnnrt.Kernels;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt info`: version, the CPU features .NET detects, which kernel paths are in use; optionally the FMA peak.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var peak = new Option<bool>("--peak") { Description = "Measure this core's float32 FMA peak (GFLOP/s) for each kernel path it runs." };
        var seconds = new Option<double>("--peak-seconds") { Description = "Measuring time per path.", DefaultValueFactory = _ => 0.3 };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("info", "Show the version, detected CPU features and active kernel paths.") { peak, seconds, json };
        cmd.SetAction(r => CliSupport.Guard(() =>
        {
            var peaks = r.GetValue(peak) ? FmaPeak.MeasureAll(r.GetValue(seconds)) : null;
            if (r.GetValue(json)) WriteJson(peaks);
            else WriteText(peaks);
            return 0;
        }));
        return cmd;
    }

    private static string Version => typeof(Model).Assembly.GetName().Version?.ToString(3) ?? "?";
    private static string RuntimeKind => RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT";

    private static void WriteText(IReadOnlyList<FmaPeakResult>? peaks)
    {
        Console.WriteLine($"cnnrt {Version}");
        Console.WriteLine($"runtime: .NET {Environment.Version} ({RuntimeKind}), {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"cpu features: {string.Join(" ", Features())}");
        Console.WriteLine($"vector widths: Vector128 {(Vector128.IsHardwareAccelerated ? "yes" : "no")}, Vector256 {(Vector256.IsHardwareAccelerated ? "yes" : "no")}, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, Vector<float> {Vector<float>.Count} lanes");
        Console.WriteLine($"kernel paths: {KernelPaths.Active}");
        if (peaks is null) return;
        Console.WriteLine($"float32 FMA peak of one core ({FmaPeak.Chains} independent chains, best batch):");
        foreach (var p in peaks)
            Console.WriteLine($"  {CpuFeatures.Name(p.Isa),-10} {p.Vector,-10} {p.Lanes,2} lanes  {p.GFlops,8:F1} GFLOP/s");
    }

    private static void WriteJson(IReadOnlyList<FmaPeakResult>? peaks)
    {
        using var w = CliSupport.JsonOut();
        w.WriteStartObject();
        w.WriteString("version", Version);
        w.WriteString("runtime", RuntimeKind.ToLowerInvariant());
        w.WriteString("dotnet", Environment.Version.ToString());
        w.WriteString("architecture", RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant());
        w.WriteNumber("logical_cores", Environment.ProcessorCount);
        w.WriteStartArray("cpu_features");
        foreach (var f in Features()) w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteString("best_isa", CpuFeatures.Name(CpuFeatures.Best));
        w.WriteStartArray("available_isas");
        foreach (var isa in CpuFeatures.Available) w.WriteStringValue(CpuFeatures.Name(isa));
        w.WriteEndArray();
        if (peaks is not null)
        {
            w.WriteNumber("peak_chains", FmaPeak.Chains);
            w.WriteStartArray("peaks");
            foreach (var p in peaks)
            {
                w.WriteStartObject();
                w.WriteString("isa", CpuFeatures.Name(p.Isa));
                w.WriteString("vector", p.Vector);
                w.WriteNumber("lanes", p.Lanes);
                w.WriteNumber("gflops", p.GFlops);
                w.WriteNumber("seconds", p.Seconds);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
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
