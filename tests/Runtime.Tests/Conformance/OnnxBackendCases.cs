using Cnnrt.Graph;
using Cnnrt.Onnx;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Conformance;

/// <summary>
/// Finds ONNX's own backend test cases (Debian package libonnx-testdata) and decides which are in scope: a case is
/// in scope when every operator its model uses is one cnnrt implements. Out-of-scope cases are listed with the
/// operator that puts them out, so nothing is skipped silently.
/// </summary>
public static class OnnxBackendCases
{
    public const string Root = "/usr/share/libonnx-testdata/data";
    public static readonly string[] Suites = ["node", "pytorch-converted"];

    /// <summary>Cases of supported operators that exercise element types or features cnnrt deliberately lacks.</summary>
    public static readonly IReadOnlyDictionary<string, string> KnownUnsupported = new Dictionary<string, string>
    {
        ["test_training_dropout"] = "training-mode Dropout is random; cnnrt runs inference only",
        ["test_training_dropout_default"] = "training-mode Dropout is random; cnnrt runs inference only",
        ["test_training_dropout_default_mask"] = "training-mode Dropout is random; cnnrt runs inference only",
        ["test_training_dropout_mask"] = "training-mode Dropout is random; cnnrt runs inference only",
        ["test_batchnorm_epsilon_training_mode"] = "training-mode BatchNormalization; cnnrt runs inference only",
        ["test_batchnorm_example_training_mode"] = "training-mode BatchNormalization; cnnrt runs inference only",
        ["test_cast_BFLOAT16_to_FLOAT"] = "bfloat16 tensors are not supported",
        ["test_cast_FLOAT_to_BFLOAT16"] = "bfloat16 tensors are not supported",
        ["test_castlike_BFLOAT16_to_FLOAT"] = "bfloat16 tensors are not supported",
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = "bfloat16 tensors are not supported",
        ["test_castlike_FLOAT_to_BFLOAT16"] = "bfloat16 tensors are not supported",
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = "bfloat16 tensors are not supported",
    };

    public sealed record Case(string Suite, string Name, string Directory)
    {
        public override string ToString() => $"{Suite}/{Name}";
    }

    public static bool Installed => System.IO.Directory.Exists(Path.Combine(Root, "node"));

    public static IEnumerable<Case> All()
    {
        foreach (var suite in Suites)
        {
            string dir = Path.Combine(Root, suite);
            if (!System.IO.Directory.Exists(dir)) continue;
            foreach (var d in System.IO.Directory.GetDirectories(dir).OrderBy(x => x, StringComparer.Ordinal))
                if (File.Exists(Path.Combine(d, "model.onnx"))) yield return new Case(suite, Path.GetFileName(d), d);
        }
    }

    /// <summary>The op types a case's model uses, or the reason it cannot even be read.</summary>
    public static (IReadOnlyList<string> Ops, string? LoadError) OpsOf(Case c)
    {
        try
        {
            var g = OnnxImporter.LoadFile(Path.Combine(c.Directory, "model.onnx"));
            return (g.Nodes.Select(n => n.Domain.Length > 0 ? $"{n.Domain}.{n.OpType}" : n.OpType).Distinct().ToList(), null);
        }
        catch (CnnrtException e)
        {
            return ([], e.Message);
        }
    }

    /// <summary>Null when in scope; otherwise why not (the first operator cnnrt lacks).</summary>
    public static string? OutOfScopeReason(Case c)
    {
        if (KnownUnsupported.TryGetValue(c.Name, out var why)) return why;
        var (ops, error) = OpsOf(c);
        // Sequence and optional values are outside the tensor operators cnnrt implements; any other load failure of
        // a case must surface as a failure, not hide.
        if (error is not null) return error.Contains("is not a tensor") ? "uses sequence or optional values" : null;
        var missing = ops.FirstOrDefault(o => !OperatorRegistry.IsSupported(o));
        return missing is null ? null : $"uses {missing}";
    }

    public static IEnumerable<object[]> InScope()
    {
        if (!Installed)
        {
            yield return ["<libonnx-testdata is not installed: apt-get install libonnx-testdata>"];
            yield break;
        }
        foreach (var c in All())
            if (OutOfScopeReason(c) is null) yield return [c.ToString()];
    }

    /// <summary>ONNX's absolute tolerance for a case's suite (its relative one is 1e-3 for both).</summary>
    public static float AbsoluteTolerance(Case c) => c.Suite == "pytorch-converted" ? 1e-5f : 1e-7f;

    /// <summary>A case's test data sets, in order.</summary>
    public static string[] DataSets(Case c) =>
        System.IO.Directory.GetDirectories(c.Directory, "test_data_set_*").OrderBy(x => x, StringComparer.Ordinal).ToArray();

    /// <summary>One data set's inputs by graph-input name and its expected outputs in graph-output order.</summary>
    public static (Dictionary<string, Tensor> Inputs, List<Tensor> Expected) ReadDataSet(ModelGraph graph, string set)
    {
        var inputs = new Dictionary<string, Tensor>();
        // Inputs are numbered in graph-input order, counting initializer-backed inputs the file did list.
        for (int i = 0; i < graph.Inputs.Count; i++)
            inputs[graph.Inputs[i].Name] = TensorProtoReader.ReadFile(Path.Combine(set, $"input_{i}.pb"));
        var expected = new List<Tensor>();
        for (int i = 0; i < graph.Outputs.Count; i++)
            expected.Add(TensorProtoReader.ReadFile(Path.Combine(set, $"output_{i}.pb")));
        return (inputs, expected);
    }

    public static Case Find(string id)
    {
        if (!Installed) throw new InvalidOperationException($"{Root} is missing: install the Debian package libonnx-testdata");
        return All().First(c => c.ToString() == id);
    }
}
