using Cnnrt.Graph;
using Cnnrt.Onnx;
using Cnnrt.Operators;
using Cnnrt.Passes;
using Cnnrt.Planning;
using Cnnrt.Tensors;

namespace Cnnrt;

/// <summary>Options for loading a model.</summary>
public sealed record ModelOptions
{
    /// <summary>Run the optimizing passes (BatchNorm folding, activation fusion). Constant folding always runs.</summary>
    public bool Optimize { get; init; } = true;
    public Limits Limits { get; init; } = Limits.Default;
}

/// <summary>
/// A loaded, validated and optimized model. Read-only after load, so one Model can back many sessions on many threads.
/// </summary>
public sealed class Model
{
    private readonly Operator[] _operators;

    private Model(ModelGraph graph, PassReport passes, string source, ModelOptions options)
    {
        Graph = graph;
        Passes = passes;
        Source = source;
        Options = options;
        _operators = new Operator[graph.Nodes.Count];
        // Binding every node now reports unknown operators and bad attributes at load, not at the first run.
        for (int k = 0; k < _operators.Length; k++) _operators[k] = OperatorRegistry.Create(graph.Nodes[k], graph.Opset);
    }

    /// <summary>Loads an ONNX model or a cnnrt packed model (told apart by their first bytes).</summary>
    public static Model Load(string path, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        return Load(Io.FileBytes.Read(path, "model"), path, Path.GetDirectoryName(Path.GetFullPath(path)), options);
    }

    /// <summary>Loads from memory; external data files cannot be resolved and are an error.</summary>
    public static Model Load(ReadOnlySpan<byte> bytes, ModelOptions? options = null, string source = "memory") =>
        Load(bytes, source, null, options ?? new ModelOptions());

    private static Model Load(ReadOnlySpan<byte> bytes, string source, string? directory, ModelOptions options)
    {
        var onnx = PackedModelFile.HasMagic(bytes) ? PackedModelFile.Payload(bytes, source) : bytes;
        return FromGraph(OnnxImporter.Load(onnx, source, directory, options.Limits), source, options);
    }

    /// <summary>Writes the optimized graph as a cnnrt packed model.</summary>
    public void SavePacked(string path)
    {
        try { File.WriteAllBytes(path, PackedModelFile.Write(Graph)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CnnrtException(ErrorKind.Io, $"{path}: cannot write: {e.Message}", e);
        }
    }

    /// <summary>Optimizes a graph (a copy of it) and binds its operators.</summary>
    public static Model FromGraph(ModelGraph graph, string source = "graph", ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        var g = graph.Clone();
        var report = PassPipeline.Run(g, options.Optimize);
        return new Model(g, report, source, options);
    }

    public ModelGraph Graph { get; }
    public PassReport Passes { get; }
    public string Source { get; }
    public ModelOptions Options { get; }
    public IReadOnlyDictionary<string, string> Metadata => Graph.Metadata;
    public IReadOnlyList<ValueDecl> Inputs => Graph.Inputs;
    public IReadOnlyList<ValueDecl> Outputs => Graph.Outputs;
    public int Opset => Graph.Opset;

    /// <summary>
    /// The shapes to plan for when the caller gives none: declared dims, with a symbolic first (batch) dim taken as 1.
    /// Any other unknown dim needs an explicit shape.
    /// </summary>
    public int[][] DefaultInputShapes()
    {
        var shapes = new int[Inputs.Count][];
        for (int i = 0; i < shapes.Length; i++)
        {
            var decl = Inputs[i];
            if (decl.Dims is null)
                throw CnnrtException.Argument($"input '{decl.Name}' has no declared shape; give one (e.g. --input-shape 1x3x224x224)");
            shapes[i] = new int[decl.Dims.Length];
            for (int d = 0; d < shapes[i].Length; d++)
            {
                int v = decl.Dims[d];
                if (v < 0 && d == 0) v = 1;
                if (v < 0)
                    throw CnnrtException.Argument($"input '{decl.Name}' ({decl}) has an unknown dimension {d}; give its shape explicitly");
                shapes[i][d] = v;
            }
        }
        return shapes;
    }

    /// <summary>Plans the model for the given input shapes (one per input, in graph order).</summary>
    public Plan CreatePlan(IReadOnlyList<int[]> inputShapes, Kernels.KernelIsa? isa = null, Threading.WorkerPool? pool = null) =>
        Planner.Build(Graph, _operators, inputShapes, Options.Limits, isa, pool);
}
