using Cnnrt.Graph;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Unsqueeze: inserts size-1 axes at the given positions of the OUTPUT (rank + number of axes; negative axes count
/// from its end). Axes are an attribute before opset 13 and a constant input from 13.
/// </summary>
public sealed class UnsqueezeOperator : ViewOperator
{
    private readonly long[]? _axesAttribute;

    public UnsqueezeOperator(Node node, int opset) : base(node, opset)
    {
        if (opset < 13)
            _axesAttribute = node.GetInts("axes") ?? throw Error("required attribute 'axes' is missing");
    }

    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, Opset < 13 ? 1 : 2, Opset < 13 ? 1 : 2);
        var shape = inputs[0]!.Shape;
        long[] axes = _axesAttribute ?? ConstantInts(inputs, 1, "axes");

        int rank = shape.Length + axes.Length;
        var inserted = new bool[rank];
        foreach (int axis in NormalizeAxes(axes, rank)) inserted[axis] = true;

        var result = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) result[i] = inserted[i] ? 1 : shape[j++];
        return result;
    }
}
