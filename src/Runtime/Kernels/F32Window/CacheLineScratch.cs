namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// Plan-time scratch arrays on the pinned object heap whose used part starts on a 64-byte cache line. A managed
/// array's data starts 16 bytes past an 8-byte-aligned object, so in a channel-interleaved scratch (one 32-byte
/// vector per pixel) every other pixel's vector straddled two cache lines and cost two loads: a stride-2 kernel's odd
/// taps all did, and a layer's speed changed by 20% with where the array happened to land. Pinned, the array never
/// moves, so the offset found once stays right.
/// </summary>
internal static class CacheLineScratch
{
    private const int LineFloats = 16;

    /// <summary>An array with room for <paramref name="length"/> floats from index <paramref name="start"/>, which lies on a
    /// cache line.</summary>
    public static unsafe float[] Allocate(int length, out int start)
    {
        var array = GC.AllocateArray<float>(checked(length + LineFloats), pinned: true);
        fixed (float* p = array) start = (int)((LineFloats - (nuint)p / sizeof(float) % LineFloats) % LineFloats);
        return array;
    }
}
