using System.Runtime.InteropServices;

namespace Cnnrt.Threading;

/// <summary>
/// Native floats that one thread works in: zeroed, starting on a 64-byte cache line, and followed by
/// <see cref="ThreadScratch.GuardBytes"/> of address space that nothing touches, so that no other such buffer (each with
/// a guard of its own) begins near where this one ends. The per-thread scratch of the window steps (depthwise
/// convolution, pooling) lives in these: on the 2-core EPYC VM a thread ran several times slower while the other thread
/// worked in a buffer allocated right after its own, with no line shared (see <see cref="ThreadScratch"/>): MobileNetV2's
/// 112×112 depthwise layer, timed alone with its per-thread rows on the pinned heap one after the other, ran 125–200 µs on
/// two threads against 100–160 on one; with 256 KB between them, 60–134 µs (2026-12-05). The guard costs address space
/// only: its pages are never written, so never backed by memory. On a cache line because channel-interleaved scratch
/// holds one vector per pixel: off a line, every other pixel's vector straddled two lines and cost two loads (a stride-2
/// kernel's odd taps all did), and a layer's speed changed by 20% with where a managed array happened to land.
/// </summary>
public sealed unsafe class GuardedFloats
{
    private readonly long pressure;

    /// <param name="floats">Floats the thread uses (0 gives a valid pointer to nothing).</param>
    public GuardedFloats(long floats)
    {
        if (floats < 0 || floats > int.MaxValue)
            throw CnnrtException.Limit($"per-thread window scratch of {floats} floats is out of range");
        Length = (int)floats;
        long used = ThreadScratch.Round(floats);
        // ThreadScratch's block of one region with the guard after it: aligned, its whole cache lines cleared.
        Pointer = ThreadScratch.Allocate(1, used + ThreadScratch.GuardBytes / sizeof(float), used);
        // The runtime sees only this object: tell it how much memory it keeps alive (the guard is not backed).
        pressure = used * sizeof(float);
        if (pressure > 0) GC.AddMemoryPressure(pressure);
    }

    /// <summary>The first float, on a cache line.</summary>
    public float* Pointer { get; }

    public int Length { get; }

    /// <summary>Offsets of consecutive parts of <paramref name="lengths"/> floats, each rounded up to whole cache lines,
    /// and the floats they take in all: how an object lays several buffers out in one of these.</summary>
    public static long Layout(ReadOnlySpan<long> lengths, Span<long> offsets)
    {
        long at = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            offsets[i] = at;
            at += ThreadScratch.Round(lengths[i]);
        }
        return at;
    }

    ~GuardedFloats()
    {
        NativeMemory.AlignedFree(Pointer);
        if (pressure > 0) GC.RemoveMemoryPressure(pressure);
    }
}
