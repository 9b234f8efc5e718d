using BenchmarkDotNet.Running;

namespace Cnnrt.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs in process unless told otherwise: BenchmarkDotNet's default generates and builds a separate project per
    /// runtime, and 0.14 has no moniker for .NET 10, the runtime this build targets. In process, the
    /// benchmarks run on exactly the runtime and JIT that `dotnet run` started; every other option (--filter,
    /// --job short, ...) applies as usual.
    /// </summary>
    public static void Main(string[] args)
    {
        bool toolchainGiven = args.Any(a => a is "--inProcess" or "-i" or "--runtimes" or "-r" or "--toolchain");
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(toolchainGiven ? args : [.. args, "--inProcess"]);
    }
}
