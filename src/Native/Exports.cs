using System.Runtime.InteropServices;

namespace Cnnrt.Native;

/// <summary>
/// The C entry points of libcnnrt.so (declared in include/cnnrt.h). Each is a shell: call the body in
/// <see cref="NativeApi"/>, and catch everything — no exception ever crosses into C. A failure becomes a status code
/// and a message for <c>cnnrt_last_error()</c> on the calling thread; a success empties that message.
/// Functions that return a count return 0 on failure (and set the message); those that free never fail visibly.
/// </summary>
internal static unsafe class Exports
{
    private static readonly byte[] s_version = Utf8Z.Pinned(NativeApi.Version);
    private static readonly byte[][] s_statusNames = MakeStatusNames();

    private static byte[][] MakeStatusNames()
    {
        var names = new byte[(int)Status.Internal + 2][];
        for (int i = 0; i < names.Length; i++) names[i] = Utf8Z.Pinned(ErrorTranslation.Name(i));
        return names;
    }

    private static int Ok()
    {
        LastError.Clear();
        return 0;
    }

    // ---- library ------------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_abi_version")]
    public static uint AbiVersion() => NativeApi.AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_version_string")]
    public static byte* VersionString()
    {
        try { return Utf8Z.Address(s_version); }
        catch { return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_last_error")]
    public static byte* LastErrorMessage()
    {
        try { return LastError.Pointer(); }
        catch { return null; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_status_string")]
    public static byte* StatusString(int status)
    {
        try
        {
            var names = s_statusNames;
            return Utf8Z.Address((uint)status < (uint)(names.Length - 1) ? names[status] : names[^1]);
        }
        catch { return null; }
    }

    // ---- models -------------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_load_file")]
    public static int ModelLoadFile(byte* path, nint* outModel)
    {
        try
        {
            if (outModel == null) throw NativeException.Null("out_model");
            *outModel = 0;
            *outModel = NativeApi.ModelLoadFile(path);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_load_file", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_load_memory")]
    public static int ModelLoadMemory(byte* data, nuint size, nint* outModel)
    {
        try
        {
            if (outModel == null) throw NativeException.Null("out_model");
            *outModel = 0;
            *outModel = NativeApi.ModelLoadMemory(data, size);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_load_memory", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_free")]
    public static void ModelFree(nint model)
    {
        try
        {
            NativeApi.ModelFree(model);
            Ok();
        }
        catch (Exception e) { LastError.Set("cnnrt_model_free", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_free_checked")]
    public static int ModelFreeChecked(nint model)
    {
        try
        {
            NativeApi.ModelFree(model);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_free_checked", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_metadata")]
    public static int ModelMetadata(nint model, byte* key, byte* buf, nuint capacity, nuint* outLen)
    {
        try
        {
            NativeApi.ModelMetadata(model, key, buf, capacity, outLen);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_metadata", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_metadata_count")]
    public static nuint ModelMetadataCount(nint model)
    {
        try
        {
            nuint n = NativeApi.ModelMetadataCount(model);
            Ok();
            return n;
        }
        catch (Exception e) { LastError.Set("cnnrt_model_metadata_count", e); return 0; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_metadata_key")]
    public static int ModelMetadataKey(nint model, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        try
        {
            NativeApi.ModelMetadataKey(model, index, buf, capacity, outLen);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_metadata_key", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_label_count")]
    public static nuint ModelLabelCount(nint model)
    {
        try
        {
            nuint n = NativeApi.ModelLabelCount(model);
            Ok();
            return n;
        }
        catch (Exception e) { LastError.Set("cnnrt_model_label_count", e); return 0; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_model_label")]
    public static int ModelLabel(nint model, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        try
        {
            NativeApi.ModelLabel(model, index, buf, capacity, outLen);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_model_label", e); }
    }

    // ---- sessions -----------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_create")]
    public static int SessionCreate(nint model, SessionOptionsV1* options, nint* outSession)
    {
        try
        {
            if (outSession == null) throw NativeException.Null("out_session");
            *outSession = 0;
            *outSession = NativeApi.SessionCreate(model, options);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_create", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_free")]
    public static void SessionFree(nint session)
    {
        try
        {
            NativeApi.SessionFree(session);
            Ok();
        }
        catch (Exception e) { LastError.Set("cnnrt_session_free", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_free_checked")]
    public static int SessionFreeChecked(nint session)
    {
        try
        {
            NativeApi.SessionFree(session);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_free_checked", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_input_count")]
    public static nuint SessionInputCount(nint session)
    {
        try
        {
            nuint n = NativeApi.SessionInputCount(session);
            Ok();
            return n;
        }
        catch (Exception e) { LastError.Set("cnnrt_session_input_count", e); return 0; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_output_count")]
    public static nuint SessionOutputCount(nint session)
    {
        try
        {
            nuint n = NativeApi.SessionOutputCount(session);
            Ok();
            return n;
        }
        catch (Exception e) { LastError.Set("cnnrt_session_output_count", e); return 0; }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_input_shape")]
    public static int SessionInputShape(nint session, nuint index, long* dims, nuint capacity, nuint* outRank)
    {
        try
        {
            NativeApi.SessionShape(session, false, index, dims, capacity, outRank);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_input_shape", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_output_shape")]
    public static int SessionOutputShape(nint session, nuint index, long* dims, nuint capacity, nuint* outRank)
    {
        try
        {
            NativeApi.SessionShape(session, true, index, dims, capacity, outRank);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_output_shape", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_input_name")]
    public static int SessionInputName(nint session, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        try
        {
            NativeApi.SessionName(session, false, index, buf, capacity, outLen);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_input_name", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_output_name")]
    public static int SessionOutputName(nint session, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        try
        {
            NativeApi.SessionName(session, true, index, buf, capacity, outLen);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_output_name", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_set_input_shapes")]
    public static int SessionSetInputShapes(nint session, nuint count, nuint* ranks, long* dims)
    {
        try
        {
            NativeApi.SessionSetInputShapes(session, count, ranks, dims);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_set_input_shapes", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_run_f32")]
    public static int SessionRunF32(nint session, float* input, nuint inputCount, float* output, nuint outputCount)
    {
        try
        {
            NativeApi.SessionRunF32(session, input, inputCount, output, outputCount);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_run_f32", e); }
    }

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_session_run")]
    public static int SessionRun(nint session, float** inputs, nuint* inputCounts, nuint numInputs,
        float** outputs, nuint* outputCounts, nuint numOutputs)
    {
        try
        {
            NativeApi.SessionRun(session, inputs, inputCounts, numInputs, outputs, outputCounts, numOutputs);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_session_run", e); }
    }

    // ---- utilities ----------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(EntryPoint = "cnnrt_top_k")]
    public static int TopK(float* scores, nuint count, nuint k, nuint* outIndices, float* outProbs)
    {
        try
        {
            NativeApi.TopK(scores, count, k, outIndices, outProbs);
            return Ok();
        }
        catch (Exception e) { return LastError.Set("cnnrt_top_k", e); }
    }
}
