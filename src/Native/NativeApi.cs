using System.Runtime.InteropServices;

namespace Cnnrt.Native;

/// <summary>
/// The C options struct, version 1 (<c>struct cnnrt_session_options</c> in cnnrt.h). Later versions only append
/// fields; <c>struct_size</c> says which version the caller was compiled with.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SessionOptionsV1
{
    public nuint StructSize;
    public int Threads;
    public nuint InputShapeCount;
    public nuint* InputRanks;
    public long* InputDims;
}

/// <summary>
/// The bodies of the exports: validate, look handles up, call <see cref="Model"/> / <see cref="Session"/>. They throw
/// on failure; <see cref="Exports"/> wraps each in a catch-all that turns the exception into a status and the
/// thread's last error. Kept apart from the [UnmanagedCallersOnly] shells so tests can call them in-process.
/// </summary>
internal static unsafe class NativeApi
{
    public const uint AbiVersion = 1;
    public const int MaxRank = 32;
    /// <summary>Larger struct_size values are taken for an uninitialised struct.</summary>
    public const int MaxOptionsSize = 4096;

    /// <summary>The informational version (0.1.0+commit), the commit shortened to 12 hex digits.</summary>
    public static readonly string Version = ShortVersion(BuildInfo.Version);

    internal static string ShortVersion(string v)
    {
        int plus = v.IndexOf('+');
        return plus >= 0 && v.Length > plus + 13 ? v[..(plus + 13)] : v;
    }

    // ---- models -------------------------------------------------------------------------------------------------

    public static nint ModelLoadFile(byte* path)
    {
        string p = Utf8Z.Read(path, "path");
        if (p.Length == 0) throw new NativeException(Status.InvalidArgument, "path is an empty string");
        // Plain messages for the common cases (the library carries no BCL message texts).
        if (Directory.Exists(p)) throw new CnnrtException(ErrorKind.Io, $"{p}: cannot read model: it is a directory");
        if (!File.Exists(p)) throw new CnnrtException(ErrorKind.Io, $"{p}: cannot read model: no such file (or no access to its folder)");
        Model model;
        try
        {
            model = Model.Load(p);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CnnrtException(ErrorKind.Io, $"{p}: cannot read model: {e.Message}", e);
        }
        return Handles.Add(new ModelBox(model), HandleKind.Model);
    }

    public static nint ModelLoadMemory(byte* data, nuint size)
    {
        if (data == null) throw NativeException.Null("data");
        if (size > int.MaxValue)
            throw new CnnrtException(ErrorKind.LimitExceeded, $"the model is {size} bytes; at most {int.MaxValue} are supported");
        var model = Model.Load(new ReadOnlySpan<byte>(data, (int)size), null, "memory");
        return Handles.Add(new ModelBox(model), HandleKind.Model);
    }

    public static ModelBox GetModel(nint model) => Handles.Get<ModelBox>(model, HandleKind.Model, "model");

    public static void ModelFree(nint model) => Handles.Free(model, HandleKind.Model, "model");

    public static void ModelMetadata(nint model, byte* key, byte* buf, nuint capacity, nuint* outLen)
    {
        var m = GetModel(model);
        string k = Utf8Z.Read(key, "key");
        if (!m.Model.Metadata.TryGetValue(k, out var value))
        {
            if (outLen != null) *outLen = 0;
            throw new NativeException(Status.NotFound, $"the model has no metadata '{k}'");
        }
        Utf8Z.CopyOut(value, buf, capacity, outLen);
    }

    public static nuint ModelMetadataCount(nint model) => (nuint)GetModel(model).MetadataKeys.Length;

    public static void ModelMetadataKey(nint model, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        var m = GetModel(model);
        Utf8Z.CopyOut(m.MetadataKeys[Index(index, m.MetadataKeys.Length, "metadata key", outLen)], buf, capacity, outLen);
    }

    public static nuint ModelLabelCount(nint model) => (nuint)GetModel(model).Labels.Length;

    public static void ModelLabel(nint model, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        var m = GetModel(model);
        Utf8Z.CopyOut(m.Labels[Index(index, m.Labels.Length, "label", outLen)], buf, capacity, outLen);
    }

    // ---- sessions -----------------------------------------------------------------------------------------------

    public static nint SessionCreate(nint model, SessionOptionsV1* options)
    {
        var m = GetModel(model);
        var session = new Session(m.Model, ReadOptions(options, m.Model));
        return Handles.Add(session, HandleKind.Session);
    }

    public static Session GetSession(nint session) => Handles.Get<Session>(session, HandleKind.Session, "session");

    public static void SessionFree(nint session) => Handles.Free(session, HandleKind.Session, "session");

    public static nuint SessionInputCount(nint session) => (nuint)GetSession(session).InputCount;

    public static nuint SessionOutputCount(nint session) => (nuint)GetSession(session).OutputCount;

    public static void SessionShape(nint session, bool output, nuint index, long* dims, nuint capacity, nuint* outRank)
    {
        var s = GetSession(session);
        int i = Index(index, output ? s.OutputCount : s.InputCount, output ? "output" : "input", outRank);
        ReadOnlySpan<int> shape = output ? s.OutputShape(i) : s.InputShape(i);
        if (outRank != null) *outRank = (nuint)shape.Length;
        if (dims == null && capacity != 0) throw NativeException.Null("dims (with a non-zero capacity)");
        if (capacity < (nuint)shape.Length)
            throw new NativeException(Status.BufferTooSmall,
                $"{(output ? "output" : "input")} {i} has rank {shape.Length}; dims holds {capacity}");
        for (int d = 0; d < shape.Length; d++) dims[d] = shape[d];
    }

    public static void SessionName(nint session, bool output, nuint index, byte* buf, nuint capacity, nuint* outLen)
    {
        var s = GetSession(session);
        int i = Index(index, output ? s.OutputCount : s.InputCount, output ? "output" : "input", outLen);
        Utf8Z.CopyOut(output ? s.OutputName(i) : s.InputName(i), buf, capacity, outLen);
    }

    public static void SessionSetInputShapes(nint session, nuint count, nuint* ranks, long* dims)
    {
        var s = GetSession(session);
        var shapes = ReadShapes(count, ranks, dims, s.Model) ?? throw new NativeException(Status.InvalidArgument,
            $"count is 0; give one shape per input ({s.Model.Inputs.Count})");
        s.SetInputShapes(shapes);
    }

    /// <summary>The body of cnnrt_session_run_f32: allocates nothing when the call succeeds.</summary>
    public static void SessionRunF32(nint session, float* input, nuint inputCount, float* output, nuint outputCount)
    {
        var s = GetSession(session);
        if (input == null) throw NativeException.Null("input");
        if (output == null) throw NativeException.Null("output");
        s.Run(new ReadOnlySpan<float>(input, Count(inputCount, "input_count")),
              new Span<float>(output, Count(outputCount, "output_count")));
    }

    /// <summary>The body of cnnrt_session_run: any number of inputs and outputs; allocates nothing when it succeeds.</summary>
    public static void SessionRun(nint session, float** inputs, nuint* inputCounts, nuint numInputs,
        float** outputs, nuint* outputCounts, nuint numOutputs)
    {
        var s = GetSession(session);
        if (numInputs != (nuint)s.InputCount)
            throw new NativeException(Status.InvalidArgument, $"num_inputs is {numInputs}; the model has {s.InputCount} inputs");
        if (numOutputs != (nuint)s.OutputCount)
            throw new NativeException(Status.InvalidArgument, $"num_outputs is {numOutputs}; the model has {s.OutputCount} outputs");
        if (inputs == null) throw NativeException.Null("inputs");
        if (inputCounts == null) throw NativeException.Null("input_counts");
        if (outputs == null) throw NativeException.Null("outputs");
        if (outputCounts == null) throw NativeException.Null("output_counts");
        for (int i = 0; i < s.InputCount; i++)
        {
            if (inputs[i] == null) throw new NativeException(Status.NullArgument, $"inputs[{i}] is NULL");
            CheckCount(inputCounts[i], s.Input(i).Length, "input", i);
        }
        for (int i = 0; i < s.OutputCount; i++)
        {
            if (outputs[i] == null) throw new NativeException(Status.NullArgument, $"outputs[{i}] is NULL");
            CheckCount(outputCounts[i], s.Output(i).Length, "output", i);
        }
        for (int i = 0; i < s.InputCount; i++)
        {
            var dst = s.Input(i);
            new ReadOnlySpan<float>(inputs[i], dst.Length).CopyTo(dst);
        }
        s.Run();
        for (int i = 0; i < s.OutputCount; i++)
        {
            var src = s.Output(i);
            src.CopyTo(new Span<float>(outputs[i], src.Length));
        }
    }

    // ---- utilities ----------------------------------------------------------------------------------------------

    /// <summary>
    /// The k largest scores, best first (ties: lower index first; NaN ranks below everything), and optionally their
    /// softmax probabilities over all scores. O(count · k), allocates nothing.
    /// </summary>
    public static void TopK(float* scores, nuint count, nuint k, nuint* outIndices, float* outProbs)
    {
        if (scores == null) throw NativeException.Null("scores");
        int n = Count(count, "count");
        if (n == 0) throw new NativeException(Status.InvalidArgument, "count is 0");
        if (k > count) throw new NativeException(Status.OutOfRange, $"k is {k}, larger than count ({count})");
        if (k > 0 && outIndices == null) throw NativeException.Null("out_indices");

        float max = float.NegativeInfinity;
        bool any = false;
        for (int i = 0; i < n; i++)
            if (!float.IsNaN(scores[i]) && (!any || scores[i] > max)) { max = scores[i]; any = true; }
        double sum = 0;
        if (outProbs != null)
            for (int i = 0; i < n; i++) sum += Exp(scores[i], max);

        int prev = -1;
        for (int j = 0; j < (int)k; j++)
        {
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (prev >= 0 && !Before(scores, prev, i)) continue;  // only those ranked after the previous pick
                if (best < 0 || Before(scores, i, best)) best = i;
            }
            outIndices[j] = (nuint)best;
            if (outProbs != null) outProbs[j] = sum > 0 ? (float)(Exp(scores[best], max) / sum) : 0f;
            prev = best;
        }
    }

    /// <summary>True when score i ranks before score j: larger first, NaN last, ties by index.</summary>
    private static bool Before(float* s, int i, int j)
    {
        float a = s[i], b = s[j];
        bool an = float.IsNaN(a), bn = float.IsNaN(b);
        if (an != bn) return bn;
        if (!an && a != b) return a > b;
        return i < j;
    }

    private static double Exp(float v, float max) => float.IsNaN(v) ? 0 : v == max ? 1 : Math.Exp((double)v - max);

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static int Index(nuint index, int count, string what, nuint* outLen)
    {
        if (index < (nuint)count) return (int)index;
        if (outLen != null) *outLen = 0;
        throw new NativeException(Status.OutOfRange, $"{what} index {index} is out of range (there are {count})");
    }

    private static int Count(nuint count, string what) =>
        count <= int.MaxValue ? (int)count : throw new NativeException(Status.InvalidArgument, $"{what} is {count}, too large");

    private static void CheckCount(nuint given, int needed, string what, int i)
    {
        if (given != (nuint)needed)
            throw new NativeException(Status.InvalidArgument, $"{what} {i} has {needed} elements; {what}_counts[{i}] is {given}");
    }

    internal static SessionOptions ReadOptions(SessionOptionsV1* o, Model model)
    {
        if (o == null) return new SessionOptions();
        nuint size = o->StructSize, known = (nuint)sizeof(SessionOptionsV1);
        if (size == 0)
            throw new NativeException(Status.InvalidArgument,
                "options->struct_size is 0; initialise options with CNNRT_SESSION_OPTIONS_INIT or cnnrt_session_options_init()");
        if (size < known)
            throw new NativeException(Status.InvalidArgument, $"options->struct_size is {size}; version 1 of the struct has {known} bytes");
        if (size > MaxOptionsSize)
            throw new NativeException(Status.InvalidArgument, $"options->struct_size is {size}; the struct looks uninitialised");
        // A newer header's fields this library does not know: fine while they hold their defaults (zero).
        var tail = new ReadOnlySpan<byte>((byte*)o + known, (int)(size - known));
        int set = tail.IndexOfAnyExcept((byte)0);
        if (set >= 0)
            throw new NativeException(Status.Unsupported,
                $"options byte {(int)known + set} is set, but this library (ABI {AbiVersion}) knows only the first {known} bytes of the struct");
        if (o->Threads < 0) throw new NativeException(Status.InvalidArgument, $"options->threads is {o->Threads}; give 0 (default) or more");
        return new SessionOptions { Threads = o->Threads, InputShapes = ReadShapes(o->InputShapeCount, o->InputRanks, o->InputDims, model) };
    }

    /// <summary>count shapes with ranks[i] dims each, read from dims[] one after the other; null when count is 0.</summary>
    private static int[][]? ReadShapes(nuint count, nuint* ranks, long* dims, Model model)
    {
        if (count == 0) return null;
        if (count != (nuint)model.Inputs.Count)
            throw new NativeException(Status.InvalidArgument, $"{count} input shapes given; the model has {model.Inputs.Count} inputs");
        if (ranks == null) throw NativeException.Null("input ranks");
        var shapes = new int[(int)count][];
        long at = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            nuint rank = ranks[i];
            if (rank > MaxRank) throw new NativeException(Status.InvalidArgument, $"input {i}: rank {rank} is over {MaxRank}");
            if (rank > 0 && dims == null) throw NativeException.Null("input dims");
            shapes[i] = new int[(int)rank];
            for (int d = 0; d < (int)rank; d++, at++)
            {
                long v = dims[at];
                if (v <= 0 || v > int.MaxValue)
                    throw new NativeException(Status.InvalidArgument, $"input {i} ('{model.Inputs[i].Name}'): dimension {d} is {v}; dimensions must be positive");
                shapes[i][d] = (int)v;
            }
        }
        return shapes;
    }
}
