using Cnnrt;
using Cnnrt.Kernels;
using Cnnrt.Graph;
using Cnnrt.Io;
using Cnnrt.Onnx;
using Cnnrt.Tensors;
using Cnnrt.Tests.Conformance;
using Cnnrt.Tests.Zoo;

// cnnrt-native-check [--zoo DIR] [--onnx-only | --zoo-only]
// Runs, with the kernel path this build picks on this CPU: every in-scope float32 ONNX backend case through the
// planned engine (ONNX's tolerance: rtol 1e-3, atol 1e-7, 1e-5 for the pytorch-converted suite), and every model of
// the zoo against PyTorch's output (max |actual − expected| ≤ 1e-4 · max |expected|). One line per failure, then
// "N passed, N failed"; exit status 1 when anything failed or nothing ran.
string zoo = "bench/.zoo";
bool onnx = true, models = true;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--zoo" when i + 1 < args.Length: zoo = args[++i]; break;
        case "--onnx-only": models = false; break;
        case "--zoo-only": onnx = false; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: cnnrt-native-check [--zoo DIR] [--onnx-only | --zoo-only]");
            return 2;
    }
}

Console.WriteLine($"cnnrt-native-check: .NET {Environment.Version} ({(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled ? "JIT" : "NativeAOT")}), " +
    $"{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, kernel path {CpuFeatures.Name(CpuFeatures.Best)}");
int passed = 0, failed = 0, notApplicable = 0;
void Fail(string what, string why) { failed++; Console.WriteLine($"FAILED {what}: {why}"); }

if (onnx)
{
    if (!OnnxBackendCases.Installed) Fail("onnx", $"{OnnxBackendCases.Root} is missing: install the Debian package libonnx-testdata");
    else
        foreach (var c in OnnxBackendCases.All().Where(c => OnnxBackendCases.OutOfScopeReason(c) is null))
        {
            try
            {
                switch (Conformance.Run(c))
                {
                    case null: passed++; break;
                    case "": notApplicable++; break;
                    case var why: Fail(c.ToString(), why); break;
                }
            }
            catch (Exception e) { Fail(c.ToString(), $"{e.GetType().Name}: {e.Message}"); }
        }
    Console.WriteLine($"onnx backend cases: {passed} passed, {failed} failed, {notApplicable} not float32 or not plannable");
}

if (models)
{
    int before = passed + failed;
    if (!Directory.Exists(zoo)) Fail("zoo", $"{zoo} is missing: build it with `/usr/bin/python3 bench/zoo/export_zoo.py`");
    else
        foreach (var dir in Directory.GetDirectories(zoo).OrderBy(d => d, StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(dir, "output.npy"))) continue;
            try
            {
                var report = Zoo.Run(dir, out bool ok);
                Console.WriteLine(report);
                if (ok) passed++; else Fail(Path.GetFileName(dir), report);
            }
            catch (Exception e) { Fail(Path.GetFileName(dir), $"{e.GetType().Name}: {e.Message}"); }
        }
    Console.WriteLine($"zoo models: {passed + failed - before} checked");
}

Console.WriteLine($"{passed} passed, {failed} failed");
return failed == 0 && passed > 0 ? 0 : 1;

/// <summary>One ONNX backend case through the planned engine, as tests/Runtime.Tests' OnnxBackendTests runs it.</summary>
static class Conformance
{
    /// <returns>Null when every data set matched, "" when the case is not float32 or its shapes are not plannable,
    /// else what differed.</returns>
    public static string? Run(OnnxBackendCases.Case c)
    {
        var graph = OnnxImporter.LoadFile(Path.Combine(c.Directory, "model.onnx"));
        float atol = OnnxBackendCases.AbsoluteTolerance(c);
        var sets = OnnxBackendCases.DataSets(c);
        if (sets.Length == 0) return "no test data sets";
        foreach (var set in sets)
        {
            var (inputs, expected) = OnnxBackendCases.ReadDataSet(graph, set);
            if (!graph.Inputs.All(d => d.Type == DataType.Float) || !expected.All(t => t.Type == DataType.Float)) return "";
            Session session;
            try
            {
                session = new Session(Model.FromGraph(graph, c.Name),
                    new SessionOptions { InputShapes = graph.Inputs.Select(d => inputs[d.Name].Shape).ToList() });
            }
            catch (CnnrtException e) when (e.Kind == ErrorKind.Unsupported && e.Message.Contains("must be a constant or computable from the input shape"))
            {
                return "";
            }
            using (session)
            {
                for (int i = 0; i < graph.Inputs.Count; i++) inputs[graph.Inputs[i].Name].Floats.CopyTo(session.Input(i));
                session.Run();
                for (int i = 0; i < graph.Outputs.Count; i++)
                {
                    var shape = session.OutputShape(i).ToArray();
                    if (!shape.SequenceEqual(expected[i].Shape))
                        return $"{Path.GetFileName(set)} output {i}: shape {ShapeMath.Format(shape)}, expected {ShapeMath.Format(expected[i].Shape)}";
                    var e = expected[i].Floats;
                    var a = session.Output(i);
                    for (int k = 0; k < e.Length; k++)
                    {
                        if (float.IsNaN(e[k]) && float.IsNaN(a[k]) || e[k] == a[k]) continue;
                        double tol = atol + 1e-3 * Math.Abs(e[k]);
                        if (!(Math.Abs((double)e[k] - a[k]) <= tol))
                            return $"{Path.GetFileName(set)} output {i} element {k}: {a[k]:G9}, expected {e[k]:G9} (tolerance {tol:G3})";
                    }
                }
            }
        }
        return null;
    }
}

/// <summary>One zoo model against PyTorch's output (<see cref="ZooComparison"/>, as tests/Runtime.Tests' ZooTests).</summary>
static class Zoo
{
    public static string Run(string dir, out bool ok)
    {
        var input = Npy.ReadFile(Path.Combine(dir, "input.npy"));
        var expected = Npy.ReadFile(Path.Combine(dir, "output.npy"));
        using var session = new Session(Model.Load(Path.Combine(dir, "model.onnx")), new SessionOptions { InputShapes = [input.Shape] });
        input.Floats.CopyTo(session.Input(0));
        session.Run();
        var a = session.Output(0);
        var e = expected.Floats;
        if (a.Length != e.Length) { ok = false; return $"{Path.GetFileName(dir)}: {a.Length} outputs, expected {e.Length}"; }
        var c = ZooComparison.Of(a, e);
        ok = c.Passes;
        return $"{Path.GetFileName(dir)}: max |actual − expected| {c.MaxError:G3}, max |expected| {c.MaxReference:G4}";
    }
}
