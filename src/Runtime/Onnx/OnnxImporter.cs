using System.Text;
using Cnnrt.Graph;
using Cnnrt.Onnx.Proto;
using Cnnrt.Tensors;
using Google.Protobuf;

namespace Cnnrt.Onnx;

/// <summary>
/// Reads an ONNX ModelProto into the IR: nodes (checked to be in a valid topological order, which the spec requires),
/// initializers, declared inputs and outputs, default-domain opset, metadata_props. Validation that needs no
/// shapes happens here: every node input must be produced by something, names must be unique, no cycles.
/// </summary>
public static class OnnxImporter
{
    public static ModelGraph LoadFile(string path, Limits? limits = null)
    {
        return Load(Io.FileBytes.Read(path, "model"), path, Path.GetDirectoryName(Path.GetFullPath(path)), limits);
    }

    /// <param name="source">How errors name the model (its path, or "memory").</param>
    /// <param name="baseDirectory">Where external data files live; null when loaded from memory.</param>
    public static ModelGraph Load(ReadOnlySpan<byte> bytes, string source, string? baseDirectory, Limits? limits = null)
    {
        limits ??= Limits.Default;
        if (bytes.Length == 0) throw CnnrtException.Model($"{source}: the file is empty, not an ONNX model");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw CnnrtException.Model($"{source}: not a valid ONNX model (protobuf parse failed: {e.Message})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 && model.Graph.Output.Count == 0)
            throw CnnrtException.Model($"{source}: not an ONNX model (no graph; is this the right file?)");
        return Convert(model, source, baseDirectory, limits);
    }

    private static ModelGraph Convert(ModelProto model, string source, string? baseDirectory, Limits limits)
    {
        var g = new ModelGraph { Name = model.Graph.Name, Producer = $"{model.ProducerName} {model.ProducerVersion}".Trim() };
        g.Opset = DefaultOpset(model, source);
        foreach (var kv in model.MetadataProps) g.Metadata[kv.Key] = kv.Value;

        var graph = model.Graph;
        if (graph.Node.Count > limits.MaxNodes)
            throw CnnrtException.Limit($"{source}: {graph.Node.Count} nodes exceed the limit of {limits.MaxNodes}");
        if (graph.SparseInitializer.Count > 0)
            throw CnnrtException.Unsupported($"{source}: sparse initializers are not supported ('{graph.SparseInitializer[0].Values?.Name}')");

        foreach (var init in graph.Initializer)
        {
            if (init.Name.Length == 0) throw CnnrtException.Model($"{source}: an initializer has no name");
            if (g.Initializers.ContainsKey(init.Name)) throw CnnrtException.Model($"{source}: initializer '{init.Name}' is defined twice");
            g.Initializers[init.Name] = TensorProtoReader.Read(init, $"{source}: initializer '{init.Name}'", baseDirectory, limits);
        }
        foreach (var vi in graph.Input)
            if (!g.Initializers.ContainsKey(vi.Name)) g.Inputs.Add(Decl(vi, source, "input"));
        foreach (var vi in graph.Output) g.Outputs.Add(Decl(vi, source, "output"));
        if (g.Outputs.Count == 0) throw CnnrtException.Model($"{source}: the graph declares no outputs");

        int index = 0;
        foreach (var np in graph.Node)
        {
            string name = np.Name.Length > 0 ? np.Name : $"{np.OpType}_{index}";
            if (np.OpType.Length == 0) throw CnnrtException.Model($"{source}: node #{index} ('{name}') has no op_type");
            var node = new Node
            {
                Name = name,
                OpType = np.OpType,
                Domain = np.Domain,
                Inputs = np.Input.ToArray(),
                Outputs = np.Output.ToArray(),
            };
            foreach (var ap in np.Attribute)
            {
                if (node.Attributes.ContainsKey(ap.Name))
                    throw CnnrtException.Model($"{source}: {node.Describe()} has attribute '{ap.Name}' twice");
                node.Attributes[ap.Name] = Attribute(ap, $"{source}: {node.Describe()} attribute '{ap.Name}'", baseDirectory, limits);
            }
            g.Nodes.Add(node);
            index++;
        }
        GraphValidator.Validate(g, source);
        return g;
    }

    private static int DefaultOpset(ModelProto model, string source)
    {
        long v = -1;
        foreach (var o in model.OpsetImport)
            if (o.Domain.Length == 0 || o.Domain == "ai.onnx") v = o.Version;
        if (v < 0) v = model.IrVersion <= 3 ? 7 : 13; // very old files omit it; assume the era's opset
        if (v < Operators.OperatorRegistry.MinOpset || v > Operators.OperatorRegistry.MaxOpset)
            throw CnnrtException.Unsupported($"{source}: opset {v} is outside the supported range {Operators.OperatorRegistry.MinOpset}..{Operators.OperatorRegistry.MaxOpset}");
        return (int)v;
    }

    private static ValueDecl Decl(ValueInfoProto vi, string source, string role)
    {
        if (vi.Name.Length == 0) throw CnnrtException.Model($"{source}: a graph {role} has no name");
        var tt = vi.Type?.TensorType;
        if (vi.Type is not null && vi.Type.ValueCase != TypeProto.ValueOneofCase.TensorType)
            throw CnnrtException.Unsupported($"{source}: graph {role} '{vi.Name}' is not a tensor ({vi.Type.ValueCase})");
        if (tt is null) return new ValueDecl { Name = vi.Name, Type = DataType.Float, Dims = null };
        int[]? dims = null;
        string?[]? names = null;
        if (tt.Shape is not null)
        {
            dims = new int[tt.Shape.Dim.Count];
            names = new string?[dims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                var d = tt.Shape.Dim[i];
                if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue >= 0 && d.DimValue <= int.MaxValue)
                    dims[i] = (int)d.DimValue;
                else
                {
                    dims[i] = -1;
                    names[i] = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : null;
                }
            }
        }
        return new ValueDecl { Name = vi.Name, Type = (DataType)tt.ElemType, Dims = dims, DimNames = names };
    }

    private static NodeAttribute Attribute(AttributeProto a, string what, string? baseDirectory, Limits limits)
    {
        var kind = a.Type switch
        {
            AttributeProto.Types.AttributeType.Float => AttributeKind.Float,
            AttributeProto.Types.AttributeType.Int => AttributeKind.Int,
            AttributeProto.Types.AttributeType.String => AttributeKind.String,
            AttributeProto.Types.AttributeType.Tensor => AttributeKind.Tensor,
            AttributeProto.Types.AttributeType.Floats => AttributeKind.Floats,
            AttributeProto.Types.AttributeType.Ints => AttributeKind.Ints,
            AttributeProto.Types.AttributeType.Strings => AttributeKind.Strings,
            AttributeProto.Types.AttributeType.Graph => AttributeKind.Graph,
            AttributeProto.Types.AttributeType.Undefined => Infer(a),
            _ => AttributeKind.Other,
        };
        if (a.RefAttrName.Length > 0) throw CnnrtException.Unsupported($"{what}: attribute references (functions) are not supported");
        return new NodeAttribute
        {
            Name = a.Name,
            Kind = kind,
            Float = a.F,
            Int = a.I,
            String = Encoding.UTF8.GetString(a.S.Span),
            Tensor = kind == AttributeKind.Tensor && a.T is not null ? TensorProtoReader.Read(a.T, what, baseDirectory, limits) : null,
            Floats = a.Floats.ToArray(),
            Ints = a.Ints.ToArray(),
            Strings = a.Strings.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray(),
        };
    }

    // IR version 1 files have no attribute type; infer it from the field that is set.
    private static AttributeKind Infer(AttributeProto a) =>
        a.Floats.Count > 0 ? AttributeKind.Floats : a.Ints.Count > 0 ? AttributeKind.Ints : a.Strings.Count > 0 ? AttributeKind.Strings
        : a.T is not null ? AttributeKind.Tensor : !a.S.IsEmpty ? AttributeKind.String : a.F != 0 ? AttributeKind.Float : AttributeKind.Int;
}
