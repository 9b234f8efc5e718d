using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Cnnrt.Kernels;

namespace Cnnrt.Diagnostics;

/// <summary>One ISA's measured float32 FMA throughput on the calling core.</summary>
/// <param name="Isa">The kernel path whose vector width was measured.</param>
/// <param name="Vector">"scalar", "Vector128", "Vector256" or "Vector512".</param>
/// <param name="Lanes">float32 lanes per FMA instruction.</param>
/// <param name="GFlops">Best rate seen, counting an FMA lane as 2 flops.</param>
/// <param name="Seconds">How long the measurement ran.</param>
public readonly record struct FmaPeakResult(KernelIsa Isa, string Vector, int Lanes, double GFlops, double Seconds);

/// <summary>
/// Measures the float32 FMA peak of one core for each kernel path: a loop of <see cref="Chains"/> independent
/// accumulator chains (acc = acc·m + k), enough to cover FMA latency × issue width on current x64 and ARM cores
/// (Zen 4/5: 4 cycles × 2 pipes = 8 in flight), so the loop is bound by FMA throughput alone. The rate reported is
/// the best of many short batches: on a shared machine, the best batch is the one nobody interrupted. This is the
/// denominator of "% of peak" in the benchmark tables.
/// </summary>
public static class FmaPeak
{
    /// <summary>Independent accumulators per loop iteration.</summary>
    public const int Chains = 12;

    /// <summary>Measures every path this host runs (<see cref="CpuFeatures.Available"/>), each for about <paramref name="seconds"/>.</summary>
    public static IReadOnlyList<FmaPeakResult> MeasureAll(double seconds = 0.3) =>
        CpuFeatures.Available.Select(isa => Measure(isa, seconds)).ToArray();

    /// <summary>Measures one path's FMA rate for about <paramref name="seconds"/>.</summary>
    public static FmaPeakResult Measure(KernelIsa isa, double seconds = 0.3)
    {
        if (!CpuFeatures.Supports(isa)) throw CnnrtException.Argument($"this CPU does not run the {CpuFeatures.Name(isa)} path");
        if (!(seconds > 0 && seconds <= 60)) throw CnnrtException.Argument($"peak measurement time must be in (0, 60] seconds, got {seconds}");
        return isa switch
        {
            KernelIsa.Reference => Run<ScalarFma, float>(isa, "scalar", seconds),
            KernelIsa.Vector128 => Run<Vector128Fma, Vector128<float>>(isa, "Vector128", seconds),
            KernelIsa.Avx2 => Run<Vector256Fma, Vector256<float>>(isa, "Vector256", seconds),
            KernelIsa.Avx512 => Run<Vector512Fma, Vector512<float>>(isa, "Vector512", seconds),
            _ => throw CnnrtException.Argument($"no peak measurement for {isa}"),
        };
    }

    private static FmaPeakResult Run<TOps, TVec>(KernelIsa isa, string vector, double seconds)
        where TOps : struct, IFmaOps<TVec> where TVec : struct
    {
        // Batches of ~1 ms at a few hundred GFLOP/s: short enough that many fit in the time and some run undisturbed.
        const long iterations = 1L << 15;
        double flopsPerBatch = 2.0 * TOps.Lanes * Chains * iterations;
        float sink = Loop<TOps, TVec>(1024, 0.5f); // first call: compiled before timing starts
        long start = Stopwatch.GetTimestamp();
        double best = 0;
        do
        {
            long t0 = Stopwatch.GetTimestamp();
            sink += Loop<TOps, TVec>(iterations, sink * 1e-9f + 0.5f);
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (s > 0) best = Math.Max(best, flopsPerBatch / s);
        } while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds);
        // The sum converges to Chains·Lanes·(k/(1 − m)); checking it keeps the loop's result alive and the math honest.
        if (!float.IsFinite(sink)) throw new InvalidOperationException("FMA peak loop produced a non-finite value");
        return new FmaPeakResult(isa, vector, TOps.Lanes, best / 1e9, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>The timed loop: <see cref="Chains"/> dependent FMA chains side by side, no memory traffic.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop<TOps, TVec>(long iterations, float seed)
        where TOps : struct, IFmaOps<TVec> where TVec : struct
    {
        TVec m = TOps.Splat(0.999f), k = TOps.Splat(0.001f);
        TVec a0 = TOps.Splat(seed), a1 = TOps.Splat(seed + 0.01f), a2 = TOps.Splat(seed + 0.02f), a3 = TOps.Splat(seed + 0.03f);
        TVec a4 = TOps.Splat(seed + 0.04f), a5 = TOps.Splat(seed + 0.05f), a6 = TOps.Splat(seed + 0.06f), a7 = TOps.Splat(seed + 0.07f);
        TVec a8 = TOps.Splat(seed + 0.08f), a9 = TOps.Splat(seed + 0.09f), a10 = TOps.Splat(seed + 0.10f), a11 = TOps.Splat(seed + 0.11f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = TOps.MultiplyAdd(a0, m, k); a1 = TOps.MultiplyAdd(a1, m, k); a2 = TOps.MultiplyAdd(a2, m, k);
            a3 = TOps.MultiplyAdd(a3, m, k); a4 = TOps.MultiplyAdd(a4, m, k); a5 = TOps.MultiplyAdd(a5, m, k);
            a6 = TOps.MultiplyAdd(a6, m, k); a7 = TOps.MultiplyAdd(a7, m, k); a8 = TOps.MultiplyAdd(a8, m, k);
            a9 = TOps.MultiplyAdd(a9, m, k); a10 = TOps.MultiplyAdd(a10, m, k); a11 = TOps.MultiplyAdd(a11, m, k);
        }
        TVec s = TOps.Add(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)), TOps.Add(TOps.Add(a4, a5), TOps.Add(a6, a7)));
        return TOps.Sum(TOps.Add(s, TOps.Add(TOps.Add(a8, a9), TOps.Add(a10, a11))));
    }

    /// <summary>The vector operations the loop needs, one struct per width so the JIT specializes the loop for each.</summary>
    private interface IFmaOps<TVec> where TVec : struct
    {
        static abstract int Lanes { get; }
        static abstract TVec Splat(float v);
        static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
        static abstract TVec Add(TVec a, TVec b);
        static abstract float Sum(TVec v);
    }

    /// <summary>Whether 128-bit and scalar FMA are single instructions here (x64 FMA3, ARM64 AdvSimd); else mul + add.</summary>
    private static bool HardwareFma => Fma.IsSupported || AdvSimd.IsSupported;

    private readonly struct ScalarFma : IFmaOps<float>
    {
        public static int Lanes => 1;
        public static float Splat(float v) => v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float MultiplyAdd(float a, float b, float c) => HardwareFma ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;
        public static float Add(float a, float b) => a + b;
        public static float Sum(float v) => v;
    }

    private readonly struct Vector128Fma : IFmaOps<Vector128<float>>
    {
        public static int Lanes => Vector128<float>.Count;
        public static Vector128<float> Splat(float v) => Vector128.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
            HardwareFma ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    }

    private readonly struct Vector256Fma : IFmaOps<Vector256<float>>
    {
        public static int Lanes => Vector256<float>.Count;
        public static Vector256<float> Splat(float v) => Vector256.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    }

    private readonly struct Vector512Fma : IFmaOps<Vector512<float>>
    {
        public static int Lanes => Vector512<float>.Count;
        public static Vector512<float> Splat(float v) => Vector512.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    }
}
