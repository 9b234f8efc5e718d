using System.Runtime.InteropServices;

namespace Cnnrt.Threading;

/// <summary>
/// One plan's per-thread scratch, shared by all its steps: a plan runs its steps one after another, and a thread runs
/// one task at a time, so each thread needs only as much as the step that needs the most. Steps reserve their share
/// while the plan is built (<see cref="Reserve"/>); the planner then allocates the block once (<see cref="Allocate"/>)
/// and binds every view to it. A task must write whatever it reads of its scratch: the previous step's task left its
/// own data there.
/// </summary>
/// <remarks>
/// Each step had a block of its own: ResNet-18 planned 10.6 MB of scratch on one thread and 23.7 MB on two (its
/// arena, every intermediate tensor, is 2.4 MB); shared, 1.2 MB per thread. Speed did not measurably change:
/// alternating `cnnrt bench` processes of the old and new build, ResNet-18 on 2 threads, new/old 0.84–1.08 (median
/// 0.98, 8 pairs, a slow phase) and 1 thread within ±3% (2026-12-05). (One process alternating a plan of each kind had
/// shown 2 threads 8.87 → 8.50 ms, but such in-process comparisons favour one of the two sessions.)
/// </remarks>
public sealed unsafe class ScratchSpace
{
    private readonly List<ThreadScratch> views = [];
    private float* block;
    private long bytes;

    /// <summary>Floats each thread's region holds (the largest reservation), known once allocated.</summary>
    public long FloatsPerThread { get; private set; }
    /// <summary>Threads with a region (the most any reservation asked for).</summary>
    public int Threads { get; private set; }
    /// <summary>Bytes of memory the block keeps (the guards between threads' regions are never touched, so not counted).</summary>
    public long Bytes => ThreadScratch.Round(FloatsPerThread) * Threads * sizeof(float);

    /// <summary>A step's scratch: <paramref name="floats"/> per thread for <paramref name="threads"/> threads, usable
    /// once <see cref="Allocate"/> has run.</summary>
    public ThreadScratch Reserve(int threads, long floats)
    {
        if (block != null) throw new InvalidOperationException("the plan's scratch is already allocated"); // planner invariant
        var view = new ThreadScratch(this, threads, floats);
        views.Add(view);
        FloatsPerThread = Math.Max(FloatsPerThread, floats);
        Threads = Math.Max(Threads, threads);
        return view;
    }

    /// <summary>Allocates the block for every reservation made and binds the views to it; called once, when the plan's
    /// steps are all built.</summary>
    public void Allocate()
    {
        if (block != null) throw new InvalidOperationException("the plan's scratch is already allocated"); // planner invariant
        if (Threads == 0) return;
        long stride = ThreadScratch.StrideFor(Threads, ThreadScratch.Round(FloatsPerThread));
        block = ThreadScratch.Allocate(Threads, stride, FloatsPerThread);
        bytes = Bytes;
        if (bytes > 0) GC.AddMemoryPressure(bytes);
        foreach (var view in views) view.Bind(block, stride);
    }

    ~ScratchSpace()
    {
        if (block == null) return;
        NativeMemory.AlignedFree(block);
        if (bytes > 0) GC.RemoveMemoryPressure(bytes);
    }
}
