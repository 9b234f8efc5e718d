using System.Runtime.CompilerServices;
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
    /// into <paramref name="interleaved"/>. With a full block of channels and at least a vector of pixels, by register
    /// transposes of Count pixels, the last block shifted back to end at the run's end (it rewrites a few pixels with
    /// the same values); otherwise element by element, leaving the lanes past <paramref name="channels"/> as they were.
    /// </summary>
    public static void FromPlanes<V, TVec>(ref float planes, int planeStride, int channels, int count, ref float interleaved)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        if (channels < c || count < c)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < count; p++)
                    Unsafe.Add(ref interleaved, p * c + ch) = Unsafe.Add(ref planes, ch * planeStride + p);
            return;
        }
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            V.Transpose(ref Unsafe.Add(ref planes, p), planeStride, ref Unsafe.Add(ref interleaved, p * c), c);
            if (p == count - c) return;
        }
    }

    /// <summary>The inverse of <see cref="FromPlanes"/>: pixels [0, <paramref name="count"/>) of the first
    /// <paramref name="channels"/> lanes back into their planes.</summary>
    public static void ToPlanes<V, TVec>(ref float interleaved, int channels, int count, ref float planes, int planeStride)
        where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        if (channels < c || count < c)
        {
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < count; p++)
                    Unsafe.Add(ref planes, ch * planeStride + p) = Unsafe.Add(ref interleaved, p * c + ch);
            return;
        }
        for (int p = 0; ; p += c)
        {
            if (p > count - c) p = count - c;
            V.Transpose(ref Unsafe.Add(ref interleaved, p * c), c, ref Unsafe.Add(ref planes, p), planeStride);
            if (p == count - c) return;
        }
    }
}
