using Cnnrt.Kernels;
using static Cnnrt.Tests.Operators.Elementwise.ElementwiseTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

public class LoopNestTests
{
    [Fact]
    public void EqualShapesMergeIntoOneLoop()
    {
        var nest = LoopNest.ForBroadcast([2, 3, 4], [2, 3, 4], [2, 3, 4]);
        Assert.Equal([24], nest.MergedShape);
        Assert.Equal(1, nest.InnerStride(0));
        Assert.Equal(1, nest.InnerStride(1));
    }

    [Fact]
    public void ScalarOperandHasInnerStrideZero()
    {
        var nest = LoopNest.ForBroadcast([2, 3], [2, 3], []);
        Assert.Equal([6], nest.MergedShape);
        Assert.Equal(0, nest.InnerStride(1));
    }

    [Fact]
    public void PerChannelVectorBecomesThreeLoops()
    {
        var nest = LoopNest.ForBroadcast([2, 3, 4, 5], [2, 3, 4, 5], [3, 1, 1]);
        Assert.Equal([2, 3, 20], nest.MergedShape);
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(d => nest.Stride(1, d)));
        Assert.Equal([60, 20, 1], Enumerable.Range(0, 3).Select(d => nest.Stride(0, d)));
    }

    [Fact]
    public void BothSidedBroadcastKeepsBothDimensions()
    {
        var nest = LoopNest.ForBroadcast([3, 4], [3, 1], [1, 4]);
        Assert.Equal([3, 4], nest.MergedShape);
        Assert.Equal([1, 0], new[] { nest.Stride(0, 0), nest.Stride(0, 1) });
        Assert.Equal([0, 1], new[] { nest.Stride(1, 0), nest.Stride(1, 1) });
    }

    [Fact]
    public void EmptyShapesIterateNothing()
    {
        var nest = LoopNest.ForBroadcast([0, 3], [0, 3], [3]);
        Assert.Equal(0, nest.Total);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        Assert.False(cursor.MoveNext());
    }

    [Fact]
    public void ScalarShapeIsOneIteration()
    {
        var nest = LoopNest.ForBroadcast([], [], []);
        Assert.Equal(1, nest.Total);
        Assert.Equal([1], nest.MergedShape);
    }

    public static TheoryData<int[], int[]> Pairs() => new()
    {
        { [2, 3, 4, 5], [3, 1, 1] },
        { [3, 1], [1, 4] },
        { [2, 1, 3, 1, 4], [5, 1, 1, 1] },
        { [1, 2, 1, 3], [4, 1, 5, 1] },
        { [6], [] },
        { [2, 2, 2, 2, 2], [2, 1, 2, 1, 2] },
    };

    /// <summary>Every (input, input, output) offset the cursor yields equals the one computed from the multi-index.</summary>
    [Theory]
    [MemberData(nameof(Pairs))]
    public void CursorOffsetsMatchExplicitIndices(int[] a, int[] b)
    {
        var shape = NumpyShape(a, b);
        var nest = LoopNest.ForBroadcast(shape, a, b);
        var seen = new List<(int, int, int)>();
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
            for (int i = 0; i < nest.InnerCount; i++)
                seen.Add((cursor[0] + i * nest.InnerStride(0), cursor[1] + i * nest.InnerStride(1), cursor[2] + i * nest.InnerStride(2)));
        Assert.Equal(nest.Total, seen.Count);
        foreach (var (oa, ob, oy) in seen)
        {
            var multi = Unravel(oy, shape);
            Assert.Equal(SourceIndex(a, multi), oa);
            Assert.Equal(SourceIndex(b, multi), ob);
        }
        Assert.Equal(Enumerable.Range(0, nest.Total), seen.Select(s => s.Item3));
    }
}
