using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class GatherTests
{
    [Fact]
    public void NegativeIndicesOnAxis0()
    {
        // numpy: np.take(np.arange(12).reshape(3,4), [-1, 0], axis=0)
        var y = Eval(Node("Gather", 2), 13, IotaL(3, 4), Longs(-1, 0))[0];
        AssertTensor([2, 4], new long[] { 8, 9, 10, 11, 0, 1, 2, 3 }, y);
    }

    [Fact]
    public void TwoDimensionalInt32IndicesOnAxis1()
    {
        // numpy: np.take(np.arange(12).reshape(3,4), [[0,-1],[2,1]], axis=1), shape (3, 2, 2)
        var indices = Tensor.Create([2, 2], new[] { 0, -1, 2, 1 });
        var y = Eval(Node("Gather", 2, 1, Int("axis", 1)), 13, IotaF(3, 4), indices)[0];
        AssertShape([3, 2, 2], y);
        AssertExact([0, 3, 2, 1, 4, 7, 6, 5, 8, 11, 10, 9], y);
    }

    [Fact]
    public void ScalarIndexDropsTheAxis()
    {
        // the Shape -> Gather(scalar) idiom of PyTorch exports
        var y = Eval(Node("Gather", 2), 13, Longs(1, 3, 224, 224), Tensor.Scalar(1L))[0];
        AssertTensor([], new long[] { 3 }, y);
    }

    [Fact]
    public void GathersStringsOnNegativeAxis()
    {
        var x = Tensor.Create([2, 3], new[] { "a", "b", "c", "d", "e", "f" });
        var y = Eval(Node("Gather", 2, 1, Int("axis", -1)), 13, x, Longs(2, 2))[0];
        AssertTensor([2, 2], new[] { "c", "c", "f", "f" }, y);
    }

    [Fact]
    public void FloatStepUsesConstantIndicesAndAllocatesNothing()
    {
        var data = Random([2, 5, 3], 7);
        var indices = Tensor.Create([3], new[] { 4, -5, 2 });
        var expected = Eval(Node("Gather", 2, 1, Int("axis", 1)), 13, data, indices)[0];
        Assert.Equal(expected.Floats, RunStep(Node("Gather", 2, 1, Int("axis", 1)), 13, data, indices)[0]);

        var node = Node("Gather", 2, 1, Int("axis", 1));
        var op = OperatorRegistry.Create(node, 13);
        ValueInfo?[] infos = [new ValueInfo(DataType.Float, [2, 5, 3]), ValueInfo.Of(indices)];
        var output = new float[18];
        var step = op.CreateStep(new StepContext
        {
            InputInfos = infos, OutputInfos = op.InferOutputs(infos), Inputs = [Slot.Of(data.Floats), Slot.Of(new float[3])], Outputs = [Slot.Of(output)],
        });
        Assert.Equal(0, AllocatedByRun(step));
        Assert.Equal(expected.Floats, output);
    }

    [Fact]
    public void IndexOutOfRangeIsAnErrorNamingTheIndex()
    {
        Fails(() => Eval(Node("Gather", 2), 13, IotaF(3, 4), Longs(0, 3)), ErrorKind.InvalidModel, "gather_test", "index 3", "size 3");
        Fails(() => Eval(Node("Gather", 2), 13, IotaF(3, 4), Longs(-4)), ErrorKind.InvalidModel, "index -4");
        Fails(() => Eval(Node("Gather", 2, 1, Int("axis", 2)), 13, IotaF(3, 4), Longs(0)), ErrorKind.InvalidModel, "axis 2");
        Fails(() => Eval(Node("Gather", 2), 13, IotaF(3, 4), F([1], 0)), ErrorKind.InvalidModel, "float32; expected int32 or int64");
    }

    [Fact]
    public void RuntimeIndicesHaveNoFloatStep()
    {
        var node = Node("Gather", 2);
        node.Inputs = ["data", "idx"];
        var op = OperatorRegistry.Create(node, 13);
        ValueInfo?[] infos = [new ValueInfo(DataType.Float, [3, 4]), new ValueInfo(DataType.Int64, [2])];
        var outInfos = op.InferOutputs(infos);
        AssertShape([2, 4], Tensor.Zeros(DataType.Float, outInfos[0].Shape));
        Fails(() => op.CreateStep(new StepContext { InputInfos = infos, OutputInfos = outInfos, Inputs = new Slot[2], Outputs = new Slot[1] }),
            ErrorKind.Unsupported, "input 1 ('idx', the indices) must be a constant");
    }
}
