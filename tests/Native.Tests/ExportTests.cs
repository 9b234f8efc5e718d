using System.Runtime.InteropServices;
using static Cnnrt.Native.Tests.TestSupport;

namespace Cnnrt.Native.Tests;

/// <summary>
/// Calls the real [UnmanagedCallersOnly] entry points in-process through unmanaged function pointers, as C would:
/// every misuse comes back as a status with a message, never as an exception.
/// </summary>
public sealed unsafe class ExportTests
{
    private static readonly delegate* unmanaged<byte*, nint*, int> LoadFile = &Exports.ModelLoadFile;
    private static readonly delegate* unmanaged<byte*, nuint, nint*, int> LoadMemory = &Exports.ModelLoadMemory;
    private static readonly delegate* unmanaged<nint, void> ModelFree = &Exports.ModelFree;
    private static readonly delegate* unmanaged<nint, int> ModelFreeChecked = &Exports.ModelFreeChecked;
    private static readonly delegate* unmanaged<nint, SessionOptionsV1*, nint*, int> SessionCreate = &Exports.SessionCreate;
    private static readonly delegate* unmanaged<nint, void> SessionFree = &Exports.SessionFree;
    private static readonly delegate* unmanaged<nint, int> SessionFreeChecked = &Exports.SessionFreeChecked;
    private static readonly delegate* unmanaged<nint, float*, nuint, float*, nuint, int> RunF32 = &Exports.SessionRunF32;
    private static readonly delegate* unmanaged<nint, nuint> InputCount = &Exports.SessionInputCount;
    private static readonly delegate* unmanaged<nint, nuint, long*, nuint, nuint*, int> InputShape = &Exports.SessionInputShape;
    private static readonly delegate* unmanaged<nint, byte*, byte*, nuint, nuint*, int> Metadata = &Exports.ModelMetadata;
    private static readonly delegate* unmanaged<byte*> LastErrorPtr = &Exports.LastErrorMessage;
    private static readonly delegate* unmanaged<int, byte*> StatusString = &Exports.StatusString;
    private static readonly delegate* unmanaged<uint> AbiVersion = &Exports.AbiVersion;
    private static readonly delegate* unmanaged<byte*> VersionString = &Exports.VersionString;

    private static string Last() => Marshal.PtrToStringUTF8((nint)LastErrorPtr())!;

    private static nint Load()
    {
        nint path = Utf8(ModelPath), model;
        try { Assert.Equal(0, LoadFile((byte*)path, &model)); }
        finally { Marshal.FreeCoTaskMem(path); }
        return model;
    }

    [Fact]
    public void Versions()
    {
        Assert.Equal(NativeApi.AbiVersion, AbiVersion());
        Assert.StartsWith("0.", Marshal.PtrToStringUTF8((nint)VersionString()));
        Assert.Equal("CNNRT_ERROR_INVALID_HANDLE", Marshal.PtrToStringUTF8((nint)StatusString(10)));
        Assert.Equal("CNNRT_ERROR_UNKNOWN", Marshal.PtrToStringUTF8((nint)StatusString(-1)));
        Assert.Equal("CNNRT_ERROR_UNKNOWN", Marshal.PtrToStringUTF8((nint)StatusString(1000)));
    }

    [Fact]
    public void Load_run_and_free()
    {
        nint model = Load(), session;
        Assert.Equal(0, SessionCreate(model, null, &session));
        Assert.Equal(1u, (uint)InputCount(session));
        long* dims = stackalloc long[8];
        nuint rank;
        Assert.Equal(0, InputShape(session, 0, dims, 8, &rank));
        Assert.Equal(new long[] { 1, 1, 28, 28 }, new ReadOnlySpan<long>(dims, (int)rank).ToArray());
        var input = new float[784];
        var output = new float[10];
        fixed (float* i = input, o = output) Assert.Equal(0, RunF32(session, i, 784, o, 10));
        Assert.Equal("", Last());
        Assert.Contains(output, v => v != 0);
        SessionFree(session);
        ModelFree(model);
    }

    [Fact]
    public void Failures_come_back_as_status_and_message()
    {
        nint model;
        Assert.Equal((int)Status.NullArgument, LoadFile(null, &model));
        Assert.Equal(0, model);
        Assert.Contains("cnnrt_model_load_file: path is NULL", Last());

        nint missing = Utf8("/nonexistent/model.onnx");
        Assert.Equal((int)Status.Io, LoadFile((byte*)missing, &model));
        Assert.Contains("no such file", Last());
        Marshal.FreeCoTaskMem(missing);

        byte[] junk = [1, 2, 3, 4, 5, 0xFF, 0xFE];
        fixed (byte* j = junk) Assert.Equal((int)Status.InvalidModel, LoadMemory(j, (nuint)junk.Length, &model));
        Assert.NotEqual("", Last());

        Assert.Equal((int)Status.NullArgument, LoadFile(null, null));
        Assert.Contains("out_model is NULL", Last());
    }

    [Fact]
    public void Wrong_counts_null_buffers_and_small_capacity()
    {
        nint model = Load(), session;
        Assert.Equal(0, SessionCreate(model, null, &session));
        var input = new float[784];
        var output = new float[10];
        fixed (float* i = input, o = output)
        {
            Assert.Equal((int)Status.InvalidArgument, RunF32(session, i, 783, o, 10));
            Assert.Contains("needs 784 floats", Last());
            Assert.Equal((int)Status.InvalidArgument, RunF32(session, i, 784, o, 11));
            Assert.Equal((int)Status.NullArgument, RunF32(session, null, 784, o, 10));
            Assert.Equal((int)Status.NullArgument, RunF32(session, i, 784, null, 10));
        }
        long* dims = stackalloc long[2];
        nuint rank = 0;
        Assert.Equal((int)Status.BufferTooSmall, InputShape(session, 0, dims, 2, &rank));
        Assert.Equal(4u, (uint)rank);
        Assert.Equal((int)Status.OutOfRange, InputShape(session, 1, dims, 2, &rank));
        Assert.Equal((int)Status.NullArgument, InputShape(session, 0, null, 4, &rank));

        nint key = Utf8("labels");
        nuint len;
        byte* small = stackalloc byte[4];
        Assert.Equal((int)Status.BufferTooSmall, Metadata(model, (byte*)key, small, 4, &len));
        Assert.True(len > 50);
        Assert.Equal((int)Status.BufferTooSmall, Metadata(model, (byte*)key, null, 0, &len));
        Assert.Equal((int)Status.NullArgument, Metadata(model, (byte*)key, null, 8, &len));
        Marshal.FreeCoTaskMem(key);
        nint nokey = Utf8("no such key");
        Assert.Equal((int)Status.NotFound, Metadata(model, (byte*)nokey, small, 4, &len));
        Marshal.FreeCoTaskMem(nokey);

        SessionFree(session);
        ModelFree(model);
    }

    [Fact]
    public void Double_free_use_after_free_and_wrong_kind_are_invalid_handles()
    {
        nint model = Load(), session;
        Assert.Equal(0, SessionCreate(model, null, &session));

        Assert.Equal((int)Status.InvalidHandle, ModelFreeChecked(session));
        Assert.Contains("is a cnnrt_session handle, not a cnnrt_model handle", Last());
        Assert.Equal((int)Status.InvalidHandle, SessionCreate(session, null, &session));
        Assert.Equal(0, session);
        Assert.Equal(0, SessionCreate(model, null, &session));

        // The model may go before its sessions.
        ModelFree(model);
        Assert.Equal("", Last());
        var input = new float[784];
        var output = new float[10];
        fixed (float* i = input, o = output) Assert.Equal(0, RunF32(session, i, 784, o, 10));

        Assert.Equal(0, SessionFreeChecked(session));
        fixed (float* i = input, o = output) Assert.Equal((int)Status.InvalidHandle, RunF32(session, i, 784, o, 10));
        Assert.Contains("not a live cnnrt_session handle", Last());
        Assert.Equal((int)Status.InvalidHandle, SessionFreeChecked(session));
        SessionFree(session);
        Assert.Contains("cnnrt_session_free:", Last());
        ModelFree(model);
        Assert.Contains("cnnrt_model_free:", Last());
        Assert.Equal(0u, (uint)InputCount(session));
        Assert.NotEqual("", Last());

        // Stray pointers are looked up, never dereferenced.
        Assert.Equal((int)Status.InvalidHandle, SessionFreeChecked(0x1234));
        Assert.Equal((int)Status.InvalidHandle, ModelFreeChecked(unchecked((nint)0xDEADBEEFCAFEUL)));
        // NULL frees are no-ops.
        Assert.Equal(0, ModelFreeChecked(0));
        Assert.Equal(0, SessionFreeChecked(0));
    }

    [Fact]
    public void Options_are_versioned_by_struct_size()
    {
        nint model = Load(), session;
        var o = new SessionOptionsV1 { StructSize = (nuint)sizeof(SessionOptionsV1), Threads = 1 };
        Assert.Equal(0, SessionCreate(model, &o, &session));
        SessionFree(session);

        o.StructSize = 0;
        Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));
        Assert.Contains("CNNRT_SESSION_OPTIONS_INIT", Last());
        o.StructSize = 8;
        Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));
        o.StructSize = 1 << 20;
        Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));
        o.StructSize = (nuint)sizeof(SessionOptionsV1);
        o.Threads = -1;
        Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));

        // A newer caller's struct: unknown trailing fields are fine while zero, refused when set.
        byte* big = stackalloc byte[sizeof(SessionOptionsV1) + 16];
        new Span<byte>(big, sizeof(SessionOptionsV1) + 16).Clear();
        ((SessionOptionsV1*)big)->StructSize = (nuint)(sizeof(SessionOptionsV1) + 16);
        Assert.Equal(0, SessionCreate(model, (SessionOptionsV1*)big, &session));
        SessionFree(session);
        big[sizeof(SessionOptionsV1) + 3] = 1;
        Assert.Equal((int)Status.Unsupported, SessionCreate(model, (SessionOptionsV1*)big, &session));

        // Input shapes: batch 3.
        nuint rank = 4;
        long[] shape = [3, 1, 28, 28];
        fixed (long* d = shape)
        {
            o = new SessionOptionsV1 { StructSize = (nuint)sizeof(SessionOptionsV1), InputShapeCount = 1, InputRanks = &rank, InputDims = d };
            Assert.Equal(0, SessionCreate(model, &o, &session));
            var input = new float[3 * 784];
            var output = new float[30];
            fixed (float* i = input, p = output) Assert.Equal(0, RunF32(session, i, (nuint)input.Length, p, 30));
            SessionFree(session);
            shape[0] = 0;
            Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));
            Assert.Contains("dimension 0 is 0", Last());
            o.InputShapeCount = 2;
            Assert.Equal((int)Status.InvalidArgument, SessionCreate(model, &o, &session));
            o.InputShapeCount = 1;
            o.InputRanks = null;
            Assert.Equal((int)Status.NullArgument, SessionCreate(model, &o, &session));
        }
        ModelFree(model);
    }
}
