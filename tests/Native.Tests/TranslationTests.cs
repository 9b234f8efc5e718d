using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Cnnrt.Native.Tests;

/// <summary>The exception → status mapping, and that the header and the library agree.</summary>
public sealed partial class TranslationTests
{
    [Theory]
    [InlineData(ErrorKind.InvalidModel, (int)Status.InvalidModel)]
    [InlineData(ErrorKind.Unsupported, (int)Status.Unsupported)]
    [InlineData(ErrorKind.InvalidArgument, (int)Status.InvalidArgument)]
    [InlineData(ErrorKind.LimitExceeded, (int)Status.LimitExceeded)]
    [InlineData(ErrorKind.Io, (int)Status.Io)]
    [InlineData(ErrorKind.InvalidData, (int)Status.InvalidData)]
    public void Every_error_kind_has_its_status(ErrorKind kind, int status)
    {
        var (s, m) = ErrorTranslation.Translate(new CnnrtException(kind, "what went wrong"));
        Assert.Equal(status, (int)s);
        Assert.Equal("what went wrong", m);
        Assert.Equal((int)kind, status);
    }

    [Fact]
    public void Every_error_kind_is_mapped()
    {
        foreach (ErrorKind k in Enum.GetValues<ErrorKind>())
            Assert.NotEqual(Status.Internal, ErrorTranslation.ToStatus(k));
    }

    [Fact]
    public void Other_exceptions_are_internal_or_out_of_memory()
    {
        Assert.Equal(Status.OutOfMemory, ErrorTranslation.Translate(new OutOfMemoryException()).Status);
        var (s, m) = ErrorTranslation.Translate(new IndexOutOfRangeException("boom"));
        Assert.Equal(Status.Internal, s);
        Assert.Contains("IndexOutOfRangeException", m);
        Assert.Equal(Status.BufferTooSmall, ErrorTranslation.Translate(new NativeException(Status.BufferTooSmall, "x")).Status);
    }

    [Fact]
    public void Last_error_is_prefixed_thread_local_and_cleared_by_success()
    {
        int status = LastError.Set("cnnrt_x", new CnnrtException(ErrorKind.Io, "gone"));
        Assert.Equal((int)Status.Io, status);
        Assert.Equal("cnnrt_x: gone", LastError.Current());
        string other = "";
        var t = new Thread(() => other = LastError.Current());
        t.Start();
        t.Join();
        Assert.Equal("", other);
        LastError.Set("cnnrt_y", new NativeException(Status.NullArgument, new string('é', 400)));
        Assert.Equal("cnnrt_y: " + new string('é', 400), LastError.Current());
        LastError.Clear();
        Assert.Equal("", LastError.Current());
    }

    [Fact]
    public void Version_is_short()
    {
        Assert.Equal("0.1.0+0123456789ab", NativeApi.ShortVersion("0.1.0+0123456789abcdef0123456789abcdef01234567"));
        Assert.Equal("0.1.0", NativeApi.ShortVersion("0.1.0"));
    }

    [Fact]
    public void Options_struct_has_the_C_layout()
    {
        Assert.Equal(40, Marshal.SizeOf<SessionOptionsV1>());
        Assert.Equal(0, (int)Marshal.OffsetOf<SessionOptionsV1>(nameof(SessionOptionsV1.StructSize)));
        Assert.Equal(8, (int)Marshal.OffsetOf<SessionOptionsV1>(nameof(SessionOptionsV1.Threads)));
        Assert.Equal(16, (int)Marshal.OffsetOf<SessionOptionsV1>(nameof(SessionOptionsV1.InputShapeCount)));
        Assert.Equal(24, (int)Marshal.OffsetOf<SessionOptionsV1>(nameof(SessionOptionsV1.InputRanks)));
        Assert.Equal(32, (int)Marshal.OffsetOf<SessionOptionsV1>(nameof(SessionOptionsV1.InputDims)));
    }

    [Fact]
    public void Header_status_codes_match()
    {
        string header = File.ReadAllText(TestSupport.HeaderPath);
        var codes = StatusCodeRegex().Matches(header).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(Enum.GetValues<Status>().Length, codes.Count);
        foreach (Status s in Enum.GetValues<Status>())
        {
            string name = ErrorTranslation.Name((int)s);
            Assert.True(codes.TryGetValue(name, out int v), $"{name} missing from cnnrt.h");
            Assert.Equal((int)s, v);
        }
        Assert.Matches($@"#define CNNRT_ABI_VERSION {NativeApi.AbiVersion}u\b", header);
    }

    [Fact]
    public void Header_declares_exactly_the_exported_functions()
    {
        string header = File.ReadAllText(TestSupport.HeaderPath);
        var declared = DeclRegex().Matches(header).Select(m => m.Groups[1].Value).ToHashSet();
        var exported = typeof(Exports).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<UnmanagedCallersOnlyAttribute>()?.EntryPoint)
            .OfType<string>().ToHashSet();
        Assert.Equal(exported.Order(), declared.Order());
    }

    [GeneratedRegex(@"^\s*(CNNRT_(?:OK|ERROR_[A-Z_]+)) = (\d+)", RegexOptions.Multiline)]
    private static partial Regex StatusCodeRegex();

    [GeneratedRegex(@"^CNNRT_API\s+[^;]*?\b(cnnrt_\w+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex DeclRegex();
}
