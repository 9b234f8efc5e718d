using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cnnrt.Native;

/// <summary>
/// The thread-local message behind <c>cnnrt_last_error()</c>: a NUL-terminated UTF-8 copy in a pinned array of the
/// calling thread, so the pointer handed out stays valid until this thread's next call. A successful call empties it.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte[]? t_message;
    private static readonly byte[] s_empty = GC.AllocateArray<byte>(1, pinned: true);
    private static readonly byte[] s_unformattable = Utf8Z.Pinned("cnnrt: out of memory while reporting an error");

    public static byte* Pointer() => Utf8Z.Address(t_message ?? s_empty);

    /// <summary>Called on every successful return: no allocation, one thread-static read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear()
    {
        var b = t_message;
        if (b is not null) b[0] = 0;
    }

    /// <summary>Records <paramref name="e"/> for this thread as "function: message" and returns its status.</summary>
    public static int Set(string function, Exception e)
    {
        Status status = Status.Internal;
        try
        {
            (status, string message) = ErrorTranslation.Translate(e);
            Store(function + ": " + message);
        }
        catch
        {
            // Formatting the message failed (out of memory): keep the status, say so with a preallocated text.
            try { t_message = s_unformattable; } catch { }
            if (status == Status.Internal) status = Status.OutOfMemory;
        }
        return (int)status;
    }

    internal static string Current() => Marshal.PtrToStringUTF8((nint)Pointer()) ?? "";

    private static void Store(string text)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        var b = t_message;
        if (b is null || b.Length < n + 1 || ReferenceEquals(b, s_unformattable))
            t_message = b = GC.AllocateArray<byte>(Math.Max(256, n + 1), pinned: true);
        Encoding.UTF8.GetBytes(text, b);
        b[n] = 0;
    }
}

/// <summary>NUL-terminated UTF-8 strings in pinned arrays, whose address C code may keep.</summary>
internal static unsafe class Utf8Z
{
    public static byte[] Pinned(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var b = GC.AllocateArray<byte>(n + 1, pinned: true);
        Encoding.UTF8.GetBytes(s, b);
        return b;
    }

    /// <summary>The address of a pinned array's first byte.</summary>
    public static byte* Address(byte[] pinned) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

    /// <summary>A C string argument as a .NET string; NULL is reported as a NULL argument named <paramref name="what"/>.</summary>
    public static string Read(byte* p, string what)
    {
        if (p == null) throw NativeException.Null(what);
        return Marshal.PtrToStringUTF8((nint)p)!;
    }

    /// <summary>
    /// Copies <paramref name="value"/> as UTF-8 plus a NUL into buf[capacity]. *outLen (when not NULL) receives the
    /// length without the NUL, also when the buffer is too small, so callers can ask with (NULL, 0) first.
    /// </summary>
    public static void CopyOut(string value, byte* buf, nuint capacity, nuint* outLen)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        if (outLen != null) *outLen = (nuint)n;
        if (buf == null && capacity != 0) throw NativeException.Null("buf (with a non-zero capacity)");
        if (capacity < (nuint)n + 1)
            throw new NativeException(Status.BufferTooSmall, $"the value needs {n + 1} bytes with its terminating NUL; capacity is {capacity}");
        Encoding.UTF8.GetBytes(value, new Span<byte>(buf, n));
        buf[n] = 0;
    }
}
