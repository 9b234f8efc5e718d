namespace Cnnrt.Native;

/// <summary>
/// The <c>cnnrt_status</c> codes of <c>include/cnnrt.h</c>; the values must stay equal to the header's. 1..6 are the
/// <see cref="ErrorKind"/> values, the rest are failures only the C boundary can see.
/// </summary>
internal enum Status
{
    Ok = 0,
    InvalidModel = 1,
    Unsupported = 2,
    InvalidArgument = 3,
    LimitExceeded = 4,
    Io = 5,
    InvalidData = 6,
    NullArgument = 7,
    OutOfRange = 8,
    BufferTooSmall = 9,
    InvalidHandle = 10,
    NotFound = 11,
    OutOfMemory = 12,
    Internal = 13,
}

/// <summary>A failure the export layer itself detects (NULL pointer, bad handle, small buffer...).</summary>
internal sealed class NativeException(Status status, string message) : Exception(message)
{
    public Status Status { get; } = status;

    public static NativeException Null(string what) => new(Status.NullArgument, $"{what} is NULL");
}

/// <summary>Turns any exception into a status and a message: the one place the boundary translates.</summary>
internal static class ErrorTranslation
{
    public static Status ToStatus(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidModel => Status.InvalidModel,
        ErrorKind.Unsupported => Status.Unsupported,
        ErrorKind.InvalidArgument => Status.InvalidArgument,
        ErrorKind.LimitExceeded => Status.LimitExceeded,
        ErrorKind.Io => Status.Io,
        ErrorKind.InvalidData => Status.InvalidData,
        _ => Status.Internal,
    };

    public static (Status Status, string Message) Translate(Exception e) => e switch
    {
        NativeException n => (n.Status, n.Message),
        CnnrtException c => (ToStatus(c.Kind), c.Message),
        OutOfMemoryException => (Status.OutOfMemory, "out of memory"),
        InsufficientExecutionStackException => (Status.LimitExceeded, "the model is nested too deeply for the stack"),
        _ => (Status.Internal, $"internal error ({e.GetType().Name}): {e.Message}"),
    };

    /// <summary>The C name of a status, as <c>cnnrt_status_string</c> returns it.</summary>
    public static string Name(int status) => status switch
    {
        (int)Status.Ok => "CNNRT_OK",
        (int)Status.InvalidModel => "CNNRT_ERROR_INVALID_MODEL",
        (int)Status.Unsupported => "CNNRT_ERROR_UNSUPPORTED",
        (int)Status.InvalidArgument => "CNNRT_ERROR_INVALID_ARGUMENT",
        (int)Status.LimitExceeded => "CNNRT_ERROR_LIMIT_EXCEEDED",
        (int)Status.Io => "CNNRT_ERROR_IO",
        (int)Status.InvalidData => "CNNRT_ERROR_INVALID_DATA",
        (int)Status.NullArgument => "CNNRT_ERROR_NULL_ARGUMENT",
        (int)Status.OutOfRange => "CNNRT_ERROR_OUT_OF_RANGE",
        (int)Status.BufferTooSmall => "CNNRT_ERROR_BUFFER_TOO_SMALL",
        (int)Status.InvalidHandle => "CNNRT_ERROR_INVALID_HANDLE",
        (int)Status.NotFound => "CNNRT_ERROR_NOT_FOUND",
        (int)Status.OutOfMemory => "CNNRT_ERROR_OUT_OF_MEMORY",
        (int)Status.Internal => "CNNRT_ERROR_INTERNAL",
        _ => "CNNRT_ERROR_UNKNOWN",
    };
}
