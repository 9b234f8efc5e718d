namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Where a GEMM convolution's tile lies: image, group, pixel (or column) block and output-channel block. Tiles are
/// numbered with the channel block fastest, so a thread's contiguous range of tiles covers whole pixel blocks.
/// </summary>
internal readonly record struct ConvTile(int Image, int Group, int Block, int ChannelBlock)
{
    public static ConvTile Of(int tile, int channelBlocks, int blocks, int groups)
    {
        int rest = tile / channelBlocks, block = rest % blocks;
        rest /= blocks;
        return new ConvTile(rest / groups, rest % groups, block, tile % channelBlocks);
    }
}
