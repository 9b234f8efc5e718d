using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Pool;

/// <summary>
/// MaxPool of one block of planes in a <see cref="ChannelBlockPlane"/> padded with −∞: each output pixel is one vector
/// (the block's planes), the max of its taps in the same order as <see cref="MaxWindow"/>, four pixels at a time.
/// </summary>
internal static class ChannelBlockMax
{
    public static void Compute<V, TVec>(ChannelBlockPlane plane) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int c = V.Count;
        ReadOnlySpan<int> taps = plane.Taps;
        ReadOnlySpan<int> windows = plane.Windows;
        ref float src = ref plane.Buffer;
        ref float dst = ref plane.Output;
        var start = V.Create(float.NegativeInfinity);
        int p = 0;
        for (; p + 3 < windows.Length; p += 4)
        {
            ref float s0 = ref Unsafe.Add(ref src, windows[p]);
            ref float s1 = ref Unsafe.Add(ref src, windows[p + 1]);
            ref float s2 = ref Unsafe.Add(ref src, windows[p + 2]);
            ref float s3 = ref Unsafe.Add(ref src, windows[p + 3]);
            TVec a0 = start, a1 = start, a2 = start, a3 = start;
            for (int t = 0; t < taps.Length; t++)
            {
                int o = taps[t];
                a0 = V.MaxNative(a0, V.Load(ref Unsafe.Add(ref s0, o)));
                a1 = V.MaxNative(a1, V.Load(ref Unsafe.Add(ref s1, o)));
                a2 = V.MaxNative(a2, V.Load(ref Unsafe.Add(ref s2, o)));
                a3 = V.MaxNative(a3, V.Load(ref Unsafe.Add(ref s3, o)));
            }
            ref float d = ref Unsafe.Add(ref dst, p * c);
            V.Store(a0, ref d);
            V.Store(a1, ref Unsafe.Add(ref d, c));
            V.Store(a2, ref Unsafe.Add(ref d, 2 * c));
            V.Store(a3, ref Unsafe.Add(ref d, 3 * c));
        }
        for (; p < windows.Length; p++)
        {
            ref float s = ref Unsafe.Add(ref src, windows[p]);
            var a = start;
            for (int t = 0; t < taps.Length; t++) a = V.MaxNative(a, V.Load(ref Unsafe.Add(ref s, taps[t])));
            V.Store(a, ref Unsafe.Add(ref dst, p * c));
        }
    }
}
