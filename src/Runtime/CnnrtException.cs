namespace Cnnrt;

/// <summary>What kind of failure an error is; the C ABI maps each kind to its own status code.</summary>
public enum ErrorKind
{
    /// <summary>The model file is not a well-formed model (bad protobuf, cycles, missing tensors, bad attributes).</summary>
    InvalidModel = 1,
    /// <summary>The model is well formed but uses an operator, attribute value or data type cnnrt does not run.</summary>
    Unsupported = 2,
    /// <summary>A caller passed a wrong argument: wrong shape, wrong element count, bad index.</summary>
    InvalidArgument = 3,
    /// <summary>A tensor or model exceeds the configured limits; rejected before allocating.</summary>
    LimitExceeded = 4,
    /// <summary>A file could not be read or written.</summary>
    Io = 5,
    /// <summary>An input file (image, .npy, stream frame) is malformed or truncated.</summary>
    InvalidData = 6,
}

/// <summary>
/// The one exception type cnnrt throws for anything a user can cause. The message names what was wrong and where
/// (node, tensor, file offset, frame number).
/// </summary>
public sealed class CnnrtException : Exception
{
    public ErrorKind Kind { get; }

    public CnnrtException(ErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    public static CnnrtException Model(string message) => new(ErrorKind.InvalidModel, message);
    public static CnnrtException Unsupported(string message) => new(ErrorKind.Unsupported, message);
    public static CnnrtException Argument(string message) => new(ErrorKind.InvalidArgument, message);
    public static CnnrtException Limit(string message) => new(ErrorKind.LimitExceeded, message);
}
