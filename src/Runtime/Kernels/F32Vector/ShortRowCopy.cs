using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// Copies a short row of floats by whole vectors, the last one overlapping the one before. Feature-map rows are 7–112
/// floats, where a memmove call per row costs more than the copy itself: staging the padded input of a 32-channel
/// 14×14 convolution took 1.9 µs through <c>Span.CopyTo</c>. A pure copy, so the widest vector the host has is used
/// whatever the plan's kernel path (the result is the same), down to 4-float vectors for rows of 4–7.
/// </summary>
public static unsafe class ShortRowCopy
{
    /// <summary>to[i] = from[i] for i in [0, <paramref name="count"/>); the two rows must not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* from, float* to, int count)
    {
        if (Vector512.IsHardwareAccelerated && count >= 16)
        {
            int i = 0;
            for (; i + 16 <= count; i += 16) Vector512.Store(Vector512.Load(from + i), to + i);
            if (i < count) Vector512.Store(Vector512.Load(from + count - 16), to + count - 16);
            return;
        }
        if (Vector256.IsHardwareAccelerated && count >= 8)
        {
            int i = 0;
            for (; i + 8 <= count; i += 8) Vector256.Store(Vector256.Load(from + i), to + i);
            if (i < count) Vector256.Store(Vector256.Load(from + count - 8), to + count - 8);
            return;
        }
        if (Vector128.IsHardwareAccelerated && count >= 4)
        {
            int i = 0;
            for (; i + 4 <= count; i += 4) Vector128.Store(Vector128.Load(from + i), to + i);
            if (i < count) Vector128.Store(Vector128.Load(from + count - 4), to + count - 4);
            return;
        }
        for (int i = 0; i < count; i++) to[i] = from[i];
    }

    /// <summary>The same for rows in managed arrays (pinned for the copy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(ref float from, ref float to, int count)
    {
        fixed (float* f = &from, t = &to) Copy(f, t, count);
    }
}
