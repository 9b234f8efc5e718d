using Cnnrt.Planning;
using Cnnrt.Tensors;
using Cnnrt.Tests.Support;

namespace Cnnrt.Tests.Api;

public sealed class SessionTests
{
    private static float[] RandomInput(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [Fact]
    public void Typical_cnn_matches_reference_interpreter()
    {
        var g = GraphBuilder.TypicalCnn();
        var session = new Session(Model.FromGraph(g));
        Assert.Equal([1, 1, 28, 28], session.InputShape(0).ToArray());
        Assert.Equal([1, 10], session.OutputShape(0).ToArray());
        var x = RandomInput(784, 3);
        var y = new float[10];
        session.Run(x, y);
        var expected = ReferenceInterpreter.Run(g, new Dictionary<string, Tensor> { ["input"] = Tensor.FromFloats([1, 1, 28, 28], x) })["logits"];
        OpTestUtil.AssertClose(expected.Floats, y, 1e-5f, 1e-6f);
    }

    [Fact]
    public void Passes_fuse_relu_and_the_plan_keeps_only_compute_nodes()
    {
        var model = Model.FromGraph(GraphBuilder.TypicalCnn());
        Assert.Equal(3, model.Passes.ActivationsFused); // conv1, conv2, fc1 absorb their Relu
        var ops = model.Graph.Nodes.Select(n => n.OpType).ToArray();
        Assert.Equal(["Conv", "MaxPool", "Conv", "MaxPool", "Flatten", "Gemm", "Gemm"], ops);
    }

    [Fact]
    public void Arena_is_smaller_than_the_sum_of_intermediate_tensors()
    {
        var session = new Session(Model.FromGraph(GraphBuilder.TypicalCnn()));
        var plan = session.Plan;
        Assert.True(plan.ArenaBytes < plan.IntermediateBytes, $"arena {plan.ArenaBytes} vs sum {plan.IntermediateBytes}");
        // Flatten is a view: it shares its input's memory, so it adds nothing to the sum. On a fast path each Conv takes
        // the MaxPool after it (PoolFusion) and its own output is never stored.
        long convOutputs = plan.Isa == Cnnrt.Kernels.KernelIsa.Reference ? 8 * 26 * 26 + 16 * 11 * 11 : 0;
        long expectedSum = 4L * (784 + 8 * 13 * 13 + 16 * 5 * 5 + 64 + 10 + convOutputs);
        Assert.Equal(expectedSum, plan.IntermediateBytes);
    }

    [Fact]
    public void A_new_input_shape_replans_and_a_repeated_one_does_not()
    {
        // A fully convolutional graph accepts any spatial size (the notes' "arbitrary input sizes").
        var g = new GraphBuilder("x", [1, 1, -1, -1]).Conv(1, 4, 3, pad: 1).Relu().MaxPool(2, 2).Build("y");
        var session = new Session(Model.FromGraph(g), new SessionOptions { InputShapes = [[1, 1, 8, 8]] });
        var first = session.Plan;
        Assert.Equal([1, 4, 4, 4], session.OutputShape(0).ToArray());
        session.SetInputShapes([[1, 1, 16, 12]]);
        Assert.Equal([1, 4, 8, 6], session.OutputShape(0).ToArray());
        Assert.Equal(2, session.PlanCount);
        session.SetInputShapes([[1, 1, 8, 8]]);
        Assert.Same(first, session.Plan);
        Assert.Equal(2, session.PlanCount);
    }

    [Fact]
    public void Wrong_buffer_sizes_are_rejected_with_the_tensor_named()
    {
        var session = new Session(Model.FromGraph(GraphBuilder.TypicalCnn()));
        var e = Assert.Throws<CnnrtException>(() => session.Run(new float[783], new float[10]));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("input 'input' needs 784 floats", e.Message);
        e = Assert.Throws<CnnrtException>(() => session.Run(new float[784], new float[9]));
        Assert.Contains("output 'logits'", e.Message);
    }

    [Fact]
    public void Input_shape_that_contradicts_the_model_is_rejected()
    {
        var model = Model.FromGraph(GraphBuilder.TypicalCnn());
        var e = Assert.Throws<CnnrtException>(() => new Session(model, new SessionOptions { InputShapes = [[1, 3, 28, 28]] }));
        Assert.Contains("dimension 1 must be 1", e.Message);
        e = Assert.Throws<CnnrtException>(() => new Session(model, new SessionOptions { InputShapes = [[1, 1, 30, 30]] }));
        Assert.Contains("dimension 2 must be 28", e.Message);

        // With free spatial dims the planner itself finds the mismatch: 30×30 gives 576 features where fc1 takes 400.
        var g = GraphBuilder.TypicalCnn();
        g.Inputs[0] = new Cnnrt.Graph.ValueDecl { Name = "input", Dims = [-1, 1, -1, -1] };
        e = Assert.Throws<CnnrtException>(() => new Session(Model.FromGraph(g), new SessionOptions { InputShapes = [[1, 1, 30, 30]] }));
        Assert.Contains("Gemm", e.Message);
    }
}
