namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A convolution lowered to GEMM tiles over a <see cref="ConvPhaseLayout"/>. The work splits into independent pieces
/// so a worker pool can share it: first <see cref="ConvPhaseLayout.Stage"/> for every channel, then
/// <see cref="RunTile"/> for every tile, each thread with its own <see cref="ScratchLength"/> floats of scratch.
/// </summary>
public unsafe interface IF32ConvLowering
{
    ConvPhaseLayout Layout { get; }
    /// <summary>"6x16 avx2 channel-major": which kernel and which way round, for reports and tests.</summary>
    string Description { get; }
    int TileCount { get; }
    /// <summary>How many tiles share one pixel (column) block, each with its own range of output channels.</summary>
    int ChannelBlocks { get; }
    int ScratchLength { get; }

    /// <summary>One tile; <paramref name="source"/> is <see cref="ConvPhaseLayout.Source"/> of X, y the NCHW output.</summary>
    void RunTile(int tile, float* source, float* y, float* scratch);

    /// <summary>
    /// What <see cref="RunTile"/> writes: image <paramref name="n"/>, output channels [<paramref name="m0"/>,
    /// <paramref name="m1"/>) of the layer, pixels [<paramref name="p0"/>, <paramref name="p1"/>) of each of their
    /// planes; the tiles of a layer cover its output once. Where a folded residual Add is applied, tile by tile.
    /// </summary>
    void TileOutputs(int tile, out int n, out int m0, out int m1, out int p0, out int p1);

    /// <summary>Stages X and runs every tile on the calling thread with <paramref name="scratch"/>
    /// (<see cref="ScratchLength"/> floats). Allocates nothing.</summary>
    void Run(float* x, float* y, float* scratch)
    {
        for (int i = 0; i < Layout.StageCount; i++) Layout.Stage(i, x);
        float* source = Layout.Source(x);
        for (int t = 0; t < TileCount; t++) RunTile(t, source, y, scratch);
    }
}
