using System.Diagnostics;

namespace Cnnrt.Cli.Tests;

/// <summary>Runs the built `cnnrt` command as a child process, the way a user does.</summary>
public static class CnnrtProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Runtime.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (Runtime.sln) above " + AppContext.BaseDirectory);
    }

    private static string CommandDll()
    {
        string config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        string dll = Path.Combine(RepoRoot, "src", "Cli", "bin", config, "net10.0", "cnnrt.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build src/Cli ({config}) first");
        return dll;
    }

    /// <summary>Far above any command's time here (seconds), short enough that a hung child fails its test quickly.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static Result Run(params string[] args) => RunWith([], args);

    /// <summary><see cref="Run"/> with these environment variables set for the child.</summary>
    public static Result RunWith((string Name, string Value)[] environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(CommandDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout)) { p.Kill(true); throw new TimeoutException($"cnnrt {string.Join(' ', args)} did not finish in {Timeout.TotalMinutes} minutes"); }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and expects success; the message shows stderr when it fails.</summary>
    public static string Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"cnnrt {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r.Stdout;
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("cnnrt-cli").FullName;
}
