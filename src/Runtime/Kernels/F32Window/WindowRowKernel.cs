using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// What a sliding-window op computes over its taps, for <see cref="WindowRowKernel"/>: depthwise Conv (bias plus
/// weighted taps, activation), MaxPool (max), AveragePool (sum, divided by the window's count).
/// </summary>
public interface IWindowOp
{
    /// <summary>The accumulator before the first tap.</summary>
    TVec Start<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct;
    /// <summary>Adds one tap's inputs; <paramref name="factor"/> is the tap's factor (a depthwise weight) broadcast.</summary>
    TVec Accumulate<V, TVec>(TVec acc, TVec x, TVec factor) where V : struct, IF32Vector<TVec> where TVec : struct;
    /// <summary>The stored value of the outputs (row, column .. column + Count − 1).</summary>
    TVec Finish<V, TVec>(TVec acc, int row, int column) where V : struct, IF32Vector<TVec> where TVec : struct;
}

/// <summary>
/// Computes one output plane of a sliding-window op from its <see cref="PaddedPlane"/>: the plane's output vectors
/// (<see cref="PaddedPlane.Jobs"/>) four at a time, so four independent accumulator chains hide the FMA latency
/// whether the vectors lie along one wide row or on four narrow ones (a 7×7 or 14×14 plane). Every read is in bounds
/// by the plane's layout; overlapping and repeated jobs store the same values again.
/// </summary>
public static class WindowRowKernel
{
    /// <param name="tapFactors">One factor per tap (the channel's weights; zeros for the pools), broadcast once per
    /// tap for four vectors.</param>
    public static void Plane<V, TVec, TOp>(PaddedPlane plane, TOp op, ReadOnlySpan<float> tapFactors, Span<float> y)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : struct, IWindowOp
    {
        ReadOnlySpan<int> taps = plane.Taps;
        tapFactors = tapFactors[..taps.Length];
        ref float factors = ref MemoryMarshal.GetReference(tapFactors);
        ReadOnlySpan<WindowJob> jobs = plane.Jobs;
        ref float src = ref plane.Buffer;
        bool narrow = plane.Narrow;
        ref float dst = ref narrow ? ref plane.NarrowOutput : ref MemoryMarshal.GetReference(y);
        for (int j = 0; j + 3 < jobs.Length; j += 4)
        {
            WindowJob j0 = jobs[j], j1 = jobs[j + 1], j2 = jobs[j + 2], j3 = jobs[j + 3];
            ref float s0 = ref Unsafe.Add(ref src, j0.Source);
            ref float s1 = ref Unsafe.Add(ref src, j1.Source);
            ref float s2 = ref Unsafe.Add(ref src, j2.Source);
            ref float s3 = ref Unsafe.Add(ref src, j3.Source);
            var a0 = op.Start<V, TVec>();
            var a1 = a0;
            var a2 = a0;
            var a3 = a0;
            for (int t = 0; t < taps.Length; t++)
            {
                var f = V.Create(Unsafe.Add(ref factors, t));
                int o = taps[t];
                a0 = op.Accumulate<V, TVec>(a0, V.Load(ref Unsafe.Add(ref s0, o)), f);
                a1 = op.Accumulate<V, TVec>(a1, V.Load(ref Unsafe.Add(ref s1, o)), f);
                a2 = op.Accumulate<V, TVec>(a2, V.Load(ref Unsafe.Add(ref s2, o)), f);
                a3 = op.Accumulate<V, TVec>(a3, V.Load(ref Unsafe.Add(ref s3, o)), f);
            }
            StoreFour<V, TVec, TOp>(op, ref dst, a0, a1, a2, a3, j0, j1, j2, j3);
        }
        if (!narrow) return;
        int c = V.Count, outW = plane.OutW;
        ref float y0 = ref MemoryMarshal.GetReference(y);
        for (int oh = 0; oh < plane.OutH; oh++)
            ShortRowCopy.Copy(ref Unsafe.Add(ref dst, oh * c), ref Unsafe.Add(ref y0, oh * outW), outW);
    }

    /// <summary>
    /// Finishes and stores the four accumulators. One call that consumes all four: where NativeAOT does not inline the
    /// window op's Finish, four separate calls kept three accumulators live across calls, and its register allocator
    /// then spilled all four inside the tap loop (MobileNetV2's wide depthwise layers ran 3× slower than the JIT build).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFour<V, TVec, TOp>(TOp op, ref float dst, TVec a0, TVec a1, TVec a2, TVec a3,
        WindowJob j0, WindowJob j1, WindowJob j2, WindowJob j3)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : struct, IWindowOp
    {
        V.Store(op.Finish<V, TVec>(a0, j0.Row, j0.Column), ref Unsafe.Add(ref dst, j0.Destination));
        V.Store(op.Finish<V, TVec>(a1, j1.Row, j1.Column), ref Unsafe.Add(ref dst, j1.Destination));
        V.Store(op.Finish<V, TVec>(a2, j2.Row, j2.Column), ref Unsafe.Add(ref dst, j2.Destination));
        V.Store(op.Finish<V, TVec>(a3, j3.Row, j3.Column), ref Unsafe.Add(ref dst, j3.Destination));
    }
}
