using Cnnrt.Graph;
using Cnnrt.Onnx;
using Cnnrt.Tensors;
using Cnnrt.Tests.Support;

namespace Cnnrt.Tests.Onnx;

/// <summary>Bad models fail at load with a message naming what is wrong and where; never a crash or a hang.</summary>
public sealed class ImporterErrorTests
{
    private static byte[] TypicalBytes() => OnnxWriter.Write(GraphBuilder.TypicalCnn());

    private static CnnrtException LoadFails(byte[] bytes) => Assert.Throws<CnnrtException>(() => Model.Load(bytes));

    [Fact]
    public void Round_trip_through_the_writer_loads()
    {
        var m = Model.Load(TypicalBytes());
        Assert.Equal(7, m.Graph.Nodes.Count);
    }

    [Fact]
    public void Every_truncation_is_an_error_or_a_valid_prefix_never_a_crash()
    {
        var bytes = TypicalBytes();
        for (int len = 0; len < bytes.Length; len += Math.Max(1, bytes.Length / 97))
        {
            try { Model.Load(bytes.AsSpan(0, len)); }
            catch (CnnrtException e) { Assert.False(string.IsNullOrWhiteSpace(e.Message)); }
        }
        Assert.Contains("empty", LoadFails([]).Message);
    }

    [Fact]
    public void Random_bytes_are_rejected()
    {
        var rng = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            var junk = new byte[rng.Next(1, 4096)];
            rng.NextBytes(junk);
            try { Model.Load(junk); }
            catch (CnnrtException) { }
        }
        Assert.Equal(ErrorKind.InvalidModel, LoadFails("this is not a model at all"u8.ToArray()).Kind);
    }

    [Fact]
    public void Unknown_operator_names_op_and_node()
    {
        var g = GraphBuilder.TypicalCnn();
        g.Nodes[1].OpType = "FancyRelu";
        var e = LoadFails(OnnxWriter.Write(g));
        Assert.Equal(ErrorKind.Unsupported, e.Kind);
        Assert.Contains("'FancyRelu'", e.Message);
        Assert.Contains($"'{g.Nodes[1].Name}'", e.Message);
    }

    [Fact]
    public void Missing_initializer_is_named()
    {
        var g = GraphBuilder.TypicalCnn();
        g.Initializers.Remove("conv1.w");
        var e = LoadFails(OnnxWriter.Write(g));
        Assert.Contains("'conv1.w'", e.Message);
        Assert.Contains("conv1", e.Message);
    }

    [Fact]
    public void Cycles_are_detected()
    {
        var g = new ModelGraph { Opset = 13 };
        g.Inputs.Add(new ValueDecl { Name = "x", Dims = [1] });
        g.Nodes.Add(new Node { Name = "a", OpType = "Add", Inputs = ["x", "c"], Outputs = ["b"] });
        g.Nodes.Add(new Node { Name = "b", OpType = "Relu", Inputs = ["b"], Outputs = ["c"] });
        g.Outputs.Add(new ValueDecl { Name = "c" });
        var e = LoadFails(OnnxWriter.Write(g));
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void Oversized_tensor_is_rejected_before_allocating()
    {
        // A TensorProto that claims 2^40 floats but carries none: must fail on the limit, not try to allocate 4 TiB.
        var proto = new Cnnrt.Onnx.Proto.TensorProto { DataType = 1, Name = "huge" };
        proto.Dims.Add(1L << 20);
        proto.Dims.Add(1L << 20);
        var e = Assert.Throws<CnnrtException>(() => TensorProtoReader.Read(proto, "initializer 'huge'", null));
        Assert.Equal(ErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("'huge'", e.Message);
    }

    [Fact]
    public void Raw_data_of_the_wrong_length_is_rejected()
    {
        var proto = new Cnnrt.Onnx.Proto.TensorProto { DataType = 1, Name = "w", RawData = Google.Protobuf.ByteString.CopyFrom(new byte[10]) };
        proto.Dims.Add(3);
        var e = Assert.Throws<CnnrtException>(() => TensorProtoReader.Read(proto, "initializer 'w'", null));
        Assert.Contains("10 bytes", e.Message);
    }

    [Fact]
    public void External_data_is_read_beside_the_model_and_cannot_escape_its_folder()
    {
        string dir = Directory.CreateTempSubdirectory("cnnrt-ext").FullName;
        var data = new float[] { 1, 2, 3, 4 };
        var bytes = new byte[16];
        Buffer.BlockCopy(data, 0, bytes, 0, 16);
        File.WriteAllBytes(Path.Combine(dir, "weights.bin"), [.. new byte[8], .. bytes]);
        var proto = new Cnnrt.Onnx.Proto.TensorProto { DataType = 1, Name = "w", DataLocation = 1 };
        proto.Dims.Add(4);
        proto.ExternalData.Add(new Cnnrt.Onnx.Proto.StringStringEntryProto { Key = "location", Value = "weights.bin" });
        proto.ExternalData.Add(new Cnnrt.Onnx.Proto.StringStringEntryProto { Key = "offset", Value = "8" });
        var t = TensorProtoReader.Read(proto, "initializer 'w'", dir);
        Assert.Equal(data, t.Floats);

        proto.ExternalData[0].Value = "../etc/passwd";
        Assert.Throws<CnnrtException>(() => TensorProtoReader.Read(proto, "initializer 'w'", dir));
        proto.ExternalData[0].Value = "missing.bin";
        Assert.Equal(ErrorKind.Io, Assert.Throws<CnnrtException>(() => TensorProtoReader.Read(proto, "initializer 'w'", dir)).Kind);
    }

    [Fact]
    public void Metadata_props_are_kept()
    {
        var g = GraphBuilder.TypicalCnn();
        g.Metadata["labels"] = "a,b,c";
        var m = Model.Load(OnnxWriter.Write(g));
        Assert.Equal("a,b,c", m.Metadata["labels"]);
        Assert.Equal(["a", "b", "c"], new ModelMetadata(m.Metadata).Labels);
    }
}
