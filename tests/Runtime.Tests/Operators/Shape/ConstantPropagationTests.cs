using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

/// <summary>
/// Planning folds the shape arithmetic of PyTorch exports: x.view(x.size(0), -1) becomes
/// Shape → Gather(0) → Unsqueeze → Concat([., -1]) → Reshape, and every step's output is a constant.
/// </summary>
public class ConstantPropagationTests
{
    private static ValueInfo Infer(string op, int opset, ValueInfo?[] inputs, params NodeAttribute[] attrs)
    {
        var node = Node(op, inputs.Length, 1, attrs);
        return OperatorRegistry.Create(node, opset).InferOutputs(inputs)[0];
    }

    [Fact]
    public void ShapeGatherUnsqueezeConcatReshapeChainFolds()
    {
        var x = new ValueInfo(DataType.Float, [8, 16, 7, 7]);

        var shape = Infer("Shape", 13, [x]);
        Assert.Equal(new long[] { 8, 16, 7, 7 }, shape.Constant!.Longs);

        var batch = Infer("Gather", 13, [shape, ValueInfo.Of(Tensor.Scalar(0L))], Int("axis", 0));
        AssertTensor([], new long[] { 8 }, batch.Constant!);

        var unsqueezed = Infer("Unsqueeze", 13, [batch, ValueInfo.Of(Longs(0))]);
        AssertTensor([1], new long[] { 8 }, unsqueezed.Constant!);

        var target = Infer("Concat", 13, [unsqueezed, ValueInfo.Of(Longs(-1))], Int("axis", 0));
        AssertTensor([2], new long[] { 8, -1 }, target.Constant!);

        var reshaped = Infer("Reshape", 13, [x, target]);
        Assert.False(reshaped.IsConstant);
        Assert.Equal(new[] { 8, 784 }, reshaped.Shape);
    }

    [Fact]
    public void SliceCastAndConstantOfShapeOfConstantsFold()
    {
        var shape = Infer("Shape", 13, [new ValueInfo(DataType.Float, [1, 3, 32, 48])]);
        var hw = Infer("Slice", 13, [shape, ValueInfo.Of(Longs(2)), ValueInfo.Of(Longs(long.MaxValue))]);
        AssertTensor([2], new long[] { 32, 48 }, hw.Constant!);

        var asFloat = Infer("Cast", 13, [hw], Int("to", (long)DataType.Float));
        AssertTensor([2], new[] { 32f, 48f }, asFloat.Constant!);

        var zeros = Infer("ConstantOfShape", 9, [hw]);
        Assert.Equal(new[] { 32, 48 }, zeros.Shape);
        Assert.All(zeros.Constant!.Floats, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void DataMovementOnConstantsFoldsAndOnRuntimeValuesDoesNot()
    {
        var weights = ValueInfo.Of(IotaF(2, 3));
        var folded = Infer("Transpose", 13, [weights]);
        AssertTensor([3, 2], new[] { 0f, 3, 1, 4, 2, 5 }, folded.Constant!);

        var runtime = Infer("Transpose", 13, [new ValueInfo(DataType.Float, [2, 3])]);
        Assert.False(runtime.IsConstant);
        Assert.Equal(new[] { 3, 2 }, runtime.Shape);
    }

    [Fact]
    public void StepOfAFoldedNodeWritesTheConstant()
    {
        var node = Node("Transpose", 1);
        var op = OperatorRegistry.Create(node, 13);
        ValueInfo?[] infos = [ValueInfo.Of(IotaF(2, 3))];
        var outInfos = op.InferOutputs(infos);
        var output = new float[6];
        var step = op.CreateStep(new StepContext { InputInfos = infos, OutputInfos = outInfos, Inputs = [Slot.Of(IotaF(2, 3).Floats)], Outputs = [Slot.Of(output)] });
        Assert.Equal(0, AllocatedByRun(step));
        Assert.Equal(new[] { 0f, 3, 1, 4, 2, 5 }, output);
    }
}
