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
    public void Depthwise_convs_match_one_thread(KernelIsa isa, int threads)
    {
        using var pool = new WorkerPool(threads);
        // Each of the three depthwise steps, above the split threshold, with ragged channel blocks (37, 400 channels),
        // two images, and row bands that do not divide the output rows.
        var cases = new (string Step, int[] Shape, int Kernel, int Stride, int Dilation)[]
        {
            ("DepthwiseChannelBlockRowsStep", [2, 37, 61, 59], 3, 1, 1),
            ("DepthwiseChannelBlockRowsStep", [1, 37, 67, 67], 5, 2, 1),
            ("DepthwiseChannelBlockStep", [2, 400, 7, 7], 3, 1, 1),
            ("DepthwiseConvStep", [1, 9, 70, 70], 3, 1, 2),
        };
        foreach (var (stepName, shape, k, stride, dilation) in cases)
        {
            int c = shape[1], pad = dilation * (k - 1) / 2;
            var node = Node("Conv", 3, 1, Int("group", c), Ints("kernel_shape", k, k), Ints("strides", stride, stride),
                Ints("dilations", dilation, dilation), Ints("pads", pad, pad, pad, pad));
            Tensor?[] inputs = [Random(shape, 1, -2, 2), Random([c, 1, k, k], 2), Random([c], 3)];
            var (step, _) = VectorKernelRunner.Build(node, 13, isa, inputs, pool, 1, 2);
            Assert.StartsWith(stepName, step.GetType().Name);
            var expected = VectorKernelRunner.Run(node, 13, isa, inputs, 1, 2);
            Assert.True(expected.Length >= 2 * Cnnrt.Kernels.F32Depthwise.F32DepthwiseConv.MinParallelOutputs, $"{Describe(shape)} is below the split");
            var actual = VectorKernelRunner.Run(node, 13, isa, inputs, pool, 1, 2);
            Assert.True(expected.Floats.AsSpan().SequenceEqual(actual.Floats), $"{stepName} {Describe(shape)} on {isa}, {threads} threads");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fully_connected_layers_match_one_thread(KernelIsa isa, int threads)
    {
        using var pool = new WorkerPool(threads);
        // 1000 outputs (not a multiple of 16 or of the chunks), K = 701 (vector tails), batch 1 and 3, bias per row.
        foreach (int rows in new[] { 1, 3 })
        {
            var a = Random([rows, 701], 1, -2, 2);
            var b = Random([1000, 701], 2);
            var c = Random([rows, 1000], 3);
            var node = Node("Gemm", 3, 1, Int("transB", 1), Float("alpha", 0.5f), Float("beta", 2f));
            var (step, _) = VectorKernelRunner.Build(node, 13, isa, [a, b, c], pool, 1, 2);
            Assert.IsType<Cnnrt.Kernels.F32Gemm.F32FullyConnectedStep>(step);
            var expected = VectorKernelRunner.Run(node, 13, isa, [a, b, c], 1, 2);
            var actual = VectorKernelRunner.Run(node, 13, isa, [a, b, c], pool, 1, 2);
            Assert.True(expected.Floats.AsSpan().SequenceEqual(actual.Floats), $"Gemm {rows}x701·701x1000 on {isa}, {threads} threads");
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
        // One thread, or no pool, is one chunk even when more per thread are asked for.
        Assert.Equal(1, new RangeSplit(1000, null, 10, tasksPerThread: 2).Count);
    }

    [Fact]
    public void Range_split_leaves_the_busiest_thread_the_least()
    {
        using var pool = new WorkerPool(2);
        // 6 items, 4 tasks wanted: chunks of 2 make 3 tasks and one thread runs 4 items; 2 chunks of 3 run 3 each.
        var six = new RangeSplit(6, pool, minItemsPerTask: 1, tasksPerThread: 2);
        Assert.Equal(2, six.Count);
        Assert.Equal(3, six.Length(0));
        // Where 4 tasks divide evenly they stay 4 (each thread can shed one to the other).
        Assert.Equal(4, new RangeSplit(8, pool, minItemsPerTask: 1, tasksPerThread: 2).Count);
    }

    private static string Describe(int[] shape) => "[" + string.Join(",", shape) + "]";
}
