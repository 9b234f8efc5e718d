using Cnnrt.Tests.Support;

namespace Cnnrt.Tests.Api;

public sealed class PackedModelFileTests
{
    [Fact]
    public void Packed_model_round_trips_and_runs_identically()
    {
        var model = Model.FromGraph(GraphBuilder.TypicalCnn());
        string path = Path.Combine(Directory.CreateTempSubdirectory("cnnrt-pack").FullName, "m.cnnrt");
        model.SavePacked(path);
        var packed = Model.Load(path);
        Assert.Equal(model.Graph.Nodes.Select(n => n.OpType), packed.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal("Relu", packed.Graph.Nodes[0].GetString(Cnnrt.Operators.FusedActivation.KindAttribute, ""));

        var x = OpTestUtil.Random([1, 1, 28, 28], 2).Floats;
        float[] a = new float[10], b = new float[10];
        new Session(model).Run(x, a);
        new Session(packed).Run(x, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Truncated_or_foreign_packed_files_are_rejected_with_the_offset()
    {
        var bytes = Cnnrt.PackedModelFile.Write(Model.FromGraph(GraphBuilder.TypicalCnn()).Graph);
        var e = Assert.Throws<CnnrtException>(() => Model.Load(bytes.AsSpan(0, bytes.Length - 7)));
        Assert.Contains("offset 16", e.Message);
        Assert.Contains("truncated", e.Message);
        e = Assert.Throws<CnnrtException>(() => Model.Load(bytes.AsSpan(0, 12)));
        Assert.Contains("truncated", e.Message);
        var future = (byte[])bytes.Clone();
        future[8] = 99;
        Assert.Equal(ErrorKind.Unsupported, Assert.Throws<CnnrtException>(() => Model.Load(future)).Kind);
    }
}
