using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;
using static Cnnrt.Tests.Operators.Shape.ShapeTestUtil;

namespace Cnnrt.Tests.Operators.Shape;

public class TransposeTests
{
    // numpy: np.arange(24).reshape(1,2,3,4).transpose(0,2,3,1)
    private static readonly float[] Nhwc =
        [0, 12, 1, 13, 2, 14, 3, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 9, 21, 10, 22, 11, 23];

    [Fact]
    public void NchwToNhwc()
    {
        var y = Eval(Node("Transpose", 1, 1, Ints("perm", 0, 2, 3, 1)), 13, IotaF(1, 2, 3, 4))[0];
        AssertShape([1, 3, 4, 2], y);
        AssertExact(Nhwc, y);
    }

    [Fact]
    public void NchwToNhwcFloatStepMatchesAndAllocatesNothing()
    {
        var outputs = RunStep(Node("Transpose", 1, 1, Ints("perm", 0, 2, 3, 1)), 13, IotaF(1, 2, 3, 4));
        Assert.Equal(Nhwc, outputs[0]);

        var plan = TransposeReference.Plan([1, 2, 3, 4], [0, 2, 3, 1]);
        var src = IotaF(1, 2, 3, 4).Floats;
        var dst = new float[24];
        var step = new Cnnrt.Operators.Shape.StridedCopyStep(plan, Slot.Of(src), Slot.Of(dst)) { NodeName = "t", OpType = "Transpose" };
        Assert.Equal(0, AllocatedByRun(step));
        Assert.Equal(Nhwc, dst);
    }

    [Fact]
    public void DefaultPermReversesAxesOnInt64()
    {
        var y = Eval(Node("Transpose", 1), 13, IotaL(2, 3))[0];
        AssertTensor([3, 2], new long[] { 0, 3, 1, 4, 2, 5 }, y);
    }

    [Fact]
    public void TransposesStrings()
    {
        var x = Tensor.Create([2, 2], new[] { "a", "b", "c", "d" });
        var y = Eval(Node("Transpose", 1, 1, Ints("perm", 1, 0)), 13, x)[0];
        AssertTensor([2, 2], new[] { "a", "c", "b", "d" }, y);
    }

    [Fact]
    public void ReferenceKernelOnSpans()
    {
        // numpy: np.arange(24).reshape(2,3,4).transpose(2,0,1)[1] == [[1,5,9],[13,17,21]]
        var dst = new int[24];
        TransposeReference.Transpose<int>(Enumerable.Range(0, 24).ToArray(), [2, 3, 4], [2, 0, 1], dst);
        Assert.Equal(new[] { 1, 5, 9, 13, 17, 21 }, dst[6..12]);
    }

    [Fact]
    public void BadPermIsAnError()
    {
        Fails(() => Eval(Node("Transpose", 1, 1, Ints("perm", 0, 0, 1)), 13, IotaF(2, 3, 4)), ErrorKind.InvalidModel,
            "transpose_test", "perm [0, 0, 1]");
        Fails(() => Eval(Node("Transpose", 1, 1, Ints("perm", 1, 0)), 13, IotaF(2, 3, 4)), ErrorKind.InvalidModel, "rank 3");
        Fails(() => Eval(Node("Transpose", 1, 1, Ints("perm", 0, 3, 1)), 13, IotaF(2, 3, 4)), ErrorKind.InvalidModel, "entry 3");
    }
}
