using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// DepthToSpace (mode DCR, the default, or CRD from opset 11) and SpaceToDepth on NCHW inputs with a block size:
/// both are a fixed 6-D transpose (see <see cref="SpaceDepthReference"/>).
/// </summary>
public sealed class SpaceDepthOperator : FoldingOperator
{
    private readonly int _block;
    private readonly bool _toDepth;
    private readonly bool _columnRowDepth;

    public SpaceDepthOperator(Node node, int opset) : base(node, opset)
    {
        long block = node.RequireInt("blocksize");
        if (block < 1 || block > 4096) throw Error($"blocksize {block} is out of range");
        _block = (int)block;
        _toDepth = node.OpType == "SpaceToDepth";
        string mode = _toDepth ? "DCR" : node.GetString("mode", "DCR");
        if (mode is not ("DCR" or "CRD")) throw Error($"mode '{mode}' is neither DCR nor CRD");
        _columnRowDepth = mode == "CRD";
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = inputs[0]!;
        ExpectRank(x, 0, 4, 4);
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3], bb = _block * _block;
        if (_toDepth)
        {
            if (h % _block != 0 || w % _block != 0)
                throw Error($"input {ShapeMath.Format(x.Shape)}: height and width must be multiples of blocksize {_block}");
            return [new ValueInfo(x.Type, [n, c * bb, h / _block, w / _block])];
        }
        if (c % bb != 0) throw Error($"input {ShapeMath.Format(x.Shape)}: channels must be a multiple of blocksize² = {bb}");
        return [new ValueInfo(x.Type, [n, c / bb, h * _block, w * _block])];
    }

    private StridedCopy Plan(int[] shape) => _toDepth
        ? SpaceDepthReference.SpaceToDepthPlan(shape, _block)
        : SpaceDepthReference.DepthToSpacePlan(shape, _block, _columnRowDepth);

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Copy(Plan(inputs[0]!.Shape), inputs[0]!.Constant!, outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context) =>
        new StridedCopyStep(Plan(context.InputInfos[0]!.Shape), context.Inputs[0], context.Outputs[0]) { NodeName = Node.Name, OpType = Node.OpType };
}
