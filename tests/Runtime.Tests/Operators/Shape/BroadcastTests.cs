using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

/// <summary>Expand, Tile, DepthToSpace and SpaceToDepth.</summary>
public class BroadcastTests
{
    [Fact]
    public void ExpandBroadcastsBothWays()
    {
        // numpy: np.broadcast_to([[1],[2],[3]], (2,3,4))
        var y = Eval(Node("Expand", 2), 13, Tensor.FromLongs([3, 1], [1, 2, 3]), Longs(2, 1, 4))[0];
        AssertTensor([2, 3, 4], new long[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, y);
        // a target dim of 1 keeps the input's larger dim
        AssertShape([3, 2], Eval(Node("Expand", 2), 13, IotaF(3, 1), Longs(1, 2))[0]);
    }

    [Fact]
    public void ExpandFloatStepAndError()
    {
        var x = Random([3, 1], 2);
        var expected = Eval(Node("Expand", 2), 13, x, Longs(2, 3, 5))[0];
        Assert.Equal(x.Floats[1], expected.Floats[5 + 4]);
        Assert.Equal(expected.Floats, RunStep(Node("Expand", 2), 13, x, Longs(2, 3, 5))[0]);
        Fails(() => Eval(Node("Expand", 2), 13, IotaF(3, 2), Longs(4, 3)), ErrorKind.InvalidModel, "expand_test", "[3x2] does not broadcast with [4, 3]");
    }

    [Fact]
    public void TileRepeatsEachAxis()
    {
        // numpy: np.tile([[1,2],[3,4]], (2,3))
        var y = Eval(Node("Tile", 2), 13, Tensor.FromLongs([2, 2], [1, 2, 3, 4]), Longs(2, 3))[0];
        AssertTensor([4, 6], new long[] { 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4 }, y);
        var x = Random([2, 3], 4);
        Assert.Equal(Eval(Node("Tile", 2), 13, x, Longs(3, 1))[0].Floats, RunStep(Node("Tile", 2), 13, x, Longs(3, 1))[0]);
    }

    [Fact]
    public void TileErrors()
    {
        Fails(() => Eval(Node("Tile", 2), 13, IotaF(2, 2), Longs(2)), ErrorKind.InvalidModel, "tile_test", "rank 2");
        Fails(() => Eval(Node("Tile", 2), 13, IotaF(2, 2), Longs(2, -1)), ErrorKind.InvalidModel, "-1");
    }

    [Fact]
    public void DepthToSpaceDcrAndCrd()
    {
        // numpy, x = arange(8).reshape(1,8,1,1), b = 2:
        // DCR: x.reshape(1,2,2,2,1,1).transpose(0,3,4,1,5,2).reshape(1,2,2,2) = [0,2,4,6,1,3,5,7]
        // CRD: x.reshape(1,2,2,2,1,1).transpose(0,1,4,2,5,3).reshape(1,2,2,2) = [0,1,...,7]
        var dcr = Eval(Node("DepthToSpace", 1, 1, Int("blocksize", 2)), 13, IotaF(1, 8, 1, 1))[0];
        AssertShape([1, 2, 2, 2], dcr);
        AssertExact([0, 2, 4, 6, 1, 3, 5, 7], dcr);
        var crd = Eval(Node("DepthToSpace", 1, 1, Int("blocksize", 2), Str("mode", "CRD")), 13, IotaF(1, 8, 1, 1))[0];
        AssertExact([0, 1, 2, 3, 4, 5, 6, 7], crd);
    }

    [Fact]
    public void SpaceToDepthInvertsDepthToSpaceDcr()
    {
        // numpy: arange(16).reshape(1,1,2,2,2,2).transpose(0,3,5,1,2,4).reshape(1,4,2,2)
        var y = Eval(Node("SpaceToDepth", 1, 1, Int("blocksize", 2)), 13, IotaF(1, 1, 4, 4))[0];
        AssertShape([1, 4, 2, 2], y);
        AssertExact([0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15], y);

        var x = Random([2, 3, 4, 6], 9);
        var depth = Eval(Node("SpaceToDepth", 1, 1, Int("blocksize", 2)), 13, x)[0];
        var back = RunStep(Node("DepthToSpace", 1, 1, Int("blocksize", 2)), 13, depth)[0];
        Assert.Equal(x.Floats, back);
    }

    [Fact]
    public void SpaceDepthErrors()
    {
        Fails(() => Eval(Node("DepthToSpace", 1, 1, Int("blocksize", 2)), 13, IotaF(1, 6, 1, 1)), ErrorKind.InvalidModel, "depthtospace_test", "multiple of blocksize² = 4");
        Fails(() => Eval(Node("SpaceToDepth", 1, 1, Int("blocksize", 3)), 13, IotaF(1, 1, 4, 4)), ErrorKind.InvalidModel, "multiples of blocksize 3");
        Fails(() => Eval(Node("DepthToSpace", 1, 1, Int("blocksize", 2), Str("mode", "XYZ")), 13, IotaF(1, 4, 1, 1)), ErrorKind.InvalidModel, "mode 'XYZ'");
    }

    [Fact]
    public void StridedCopyRejectsReadsOutsideTheSource() =>
        Assert.Throws<ArgumentException>(() => new StridedCopy([3], [2], 2, 6));
}
