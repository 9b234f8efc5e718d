using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.F32Winograd;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Tests.Kernels;
using Cnnrt.Threading;

namespace Cnnrt.Tests.Threading;

/// <summary>
/// A plan's shared scratch: per-thread regions and one step-wide region, each sized by its largest reservation, every
/// view bound to the same memory, and the steps that share it write whatever they read of it, so what an earlier step
/// left there (NaN here) never reaches an output: each convolution step gives bit for bit what it gives on scratch of
/// its own (the 14×14 Winograd case splits output channels on 2 and 3 threads, so it uses the step-wide region).
/// </summary>
public sealed unsafe class ScratchSpaceTests
{
    [Fact]
    public void Views_share_regions_sized_by_the_largest_reservation()
    {
        var space = new ScratchSpace();
        var small = space.Reserve(2, 100);
        var large = space.Reserve(3, 5000);
        var single = space.Reserve(1, 17);
        var stepWide = space.ReserveShared(300);
        var stepWideLarger = space.ReserveShared(7001);
        space.Allocate();
        Assert.Equal(5000, space.FloatsPerThread);
        Assert.Equal(3, space.Threads);
        Assert.Equal(7001, space.SharedFloats);
        Assert.Equal((5008L * 3 + 7008) * sizeof(float), space.Bytes);
        Assert.True(stepWide.For(0) == stepWideLarger.For(0));
        Assert.Equal(0, (long)stepWide.For(0) % 64);
        for (int i = 0; i < 7001; i++) Assert.Equal(0f, stepWideLarger.For(0)[i]);
        // The step-wide region is none of the threads' regions.
        for (int t = 0; t < 3; t++)
            Assert.True(stepWide.For(0) + 7001 <= large.For(t) || large.For(t) + 5000 <= stepWide.For(0), $"thread {t}");
        Assert.Equal(100, small.Length);
        Assert.Equal(2, small.Threads);
        for (int t = 0; t < 3; t++)
        {
            Assert.Equal(0, (long)large.For(t) % 64);
            for (int i = 0; i < 5000; i++) Assert.Equal(0f, large.For(t)[i]);
            if (t > 0)
                Assert.True((long)large.For(t) - (long)(large.For(t - 1) + 5000) >= ThreadScratch.GuardBytes, $"thread {t}");
        }
        Assert.True(small.For(0) == large.For(0) && small.For(1) == large.For(1) && single.For(0) == large.For(0));
        GC.KeepAlive(space);
    }

    [Fact]
    public void Reserving_or_allocating_after_allocation_is_refused()
    {
        var space = new ScratchSpace();
        space.Reserve(1, 10);
        space.Allocate();
        Assert.Throws<InvalidOperationException>(() => space.Reserve(1, 10));
        Assert.Throws<InvalidOperationException>(() => space.ReserveShared(10));
        Assert.Throws<InvalidOperationException>(() => space.Allocate());
    }

    [Fact]
    public void A_space_without_reservations_allocates_nothing()
    {
        var space = new ScratchSpace();
        space.Allocate();
        Assert.Equal(0, space.Bytes);
    }

    public static TheoryData<KernelIsa, int> Cases()
    {
        var data = new TheoryData<KernelIsa, int>();
        foreach (var isa in VectorKernelRunner.FastIsas)
            foreach (int threads in new[] { 1, 2, 3 }) data.Add(isa, threads);
        return data;
    }

    private static SpatialParams Geometry(int h, int w, int k, int stride, int[] pads)
    {
        SpatialAxis Axis(int input, int begin, int end) =>
            new(input, k, stride, 1, begin, end, (input + begin + end - k) / stride + 1);
        return new SpatialParams([Axis(h, pads[0], pads[2]), Axis(w, pads[1], pads[3])]);
    }

    /// <summary>Convolutions on the Winograd path (every padding kind, tiles cut at the edge) and on both GEMM
    /// orientations (pointwise, strided, deep small planes), each built twice: on a shared space and on its own scratch.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Convolution_steps_ignore_what_earlier_steps_left_in_the_shared_scratch(KernelIsa isa, int threads)
    {
        using var pool = threads > 1 ? new WorkerPool(threads) : null;
        var activation = new FusedActivation(ActivationKind.Relu);
        var problems = new (int C, int M, int H, int W, int K, int Stride, int[] Pads, bool Winograd)[]
        {
            (5, 7, 9, 11, 3, 1, [1, 1, 1, 1], true),
            (16, 20, 14, 14, 3, 1, [0, 2, 1, 0], true),
            (3, 4, 6, 5, 3, 1, [0, 0, 0, 0], true),
            (12, 24, 30, 29, 3, 1, [1, 1, 1, 1], true),
            (24, 40, 17, 13, 1, 1, [0, 0, 0, 0], false),
            (8, 12, 15, 15, 3, 2, [1, 1, 1, 1], false),
            (64, 64, 7, 7, 3, 1, [1, 1, 1, 1], false),
            (3, 16, 12, 12, 3, 1, [1, 1, 1, 1], false),
        };
        var rng = new Random(threads * 31 + (int)isa);
        foreach (var p in problems)
        {
            var geometry = Geometry(p.H, p.W, p.K, p.Stride, p.Pads);
            int outPlane = geometry.Axes[0].Output * geometry.Axes[1].Output;
            var x = Enumerable.Range(0, p.C * p.H * p.W).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var w = Enumerable.Range(0, p.M * p.C * p.K * p.K).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, p.M).Select(_ => (float)rng.NextDouble()).ToArray();
            Step Build(float[] y, ScratchSpace? space) => p.Winograd
                ? F32WinogradStep.Create(new WinogradKernel(isa, OneVector: false), "conv", "Conv", Slot.Of(x), Slot.Of(y), 1, p.C, p.M,
                    geometry, w, b, activation, pool, scratch: space)
                : F32ConvGemmStep.Create(F32GemmKernel.For(isa, activation.Kind), "conv", "Conv", Slot.Of(x), Slot.Of(y), 1, p.C, p.M, 1,
                    geometry, w, b, activation, pool: pool, scratch: space);
            var own = new float[p.M * outPlane];
            Build(own, null).Run();

            var space = new ScratchSpace();
            var shared = new float[p.M * outPlane];
            var step = Build(shared, space);
            // An earlier step of the plan, which leaves NaN over every thread's whole region and the step-wide one.
            var earlier = space.Reserve(threads, 1);
            var earlierShared = space.ReserveShared(1);
            space.Allocate();
            for (int round = 0; round < 2; round++)
            {
                for (int t = 0; t < space.Threads; t++) new Span<float>(earlier.For(t), (int)space.FloatsPerThread).Fill(float.NaN);
                new Span<float>(earlierShared.For(0), (int)space.SharedFloats).Fill(float.NaN);
                Array.Clear(shared);
                step.Run();
                Assert.True(own.AsSpan().SequenceEqual(shared),
                    $"{(p.Winograd ? "Winograd" : "GEMM")} C{p.C} M{p.M} {p.H}x{p.W} k{p.K} s{p.Stride} pads[{string.Join(",", p.Pads)}] on {isa}, {threads} threads, round {round}");
            }
            GC.KeepAlive(space);
        }
    }
}
