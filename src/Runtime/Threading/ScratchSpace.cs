using System.Runtime.InteropServices;

namespace Cnnrt.Threading;

/// <summary>
/// One plan's per-thread scratch, shared by all its steps: a plan runs its steps one after another, and a thread runs
/// one task at a time, so each thread needs only as much as the step that needs the most. Steps reserve their share
/// while the plan is built (<see cref="Reserve"/>); the planner then allocates the block once (<see cref="Allocate"/>)
/// and binds every view to it. A task must write whatever it reads of its scratch: the previous step's task left its
/// own data there. Besides the per-thread regions, one region that all threads of a step share
/// (<see cref="ReserveShared"/>: the Winograd input a channel-split step transforms once for all its tiles).
/// </summary>
/// <remarks>
/// Each step had a block of its own: ResNet-18 planned 10.6 MB of scratch on one thread and 23.7 MB on two, plus 1.8
/// MB of Winograd input for its three channel-split 14×14 layers (its arena, every intermediate tensor, is 2.4 MB);
/// shared, 1.2 MB per thread and 0.6 MB step-wide, 3.0 MB on two threads. Speed did not measurably change:
/// alternating `cnnrt bench` processes of the old and new build, ResNet-18 on 2 threads, new/old 0.84–1.08 (median
/// 0.98, 8 pairs, a slow phase) and 1 thread within ±3% (2026-12-05). (One process alternating a plan of each kind had
/// shown 2 threads 8.87 → 8.50 ms, but such in-process comparisons favour one of the two sessions.) The step-wide
/// region, alternating processes again: the three 14×14 layers 0.39–0.43 → 0.37–0.41 ms each at 2 threads, the model
/// unchanged (new/old 0.99–1.09, 8 pairs). One thread, six models, 6 pairs each: medians of new/old 0.95 (MobileNetV2,
/// whose many small layers now find their scratch warm) to 1.01.
/// </remarks>
public sealed unsafe class ScratchSpace
{
    private readonly List<ThreadScratch> views = [];
    private readonly List<ThreadScratch> sharedViews = [];
    private float* block, sharedBlock;
    private bool allocated;

    /// <summary>Floats each thread's region holds (the largest reservation), known once allocated.</summary>
    public long FloatsPerThread { get; private set; }
    /// <summary>Threads with a region (the most any reservation asked for).</summary>
    public int Threads { get; private set; }
    /// <summary>Floats of the region a step's threads share (the largest such reservation).</summary>
    public long SharedFloats { get; private set; }
    /// <summary>Bytes of memory the blocks keep (the guards between threads' regions are never touched, so not counted).</summary>
    public long Bytes => (ThreadScratch.Round(FloatsPerThread) * Threads + ThreadScratch.Round(SharedFloats)) * sizeof(float);

    /// <summary>A step's scratch: <paramref name="floats"/> per thread for <paramref name="threads"/> threads, usable
    /// once <see cref="Allocate"/> has run.</summary>
    public ThreadScratch Reserve(int threads, long floats)
    {
        if (allocated) throw new InvalidOperationException("the plan's scratch is already allocated"); // planner invariant
        var view = new ThreadScratch(this, threads, floats);
        views.Add(view);
        FloatsPerThread = Math.Max(FloatsPerThread, floats);
        Threads = Math.Max(Threads, threads);
        return view;
    }

    /// <summary>A region of <paramref name="floats"/> that every thread of one step reads and writes (its
    /// <see cref="ThreadScratch.For"/>(0)), usable once <see cref="Allocate"/> has run.</summary>
    public ThreadScratch ReserveShared(long floats)
    {
        if (allocated) throw new InvalidOperationException("the plan's scratch is already allocated"); // planner invariant
        var view = new ThreadScratch(this, 1, floats);
        sharedViews.Add(view);
        SharedFloats = Math.Max(SharedFloats, floats);
        return view;
    }

    /// <summary>Allocates the blocks for every reservation made and binds the views to them; called once, when the
    /// plan's steps are all built.</summary>
    public void Allocate()
    {
        if (allocated) throw new InvalidOperationException("the plan's scratch is already allocated"); // planner invariant
        allocated = true;
        if (Threads > 0)
        {
            long stride = ThreadScratch.StrideFor(Threads, ThreadScratch.Round(FloatsPerThread));
            block = ThreadScratch.Allocate(Threads, stride, FloatsPerThread);
            foreach (var view in views) view.Bind(block, stride);
        }
        if (sharedViews.Count > 0)
        {
            sharedBlock = ThreadScratch.Allocate(1, ThreadScratch.Round(SharedFloats), SharedFloats);
            foreach (var view in sharedViews) view.Bind(sharedBlock, 0);
        }
        if (Bytes > 0) GC.AddMemoryPressure(Bytes);
    }

    ~ScratchSpace()
    {
        if (block != null) NativeMemory.AlignedFree(block);
        if (sharedBlock != null) NativeMemory.AlignedFree(sharedBlock);
        // The reservations are fixed once allocated, so Bytes is what Allocate told the runtime.
        if (allocated && Bytes > 0) GC.RemoveMemoryPressure(Bytes);
    }
}
