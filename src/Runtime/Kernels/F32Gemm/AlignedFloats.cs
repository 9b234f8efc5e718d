namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// A float buffer on the pinned object heap with a 64-byte-aligned start (one cache line, one AVX-512 vector), so
/// plan-time packed weights and per-step scratch can be used through raw pointers in Run without fixed statements.
/// The pointer stays valid as long as this object is referenced (pinned arrays never move).
/// </summary>
public sealed unsafe class AlignedFloats
{
    private const int AlignFloats = 16;
    private readonly float[] storage;

    public AlignedFloats(long length)
    {
        if (length < 0 || length > int.MaxValue - AlignFloats)
            throw CnnrtException.Limit($"a kernel buffer of {length} floats is too large");
        Length = (int)length;
        storage = GC.AllocateArray<float>(Length + AlignFloats, pinned: true);
        fixed (float* p = storage)
        {
            int skip = (int)((AlignFloats - ((nuint)p / sizeof(float)) % AlignFloats) % AlignFloats);
            Pointer = p + skip;
        }
    }

    public int Length { get; }
    /// <summary>The aligned start; the buffer is zero-filled when created.</summary>
    public float* Pointer { get; }
    public Span<float> Span => new(Pointer, Length);
}

/// <summary>A pinned buffer of native-sized integers (the per-k row offsets the micro-kernels read).</summary>
public sealed unsafe class PinnedOffsets
{
    private readonly nint[] storage;

    public PinnedOffsets(ReadOnlySpan<nint> values)
    {
        storage = GC.AllocateArray<nint>(Math.Max(1, values.Length), pinned: true);
        values.CopyTo(storage);
        fixed (nint* p = storage) Pointer = p;
    }

    public nint* Pointer { get; }
}
