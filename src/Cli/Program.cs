using System.CommandLine;
using Cnnrt.Cli.Commands;

namespace Cnnrt.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("cnnrt: a CNN inference runtime. Runs ONNX models on float32 kernels with zero allocation per inference.")
        {
            ClassifyCommand.Create(),
            RunCommand.Create(),
            InspectCommand.Create(),
            EvalCommand.Create(),
            BenchCommand.Create(),
            InfoCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
