using Cnnrt.Threading;

namespace Cnnrt.Tests.Threading;

/// <summary>
/// A window step's per-thread buffers: zeroed, on a cache line, and no two of them nearer than
/// <see cref="ThreadScratch.GuardBytes"/>, whichever the allocator put first; and the layout of parts within one.
/// </summary>
public sealed unsafe class GuardedFloatsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100_000)]
    public void BuffersAreZeroedAlignedAndAGuardApart(int floats)
    {
        var buffers = Enumerable.Range(0, 4).Select(_ => new GuardedFloats(floats)).ToArray();
        foreach (var b in buffers)
        {
            Assert.Equal(floats, b.Length);
            Assert.Equal(0, (long)b.Pointer % 64);
            Assert.All(new Span<float>(b.Pointer, floats).ToArray(), v => Assert.Equal(0f, v));
        }
        var byAddress = buffers.OrderBy(b => (long)b.Pointer).ToArray();
        for (int i = 1; i < byAddress.Length; i++)
        {
            long gap = (long)byAddress[i].Pointer - (long)(byAddress[i - 1].Pointer + floats);
            Assert.True(gap >= ThreadScratch.GuardBytes, $"buffer {i} starts {gap} bytes past the one before it");
        }
        GC.KeepAlive(buffers);
    }

    [Fact]
    public void LayoutPutsEachPartOnACacheLine()
    {
        Span<long> offsets = stackalloc long[4];
        long total = GuardedFloats.Layout([17, 16, 0, 5], offsets);
        Assert.Equal([0L, 32, 48, 48], offsets.ToArray());
        Assert.Equal(64, total);
    }

    [Fact]
    public void OutOfRangeSizesAreRefusedWithTheirValue()
    {
        var e = Assert.Throws<CnnrtException>(() => new GuardedFloats(-3));
        Assert.Contains("-3", e.Message);
        Assert.Throws<CnnrtException>(() => new GuardedFloats((long)int.MaxValue + 1));
    }
}
