using System.Runtime.InteropServices;

namespace Cnnrt.Native;

internal enum HandleKind : byte
{
    Model = 1,
    Session = 2,
}

/// <summary>What a <c>cnnrt_model*</c> points at: the model plus what the metadata calls read from it.</summary>
internal sealed class ModelBox
{
    public ModelBox(Model model)
    {
        Model = model;
        Labels = model.Metadata.TryGetValue("labels", out var l) ? l.Split(',', StringSplitOptions.TrimEntries) : [];
        MetadataKeys = new string[model.Metadata.Count];
        int i = 0;
        foreach (var key in model.Metadata.Keys) MetadataKeys[i++] = key;
        Array.Sort(MetadataKeys, StringComparer.Ordinal);
    }

    public Model Model { get; }
    public string[] Labels { get; }
    /// <summary>The metadata keys in ordinal order, for cnnrt_model_metadata_key.</summary>
    public string[] MetadataKeys { get; }
}

/// <summary>
/// The handles C code holds: a normal <see cref="GCHandle"/> (it keeps the object alive) turned into a pointer, plus a
/// registry of the live ones with their kind. Every use looks the pointer up first, so NULL, a freed handle (double
/// free, use after free), a handle of the other kind or a stray pointer is answered with CNNRT_ERROR_INVALID_HANDLE
/// and never dereferenced. The lookup is a dictionary read under a lock held for a few nanoseconds: no allocation.
/// Limit: a freed handle's slot can be reused by a later handle of the same kind; a stale pointer then names that new
/// object. That cannot be told apart from a valid use.
/// </summary>
internal static class Handles
{
    private static readonly Dictionary<nint, HandleKind> s_live = new();
    private static readonly Lock s_lock = new();

    public static int LiveCount
    {
        get { lock (s_lock) return s_live.Count; }
    }

    public static nint Add(object target, HandleKind kind)
    {
        var h = GCHandle.Alloc(target, GCHandleType.Normal);
        nint p = GCHandle.ToIntPtr(h);
        lock (s_lock) s_live[p] = kind;
        return p;
    }

    public static T Get<T>(nint p, HandleKind kind, string what) where T : class
    {
        if (p == 0) throw NativeException.Null(what);
        HandleKind k;
        lock (s_lock)
        {
            if (!s_live.TryGetValue(p, out k)) k = 0;
        }
        if (k != kind) throw Invalid(p, kind, k, what);
        // A concurrent free between the lookup and here (itself a misuse) leaves Target null: still no crash.
        return GCHandle.FromIntPtr(p).Target as T ?? throw Invalid(p, kind, 0, what);
    }

    /// <summary>Frees a live handle of this kind; NULL is a no-op; anything else is an invalid handle.</summary>
    public static void Free(nint p, HandleKind kind, string what)
    {
        if (p == 0) return;
        HandleKind k;
        lock (s_lock)
        {
            if (!s_live.TryGetValue(p, out k)) k = 0;
            if (k == kind) s_live.Remove(p);
        }
        if (k != kind) throw Invalid(p, kind, k, what);
        var handle = GCHandle.FromIntPtr(p);
        (handle.Target as IDisposable)?.Dispose(); // a session stops its worker threads
        handle.Free();
    }

    private static NativeException Invalid(nint p, HandleKind expected, HandleKind found, string what) =>
        new(Status.InvalidHandle, found != 0 && found != expected
            ? $"{what} (0x{p:x}) is a {Name(found)} handle, not a {Name(expected)} handle"
            : $"{what} (0x{p:x}) is not a live {Name(expected)} handle (already freed, or never returned by cnnrt)");

    private static string Name(HandleKind k) => k == HandleKind.Model ? "cnnrt_model" : "cnnrt_session";
}
