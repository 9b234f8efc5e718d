namespace Cnnrt.Operators;

/// <summary>
/// Where a float tensor lives while a plan runs: a window of the session arena, or of a constant's own array.
/// Resolved once at plan time so a step only slices, never looks anything up.
/// </summary>
public readonly struct Slot
{
    public readonly float[] Buffer;
    public readonly int Offset;
    public readonly int Length;

    public Slot(float[] buffer, int offset, int length)
    {
        if ((uint)offset > (uint)buffer.Length || (uint)length > (uint)(buffer.Length - offset))
            throw new ArgumentOutOfRangeException(nameof(offset), $"slot [{offset}, +{length}) outside buffer of {buffer.Length}");
        Buffer = buffer;
        Offset = offset;
        Length = length;
    }

    public static Slot Of(float[] array) => new(array, 0, array.Length);

    public bool IsEmpty => Buffer is null;
    public Span<float> Span => new(Buffer, Offset, Length);
    public ReadOnlySpan<float> ReadOnly => new(Buffer, Offset, Length);
}
