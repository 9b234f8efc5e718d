using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.F32Pool;
using Cnnrt.Tensors;
using Cnnrt.Tests.Kernels;
using Cnnrt.Threading;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Threading;

/// <summary>
/// The pools and flat elementwise steps that split over a worker pool give bit-identical results on 2 and 3 threads
/// to the reference (pools: exact by construction) or to their own one-thread run (elementwise), on shapes above the
/// split thresholds with lengths that leave ragged last chunks and vector tails.
/// </summary>
public sealed class PooledStepTests
{
    public static IEnumerable<object[]> Cases() =>
        from isa in VectorKernelRunner.FastIsas from threads in new[] { 2, 3 } select new object[] { isa, threads };

    private static Node Window(string op, params NodeAttribute[] attrs) => Node(op, 1, 1, attrs);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Windowed_pools_match_the_reference(KernelIsa isa, int threads)
    {
        using var pool = new WorkerPool(threads);
        var cases = new (Node Node, int[] Shape)[]
        {
            // wide rows (row kernel) and narrow rows (channel blocks), odd plane counts, padding and ceil_mode
            (Window("MaxPool", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)), [1, 37, 71, 69]),
            (Window("MaxPool", Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Int("ceil_mode", 1)), [2, 333, 19, 23]),
            (Window("AveragePool", Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 1, 0, 1, 2)), [1, 21, 41, 43]),
        };
        foreach (var (node, shape) in cases)
        {
            var x = Random(shape, shape[1], -3, 3);
            var expected = VectorKernelRunner.Run(node, 19, KernelIsa.Reference, [x]);
            Assert.True(expected.Length >= F32PoolSteps.MinParallelOutputs, $"{node.OpType} {Describe(shape)} is below the split");
            var actual = VectorKernelRunner.Run(node, 19, isa, [x], pool);
            Assert.True(expected.Floats.AsSpan().SequenceEqual(actual.Floats), $"{node.OpType} {Describe(shape)} on {isa}, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Flat_elementwise_steps_match_one_thread(KernelIsa isa, int threads)
    {
        using var pool = new WorkerPool(threads);
        int[] shape = [1, 3, 151, 149];
        var a = Random(shape, 1, -2, 2);
        var b = Random(shape, 2, -2, 2);
        var c = Random(shape, 3, -2, 2);
        Assert.True(a.Length >= 2 * F32ElementwiseSteps.MinParallelFloats);
        var cases = new (Node Node, Tensor[] Inputs)[]
        {
            (Node("Add", 2), [a, b]), (Node("Max", 3), [a, b, c]), (Node("Sum", 3), [a, b, c]),
            (Node("Relu", 1), [a]), (Node("Sigmoid", 1), [a]), (Node("Clip", 1, 1, Float("min", -0.5f), Float("max", 0.75f)), [a]),
        };
        foreach (var (node, inputs) in cases)
        {
            int opset = node.OpType == "Clip" ? 6 : 13;
            var expected = VectorKernelRunner.Run(node, opset, isa, inputs);
            var actual = VectorKernelRunner.Run(node, opset, isa, inputs, pool);
            Assert.True(expected.Floats.AsSpan().SequenceEqual(actual.Floats), $"{node.OpType} on {isa}, {threads} threads");
        }
    }

    [Fact]
    public void Range_split_chunks_are_aligned_and_cover_the_range()
    {
        using var pool = new WorkerPool(3);
        foreach (int items in new[] { 0, 1, 15, 16, 17, 1000, 100_003 })
        {
            var split = new RangeSplit(items, pool, minItemsPerTask: 10, align: 16, tasksPerThread: 2);
            int next = 0;
            for (int t = 0; t < split.Count; t++)
            {
                Assert.Equal(next, split.Start(t));
                Assert.Equal(0, split.Start(t) % 16);
                Assert.True(split.Length(t) > 0);
                next += split.Length(t);
            }
            Assert.Equal(items, next);
            Assert.InRange(split.Count, items == 0 ? 0 : 1, 6);
        }
        Assert.Equal(1, new RangeSplit(1000, null, 10).Count);
    }

    private static string Describe(int[] shape) => "[" + string.Join(",", shape) + "]";
}
