using System.Runtime.InteropServices;

namespace Cnnrt.Tensors;

/// <summary>The raw bytes of a primitive array, for copying file payloads in and out without per-type code.</summary>
public static class ArrayBytes
{
    public static Span<byte> Of(Array a) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(a), checked(a.Length * ElementSize(a)));

    private static int ElementSize(Array a) => a switch
    {
        // Half is not a CLR primitive; the rest report their size through Buffer.ByteLength.
        Half[] => 2,
        _ => a.Length == 0 ? 0 : Buffer.ByteLength(a) / a.Length,
    };
}
