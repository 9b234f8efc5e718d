namespace Cnnrt.Kernels;

/// <summary>
/// The channel-blocked layout (NCHWc) a plan may store a value in between kernels that both work with channels in
/// vector lanes: [N][⌈C/L⌉][H][W][L], L = <see cref="Lanes"/> of the plan's ISA. The lanes past the last channel of
/// the last block hold values no reader uses: every blocked kernel works lane by lane or reads only the real
/// channels, so they need not even be finite (a Div by the per-channel operand's zero padding leaves infinities
/// there). A depthwise convolution computes one vector of L channels per pixel and a pixel-major GEMM tile 2 such vectors per pixel: between the two, NCHW costs a transpose
/// on each side (into the depthwise step's channel blocks, out of its blocks, out of the GEMM's tiles), the blocked
/// layout a copy of whole vectors. The planner (<see cref="Planning.ChannelBlocking"/>) picks it per value, where
/// the producer and every consumer take it; graph inputs and outputs stay NCHW.
/// </summary>
public static class ChannelBlockedLayout
{
    /// <summary>Channels per block on <paramref name="isa"/>: one vector of floats (0 on the reference path, which has no blocked kernels).</summary>
    public static int Lanes(KernelIsa isa) => isa switch
    {
        KernelIsa.Avx512 => 16,
        KernelIsa.Avx2 => 8,
        KernelIsa.Vector128 => 4,
        _ => 0,
    };

    public static int Blocks(int channels, int lanes) => (channels + lanes - 1) / lanes;

    /// <summary>Floats a value of NCHW <paramref name="shape"/> takes blocked: its channels rounded up to whole blocks.</summary>
    public static long Count(ReadOnlySpan<int> shape, int lanes)
    {
        long count = (long)shape[0] * Blocks(shape[1], lanes) * lanes;
        for (int i = 2; i < shape.Length; i++) count *= shape[i];
        return count;
    }

    /// <summary>Reorders NCHW <paramref name="x"/> (<paramref name="shape"/>) into the blocked layout, zeros in the lanes
    /// past the last channel. For tests and tools; plans never convert.</summary>
    public static float[] FromNchw(ReadOnlySpan<float> x, ReadOnlySpan<int> shape, int lanes)
    {
        int batch = shape[0], channels = shape[1], blocks = Blocks(channels, lanes);
        int plane = (int)(x.Length / ((long)batch * channels));
        var blocked = new float[Count(shape, lanes)];
        for (int n = 0; n < batch; n++)
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < plane; p++)
            blocked[((long)(n * blocks + c / lanes) * plane + p) * lanes + c % lanes] = x[(n * channels + c) * plane + p];
        return blocked;
    }

    /// <summary>The NCHW values of blocked <paramref name="blocked"/> (<paramref name="shape"/> its NCHW shape).</summary>
    public static float[] ToNchw(ReadOnlySpan<float> blocked, ReadOnlySpan<int> shape, int lanes)
    {
        int batch = shape[0], channels = shape[1], blocks = Blocks(channels, lanes);
        long count = 1;
        foreach (int d in shape) count *= d;
        int plane = (int)(count / ((long)batch * channels));
        var x = new float[count];
        for (int n = 0; n < batch; n++)
        for (int c = 0; c < channels; c++)
        for (int p = 0; p < plane; p++)
            x[(n * channels + c) * plane + p] = blocked[(int)(((long)(n * blocks + c / lanes) * plane + p) * lanes + c % lanes)];
        return x;
    }
}
