using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// Moves a run of pixels between up to <c>V.Count</c> channel planes and the channel-interleaved layout of the
/// channel-block scratches (pixel p's lanes at p·Count, lane i holding channel i): what <see cref="ChannelBlockPlane"/>
/// and <see cref="ChannelBlockRows"/> do for each row (or plane) they transpose in and out.
/// </summary>
internal static class ChannelInterleave
{
    /// <summary>
    /// Pixels [0, <paramref name="count"/>) of <paramref name="channels"/> planes (<paramref name="planeStride"/> apart)
    /// into <paramref name="interleaved"/>. With at least a vector of pixels, by register transposes of Count pixels,
    /// the last block shifted back to end at the run's end (it rewrites a few pixels with the same values); a block of
    /// fewer channels than lanes through a tile whose rows past <paramref name="channels"/> are zero, so those lanes
    /// become zero. Fewer pixels than a vector go element by element, leaving the lanes past the channels as they were.
    /// </summary>
    public static void FromPlanes<V, TVec>(ref float planes, int planeStride, int channels, int count, ref float interleaved)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        if (count < c)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < count; p++)
                    Unsafe.Add(ref interleaved, p * c + ch) = Unsafe.Add(ref planes, ch * planeStride + p);
            return;
        }
        if (channels < c)
        {
            PartialFromPlanes<V, TVec>(ref planes, planeStride, channels, count, ref interleaved);
            return;
        }
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            V.Transpose(ref Unsafe.Add(ref planes, p), planeStride, ref Unsafe.Add(ref interleaved, p * c), c);
            if (p == count - c) return;
        }
    }

    /// <summary>
    /// <see cref="FromPlanes"/> for a last block of fewer channels than lanes (24 channels on 16 lanes: 16 + 8): each
    /// Count pixels of the channels' planes are copied into a Count × Count tile, one vector a channel, and transposed
    /// from there, since a transpose straight from the planes would read rows past the last plane. It had gone element
    /// by element: the 8-channel second block of ShuffleNetV2's 24-channel depthwise layers on AVX-512 then took
    /// longer than the first block and all the arithmetic; with the tile, those five layers 0.100 → 0.043 ms in all
    /// (per-layer minima of three alternating profiles each, 2026-12-06, with <see
    /// cref="F32Depthwise.F32DepthwiseConv.BlockVectors"/>'s 8-lane blocks for them; the tile alone took the two stride-2
    /// ones 0.026 → 0.016–0.017 ms).
    /// </summary>
    [SkipLocalsInit]
    private static void PartialFromPlanes<V, TVec>(ref float planes, int planeStride, int channels, int count, ref float interleaved)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        Span<float> tileFloats = stackalloc float[MaxLanes * MaxLanes];
        tileFloats.Slice(channels * c, (c - channels) * c).Clear();
        ref float tile = ref MemoryMarshal.GetReference(tileFloats);
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            for (int ch = 0; ch < channels; ch++)
                V.Store(V.Load(ref Unsafe.Add(ref planes, ch * planeStride + p)), ref Unsafe.Add(ref tile, ch * c));
            V.Transpose(ref tile, c, ref Unsafe.Add(ref interleaved, p * c), c);
            if (p == count - c) return;
        }
    }

    /// <summary>Lanes of the widest vector (<see cref="F32Vector512"/>): the tile of a partial block.</summary>
    private const int MaxLanes = 16;

    /// <summary>The inverse of <see cref="FromPlanes"/>: pixels [0, <paramref name="count"/>) of the first
    /// <paramref name="channels"/> lanes back into their planes.</summary>
    public static void ToPlanes<V, TVec>(ref float interleaved, int channels, int count, ref float planes, int planeStride)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        if (count < c)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < count; p++)
                    Unsafe.Add(ref planes, ch * planeStride + p) = Unsafe.Add(ref interleaved, p * c + ch);
            return;
        }
        if (channels < c)
        {
            PartialToPlanes<V, TVec>(ref interleaved, channels, count, ref planes, planeStride);
            return;
        }
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            V.Transpose(ref Unsafe.Add(ref interleaved, p * c), c, ref Unsafe.Add(ref planes, p), planeStride);
            if (p == count - c) return;
        }
    }

    /// <summary><see cref="ToPlanes"/> for a block of fewer channels than lanes: each Count pixels transposed into a tile,
    /// whose first <paramref name="channels"/> rows are stored (see <see cref="PartialFromPlanes"/>).</summary>
    [SkipLocalsInit]
    private static void PartialToPlanes<V, TVec>(ref float interleaved, int channels, int count, ref float planes, int planeStride)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        Span<float> tileFloats = stackalloc float[MaxLanes * MaxLanes];
        ref float tile = ref MemoryMarshal.GetReference(tileFloats);
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            V.Transpose(ref Unsafe.Add(ref interleaved, p * c), c, ref tile, c);
            for (int ch = 0; ch < channels; ch++)
                V.Store(V.Load(ref Unsafe.Add(ref tile, ch * c)), ref Unsafe.Add(ref planes, ch * planeStride + p));
            if (p == count - c) return;
        }
    }
}
