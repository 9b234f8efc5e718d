using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Reshape to the constant shape input: a 0 copies the input dim at that position (unless allowzero = 1, opset 14,
/// where 0 is a real zero-size dim) and one -1 is inferred from the element count.
/// </summary>
public sealed class ReshapeOperator(Node node, int opset) : ViewOperator(node, opset)
{
    private readonly bool _allowZero = node.GetInt("allowzero", 0) != 0;

    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var input = inputs[0]!;
        long[] target = ConstantInts(inputs, 1, "target shape");
        string targetText = $"[{string.Join(", ", target)}]";

        var shape = new int[target.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            long d = target[i];
            if (d == -1)
            {
                if (inferred >= 0) throw Error($"target shape {targetText} has more than one -1");
                inferred = i;
                continue;
            }
            if (d == 0 && !_allowZero)
            {
                if (i >= input.Rank)
                    throw Error($"target shape {targetText} copies dim {i} (a 0) but the input {ShapeMath.Format(input.Shape)} has rank {input.Rank}");
                d = input.Shape[i];
            }
            if (d < 0 || d > int.MaxValue) throw Error($"target shape {targetText} has invalid dimension {target[i]}");
            shape[i] = (int)d;
            known *= d;
            if (known > int.MaxValue) throw Error($"target shape {targetText} has too many elements");
        }

        int count = input.Count;
        if (inferred >= 0)
        {
            if (known == 0)
                throw Error($"target shape {targetText} has a -1 next to a zero-size dimension, so the -1 cannot be inferred");
            if (count % known != 0)
                throw Error($"cannot reshape {ShapeMath.Format(input.Shape)} ({count} elements) to {targetText}: {count} is not a multiple of {known}");
            shape[inferred] = (int)(count / known);
        }
        else if (known != count)
            throw Error($"cannot reshape {ShapeMath.Format(input.Shape)} ({count} elements) to {targetText} ({known} elements)");
        return shape;
    }
}
