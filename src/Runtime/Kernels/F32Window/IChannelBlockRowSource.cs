namespace Cnnrt.Kernels.F32Window;

/// <summary>
/// Where a <see cref="ChannelBlockRows"/> ring gets an input row from when it is not transposed in from channel planes:
/// a producer that computes the row itself, channel-interleaved, so the value it would have stored is never stored
/// (<see cref="F32Depthwise.PointwiseRowSource{V, TVec}"/>: the pointwise convolution before a depthwise one).
/// </summary>
public interface IChannelBlockRowSource
{
    /// <summary>Writes pixels [0, the row's width) of input row <paramref name="inputRow"/> for the ring's block of
    /// channels, channel-interleaved (pixel p's lanes at p·lanes from <paramref name="row"/>).</summary>
    void Fill(int inputRow, ref float row);

    /// <summary><see cref="Fill(int, ref float)"/> for two blocks of channels at once, the selected block's row into
    /// <paramref name="row"/> and the next block's into <paramref name="nextBlockRow"/>.</summary>
    void Fill(int inputRow, ref float row, ref float nextBlockRow);
}
