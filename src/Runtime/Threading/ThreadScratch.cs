using System.Runtime.InteropServices;

namespace Cnnrt.Threading;

/// <summary>
/// Scratch floats for each thread that runs a step's tasks, each thread's region 64-byte aligned and followed by
/// <see cref="GuardBytes"/> of address space that nothing touches, so no two threads' regions lie near each other
/// (nor the first thread's and the end of what the allocator put before this block, which has its own guard if it is
/// another thread's scratch). Either a block of its own, zeroed when allocated, or a step's view of its plan's
/// <see cref="ScratchSpace"/>, which every step of the plan shares (<see cref="ScratchSpace.Reserve"/>) and which holds
/// whatever the step before left in it.
/// </summary>
/// <remarks>
/// On the 2-core EPYC VM, in the host's slow phases, a thread ran its memory-bound work much slower while the other
/// thread worked in a buffer that began where its own ended, with no line shared: two threads running the same Winograd
/// tile blocks of ResNet-18's 56×56 layer on private inputs, outputs and scratch took 60 µs for the input transform and
/// 27 for the output one on either thread alone; with the two scratch buffers adjacent (as consecutive allocations put
/// them) one thread's took 97–105 and 48–52, 64 KB apart 64–76, 192 KB or more apart 61–66 and 27–29 (2026-12-05). The
/// Winograd and GEMM convolution steps had allocated their threads' scratch one after the other; with it guarded,
/// ResNet-18 on 2 threads ran 9.20 → 8.59 ms (min of 8 alternating `cnnrt bench` processes; medians 9.88 → 8.97), one
/// thread unchanged; in a fast phase (adjacent buffers then cost nothing) 7.46 → 7.48. The guard costs address space
/// only: its pages are never written, so they are never backed by memory. One thread needs no guard.
/// </remarks>
public sealed unsafe class ThreadScratch
{
    /// <summary>Untouched bytes after each thread's region: several times the 192 KB that was enough.</summary>
    public const int GuardBytes = 1 << 20;
    private const int AlignFloats = 16;

    // Set once: by the constructor for a block of its own, by the plan's ScratchSpace (before the first run) for a view.
    private float* block;
    private long stride;
    private readonly long pressure;
    // Set for a view, which keeps its space (and so the block) alive; null for a block of its own, which this frees.
    private readonly ScratchSpace? space;

    /// <param name="threads">Threads that run the step's tasks (the pool's, 1 without a pool); 0 allocates nothing.</param>
    /// <param name="floats">Floats each thread needs.</param>
    public ThreadScratch(int threads, long floats)
    {
        Check(threads, floats);
        Threads = threads;
        Length = (int)floats;
        if (threads == 0) return;
        long rounded = Round(floats);
        stride = StrideFor(threads, rounded);
        block = Allocate(threads, stride, floats);
        // The runtime sees only this object: tell it how much memory it keeps alive (the guards are not backed).
        pressure = rounded * threads * sizeof(float);
        if (pressure > 0) GC.AddMemoryPressure(pressure);
    }

    /// <summary>A view of <paramref name="space"/>, bound to its block by <see cref="ScratchSpace.Allocate"/>.</summary>
    internal ThreadScratch(ScratchSpace space, int threads, long floats)
    {
        Check(threads, floats);
        this.space = space;
        Threads = threads;
        Length = (int)floats;
    }

    public int Threads { get; }
    /// <summary>Floats of each thread's region.</summary>
    public int Length { get; }

    /// <summary>Thread <paramref name="thread"/>'s region (the thread number <see cref="IParallelWork.Execute"/> gets).</summary>
    public float* For(int thread) => block + thread * stride;

    internal void Bind(float* shared, long sharedStride)
    {
        block = shared;
        stride = sharedStride;
    }

    internal static long Round(long floats) => (floats + AlignFloats - 1) / AlignFloats * AlignFloats;

    internal static long StrideFor(int threads, long rounded) => threads == 1 ? rounded : rounded + GuardBytes / sizeof(float);

    /// <summary>A zeroed, 64-byte-aligned block of <paramref name="threads"/> regions <paramref name="stride"/> floats
    /// apart, of which the first <paramref name="floats"/> of each are cleared (the guards stay untouched).</summary>
    internal static float* Allocate(int threads, long stride, long floats)
    {
        long bytes = Math.Max(stride * threads, AlignFloats) * sizeof(float);
        // Throws OutOfMemoryException itself when the request cannot be met.
        var p = (float*)NativeMemory.AlignedAlloc((nuint)bytes, AlignFloats * sizeof(float));
        for (int t = 0; t < threads; t++) NativeMemory.Clear(p + t * stride, (nuint)(floats * sizeof(float)));
        return p;
    }

    private static void Check(int threads, long floats)
    {
        if (threads < 0 || floats < 0 || floats > int.MaxValue)
            throw CnnrtException.Limit($"per-thread scratch of {floats} floats for {threads} threads is out of range");
    }

    ~ThreadScratch()
    {
        if (space is not null || block == null) return;
        NativeMemory.AlignedFree(block);
        if (pressure > 0) GC.RemoveMemoryPressure(pressure);
    }
}
