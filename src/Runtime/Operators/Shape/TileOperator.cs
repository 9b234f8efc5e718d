using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Tile: repeats the input repeats[k] times along each axis k (repeats: a constant int64 input of length rank).</summary>
public sealed class TileOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private int[] Repeats(ValueInfo?[] inputs)
    {
        var x = inputs[0]!;
        long[] repeats = ConstantInts(inputs, 1, "repeats");
        string text = $"[{string.Join(", ", repeats)}]";
        if (repeats.Length != x.Rank) throw Error($"repeats {text} has {repeats.Length} entries; the input {ShapeMath.Format(x.Shape)} has rank {x.Rank}");
        return ShapeMath.FromLongs(repeats, $"{Where}: repeats {text}");
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var x = inputs[0]!;
        int[] repeats = Repeats(inputs);
        var shape = new int[x.Rank];
        for (int k = 0; k < shape.Length; k++)
        {
            long d = (long)x.Shape[k] * repeats[k];
            if (d > int.MaxValue) throw Error($"tiling {ShapeMath.Format(x.Shape)} gives a dimension of {d}");
            shape[k] = (int)d;
        }
        ShapeMath.Count(shape, Where);
        return [new ValueInfo(x.Type, shape)];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Copy(BroadcastReference.TilePlan(inputs[0]!.Shape, Repeats(inputs)), inputs[0]!.Constant!, outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context) =>
        new StridedCopyStep(BroadcastReference.TilePlan(context.InputInfos[0]!.Shape, Repeats(context.InputInfos)), context.Inputs[0], context.Outputs[0])
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
}
