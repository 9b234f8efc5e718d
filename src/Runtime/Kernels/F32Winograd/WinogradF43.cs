namespace Cnnrt.Kernels.F32Winograd;

/// <summary>
/// Winograd's minimal filtering F(4×4, 3×3) (Lavin &amp; Gray 2015, interpolation points 0, ±1, ±2, ∞): a 4×4 output
/// tile of a 3×3 stride-1 convolution is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A, with d the 6×6 input tile around it. Per tile
/// and (input, output) channel pair that is 36 multiplications instead of 144; the transforms are adds and
/// multiplications by small powers of two, and the output transform's coefficients (up to 8) are what costs accuracy.
/// </summary>
public static class WinogradF43
{
    /// <summary>Output tile side (m).</summary>
    public const int Out = 4;
    /// <summary>Input tile side (m + r − 1).</summary>
    public const int In = 6;
    /// <summary>Points of the transformed domain: one GEMM each.</summary>
    public const int Points = In * In;

    private static readonly double[,] G =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    /// <summary>
    /// U = G·g·Gᵀ of one 3×3 filter, computed in double and rounded once (plan time): U[i·6 + j] for point (i, j).
    /// </summary>
    public static void TransformFilter(ReadOnlySpan<float> g, Span<float> u)
    {
        Span<double> gg = stackalloc double[In * 3];
        for (int i = 0; i < In; i++)
        for (int c = 0; c < 3; c++)
            gg[i * 3 + c] = G[i, 0] * g[c] + G[i, 1] * g[3 + c] + G[i, 2] * g[6 + c];
        for (int i = 0; i < In; i++)
        for (int j = 0; j < In; j++)
            u[i * In + j] = (float)(gg[i * 3] * G[j, 0] + gg[i * 3 + 1] * G[j, 1] + gg[i * 3 + 2] * G[j, 2]);
    }
}
