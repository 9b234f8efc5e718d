using Cnnrt.Graph;
using Cnnrt.Onnx.Proto;
using Cnnrt.Tensors;
using Google.Protobuf;

namespace Cnnrt.Onnx;

/// <summary>Writes the IR back out as an ONNX ModelProto (tests, tools, and later the quantized-model writer).</summary>
public static class OnnxWriter
{
    public static byte[] Write(ModelGraph g)
    {
        var graph = new GraphProto { Name = g.Name.Length > 0 ? g.Name : "cnnrt" };
        foreach (var n in g.Nodes)
        {
            var np = new NodeProto { Name = n.Name, OpType = n.OpType, Domain = n.Domain };
            np.Input.AddRange(n.Inputs);
            np.Output.AddRange(n.Outputs);
            foreach (var a in n.Attributes.Values) np.Attribute.Add(Attribute(a));
            graph.Node.Add(np);
        }
        foreach (var (name, t) in g.Initializers)
            graph.Initializer.Add(TensorProto.Parser.ParseFrom(TensorProtoReader.Write(t, name)));
        foreach (var i in g.Inputs) graph.Input.Add(ValueInfo(i));
        foreach (var o in g.Outputs) graph.Output.Add(ValueInfo(o));
        var model = new ModelProto { IrVersion = 8, ProducerName = "cnnrt", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = g.Opset });
        foreach (var (k, v) in g.Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model.ToByteArray();
    }

    public static void WriteFile(string path, ModelGraph g) => File.WriteAllBytes(path, Write(g));

    private static ValueInfoProto ValueInfo(ValueDecl d)
    {
        var tt = new TypeProto.Types.Tensor { ElemType = (int)d.Type };
        if (d.Dims is { } dims)
        {
            tt.Shape = new TensorShapeProto();
            for (int i = 0; i < dims.Length; i++)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (dims[i] >= 0) dim.DimValue = dims[i];
                else dim.DimParam = d.DimNames?[i] ?? $"d{i}";
                tt.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = d.Name, Type = new TypeProto { TensorType = tt } };
    }

    private static AttributeProto Attribute(NodeAttribute a)
    {
        var p = new AttributeProto { Name = a.Name };
        switch (a.Kind)
        {
            case AttributeKind.Float: p.Type = AttributeProto.Types.AttributeType.Float; p.F = a.Float; break;
            case AttributeKind.Int: p.Type = AttributeProto.Types.AttributeType.Int; p.I = a.Int; break;
            case AttributeKind.String: p.Type = AttributeProto.Types.AttributeType.String; p.S = ByteString.CopyFromUtf8(a.String); break;
            case AttributeKind.Floats: p.Type = AttributeProto.Types.AttributeType.Floats; p.Floats.AddRange(a.Floats); break;
            case AttributeKind.Ints: p.Type = AttributeProto.Types.AttributeType.Ints; p.Ints.AddRange(a.Ints); break;
            case AttributeKind.Strings:
                p.Type = AttributeProto.Types.AttributeType.Strings;
                p.Strings.AddRange(a.Strings.Select(ByteString.CopyFromUtf8));
                break;
            case AttributeKind.Tensor:
                p.Type = AttributeProto.Types.AttributeType.Tensor;
                p.T = TensorProto.Parser.ParseFrom(TensorProtoReader.Write(a.Tensor!));
                break;
            default: throw CnnrtException.Unsupported($"attribute '{a.Name}' of kind {a.Kind} cannot be written");
        }
        return p;
    }
}
