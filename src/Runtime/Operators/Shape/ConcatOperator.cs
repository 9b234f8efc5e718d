using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Concat: inputs of equal type and rank, equal dims except along axis, laid end to end along axis.</summary>
public sealed class ConcatOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private readonly long _axis = node.RequireInt("axis");

    /// <summary>The concatenation axis, resolved against the rank of the first input.</summary>
    internal int ResolvedAxis(ValueInfo first) => Axis(first);

    private int Axis(ValueInfo first)
    {
        if (first.Rank == 0) throw Error("cannot concatenate scalars (rank 0)");
        return ShapeMath.Axis(_axis, first.Rank, Where);
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, int.MaxValue);
        var first = inputs[0]!;
        int axis = Axis(first);
        var shape = (int[])first.Shape.Clone();
        long total = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            var v = Required(inputs, i);
            if (v.Type != first.Type)
                throw Error($"input {i} ('{Node.Inputs[i]}') is {DataTypes.Name(v.Type)} but input 0 is {DataTypes.Name(first.Type)}");
            if (v.Rank != first.Rank)
                throw Error($"input {i} ('{Node.Inputs[i]}') has shape {ShapeMath.Format(v.Shape)}, rank {v.Rank}; input 0 has shape {ShapeMath.Format(first.Shape)}");
            for (int d = 0; d < v.Rank; d++)
                if (d != axis && v.Shape[d] != first.Shape[d])
                    throw Error($"input {i} ('{Node.Inputs[i]}') has shape {ShapeMath.Format(v.Shape)}, which differs from input 0's {ShapeMath.Format(first.Shape)} in dim {d} (concatenating along axis {axis})");
            total += v.Shape[axis];
        }
        if (total > int.MaxValue) throw Error($"the concatenated axis {axis} has {total} entries");
        shape[axis] = (int)total;
        ShapeMath.Count(shape, Where);
        return [new ValueInfo(first.Type, shape)];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Concat(Array.ConvertAll(inputs, v => v!.Constant!), Axis(inputs[0]!), outputs[0].Shape)];

    protected override Step CreateFloatStep(StepContext context)
    {
        int axis = Axis(context.InputInfos[0]!);
        var outShape = context.OutputInfos[0].Shape;
        var partRows = new int[context.Inputs.Length];
        for (int i = 0; i < partRows.Length; i++) partRows[i] = AxisMath.Product(context.InputInfos[i]!.Shape, axis, outShape.Length);
        return new ConcatStep(context.Inputs, partRows, AxisMath.Outer(outShape, axis), AxisMath.Product(outShape, axis, outShape.Length), context.Outputs[0])
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
    }

    private sealed class ConcatStep(Slot[] parts, int[] partRows, int outer, int dstRow, Slot output) : Step
    {
        public override void Run()
        {
            int offset = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                ConcatReference.CopyInto<float>(parts[i].ReadOnly, outer, partRows[i], output.Span, dstRow, offset);
                offset += partRows[i];
            }
        }
    }
}
