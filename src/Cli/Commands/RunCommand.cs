using System.CommandLine;
using System.Text.RegularExpressions;
using Cnnrt.Io;
using Cnnrt.Onnx;
using Cnnrt.Tensors;

namespace Cnnrt.Cli.Commands;

/// <summary>`cnnrt run MODEL --input FILE... --output-dir DIR`: run on .npy / TensorProto .pb inputs, write .npy outputs.</summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model." };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input file (.npy or ONNX TensorProto .pb), in graph-input order or as NAME=FILE. Repeat for several inputs.",
            Arity = ArgumentArity.OneOrMore,
            Required = true,
        };
        var outDir = new Option<string>("--output-dir", "-o") { Description = "Where to write <output name>.npy files.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary." };
        var cmd = new Command("run", "Run a model on input tensors and write every graph output as .npy.") { model, inputs, outDir, json };
        cmd.SetAction(r => CliSupport.Guard(() => Execute(r.GetValue(model)!, r.GetValue(inputs)!, r.GetValue(outDir)!, r.GetValue(json))));
        return cmd;
    }

    private static int Execute(string modelPath, string[] inputArgs, string outDir, bool json)
    {
        var m = CliSupport.LoadModel(modelPath);
        var tensors = BindInputs(m, inputArgs);
        var session = new Session(m, new SessionOptions { InputShapes = tensors.Select(t => t.Shape).ToList() });
        for (int i = 0; i < tensors.Length; i++) tensors[i].Floats.CopyTo(session.Input(i));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        session.Run();
        double ms = sw.Elapsed.TotalMilliseconds;

        try { Directory.CreateDirectory(outDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CnnrtException(ErrorKind.Io, $"{outDir}: cannot create the output directory: {e.Message}", e);
        }
        var written = new List<(string Name, string Path, int[] Shape)>();
        for (int i = 0; i < session.OutputCount; i++)
        {
            string name = session.OutputName(i);
            string path = Path.Combine(outDir, SafeFileName(name) + ".npy");
            var shape = session.OutputShape(i).ToArray();
            Npy.WriteFile(path, Tensor.FromFloats(shape, session.Output(i).ToArray()));
            written.Add((name, path, shape));
        }

        if (json)
        {
            using var w = CliSupport.JsonOut();
            w.WriteStartObject();
            w.WriteString("model", modelPath);
            w.WriteNumber("run_ms", ms);
            w.WriteStartArray("outputs");
            foreach (var (name, path, shape) in written)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("file", path);
                CliSupport.WriteShape(w, "shape", shape);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            foreach (var (name, path, shape) in written) Console.WriteLine($"{name} [{CliSupport.Shape(shape)}] -> {path}");
            Console.WriteLine($"ran in {ms:F3} ms");
        }
        return 0;
    }

    /// <summary>Matches arguments to graph inputs: NAME=FILE by name, plain FILE by position.</summary>
    private static Tensor[] BindInputs(Model m, string[] args)
    {
        var bound = new Tensor?[m.Inputs.Count];
        int position = 0;
        foreach (var arg in args)
        {
            int eq = arg.IndexOf('=');
            int index;
            string file;
            if (eq > 0 && m.Inputs.Any(i => i.Name == arg[..eq]))
            {
                string name = arg[..eq];
                index = m.Inputs.ToList().FindIndex(i => i.Name == name);
                file = arg[(eq + 1)..];
            }
            else
            {
                while (position < bound.Length && bound[position] is not null) position++;
                if (position >= bound.Length)
                    throw CnnrtException.Argument($"too many inputs: the model has {m.Inputs.Count} ({string.Join(", ", m.Inputs.Select(i => i.Name))})");
                index = position;
                file = arg;
            }
            if (bound[index] is not null) throw CnnrtException.Argument($"input '{m.Inputs[index].Name}' is given twice");
            var t = ReadTensor(file);
            if (t.Type != DataType.Float)
                throw CnnrtException.Argument($"{file}: holds {DataTypes.Name(t.Type)}; input '{m.Inputs[index].Name}' takes float32");
            bound[index] = t;
        }
        for (int i = 0; i < bound.Length; i++)
            if (bound[i] is null) throw CnnrtException.Argument($"no file given for input '{m.Inputs[i].Name}'");
        return bound!;
    }

    private static Tensor ReadTensor(string file)
    {
        if (!File.Exists(file)) throw new CnnrtException(ErrorKind.Io, $"{file}: no such input file");
        return file.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? Npy.ReadFile(file) : TensorProtoReader.ReadFile(file);
    }

    /// <summary>Output names become file names: anything outside [A-Za-z0-9._-] becomes '_'.</summary>
    public static string SafeFileName(string name)
    {
        string s = Unsafe().Replace(name, "_");
        return s is "" or "." or ".." ? "_" + s : s;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
