using System.Runtime.InteropServices;

namespace Cnnrt.Native.Tests;

internal static unsafe class TestSupport
{
    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "models", "fashion_cnn.onnx");
    public static string HeaderPath => Path.Combine(AppContext.BaseDirectory, "include", "cnnrt.h");

    /// <summary>A NUL-terminated UTF-8 copy of s in unmanaged memory; free with <see cref="Marshal.FreeHGlobal"/>.</summary>
    public static nint Utf8(string s) => Marshal.StringToCoTaskMemUTF8(s);

    public static string Message() => LastError.Current();

    public static nint LoadModel()
    {
        nint path = Utf8(ModelPath);
        try { return NativeApi.ModelLoadFile((byte*)path); }
        finally { Marshal.FreeCoTaskMem(path); }
    }
}
