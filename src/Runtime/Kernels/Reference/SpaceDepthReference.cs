namespace Cnnrt.Kernels.Reference;

/// <summary>
/// DepthToSpace and SpaceToDepth on NCHW with block size b, defined by ONNX as a reshape to 6-D, a transpose and a
/// reshape back; the copy plans are exactly that transpose.
/// </summary>
public static class SpaceDepthReference
{
    /// <summary>
    /// DepthToSpace: DCR reshapes to [N, b, b, C/b², H, W] and transposes by [0, 3, 4, 1, 5, 2]; CRD reshapes to
    /// [N, C/b², b, b, H, W] and transposes by [0, 1, 4, 2, 5, 3]. Output [N, C/b², H·b, W·b].
    /// </summary>
    public static StridedCopy DepthToSpacePlan(ReadOnlySpan<int> nchw, int block, bool columnRowDepth)
    {
        int n = nchw[0], c = nchw[1] / (block * block), h = nchw[2], w = nchw[3];
        return columnRowDepth
            ? TransposeReference.Plan([n, c, block, block, h, w], [0, 1, 4, 2, 5, 3])
            : TransposeReference.Plan([n, block, block, c, h, w], [0, 3, 4, 1, 5, 2]);
    }

    /// <summary>SpaceToDepth: reshape to [N, C, H/b, b, W/b, b], transpose by [0, 3, 5, 1, 2, 4]; output [N, C·b², H/b, W/b].</summary>
    public static StridedCopy SpaceToDepthPlan(ReadOnlySpan<int> nchw, int block)
    {
        int n = nchw[0], c = nchw[1], h = nchw[2] / block, w = nchw[3] / block;
        return TransposeReference.Plan([n, c, h, block, w, block], [0, 3, 5, 1, 2, 4]);
    }
}
