namespace Cnnrt.Tensors;

/// <summary>
/// Bounds checked at import and planning, before anything is allocated, so a hostile or corrupt model fails with a
/// message instead of exhausting memory.
/// </summary>
public sealed record Limits
{
    public static readonly Limits Default = new();

    /// <summary>Largest element count of one tensor (2^28 floats = 1 GiB).</summary>
    public long MaxTensorElements { get; init; } = 1L << 28;
    /// <summary>Largest rank of a tensor.</summary>
    public int MaxRank { get; init; } = 8;
    /// <summary>Most nodes in a graph.</summary>
    public int MaxNodes { get; init; } = 100_000;
    /// <summary>Largest arena of one session, in bytes.</summary>
    public long MaxArenaBytes { get; init; } = 4L << 30;
}
