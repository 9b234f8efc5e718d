using Cnnrt.Threading;

namespace Cnnrt.Tests.Threading;

/// <summary>
/// Per-thread scratch: every thread's region is zeroed, 64-byte aligned, writable over its whole length without
/// touching another's, and at least <see cref="ThreadScratch.GuardBytes"/> from the next one (the point of it).
/// </summary>
public sealed unsafe class ThreadScratchTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1000)]
    [InlineData(3, 160_084)]
    [InlineData(4, 17)]
    public void RegionsAreZeroedAlignedAndAGuardApart(int threads, int floats)
    {
        var scratch = new ThreadScratch(threads, floats);
        Assert.Equal(threads, scratch.Threads);
        Assert.Equal(floats, scratch.Length);
        for (int t = 0; t < threads; t++)
        {
            float* region = scratch.For(t);
            Assert.Equal(0, (long)region % 64);
            for (int i = 0; i < floats; i++) Assert.Equal(0f, region[i]);
            // Fill it with the thread's number: no other region may change.
            new Span<float>(region, floats).Fill(t + 1);
        }
        for (int t = 0; t < threads; t++)
        {
            Assert.All(new Span<float>(scratch.For(t), floats).ToArray(), v => Assert.Equal(t + 1, v));
            if (t > 0)
                Assert.True((long)scratch.For(t) - (long)(scratch.For(t - 1) + floats) >= ThreadScratch.GuardBytes,
                    $"thread {t}'s region starts {(long)scratch.For(t) - (long)(scratch.For(t - 1) + floats)} bytes past thread {t - 1}'s");
        }
        GC.KeepAlive(scratch);
    }

    [Fact]
    public void NoThreadsOrNoFloatsAllocateNothingToUse()
    {
        Assert.Equal(0, new ThreadScratch(0, 100).Threads);
        var empty = new ThreadScratch(2, 0);
        Assert.Equal(0, empty.Length);
        Assert.Equal(0, (long)empty.For(1) % 64);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(2, -1)]
    [InlineData(2, (long)int.MaxValue + 1)]
    public void OutOfRangeSizesAreRefusedWithTheirValues(int threads, long floats)
    {
        var e = Assert.Throws<CnnrtException>(() => new ThreadScratch(threads, floats));
        Assert.Contains(floats.ToString(), e.Message);
        Assert.Contains($"{threads} threads", e.Message);
    }
}
