using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Flatten: [d_0 · ... · d_{axis-1}, d_axis · ... · d_{n-1}]; axis in [-rank, rank], default 1.</summary>
public sealed class FlattenOperator(Node node, int opset) : ViewOperator(node, opset)
{
    private readonly long _axis = node.GetInt("axis", 1);

    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var shape = inputs[0]!.Shape;
        long axis = _axis < 0 ? _axis + shape.Length : _axis;
        if (axis < 0 || axis > shape.Length)
            throw Error($"axis {_axis} is out of range for input shape {ShapeMath.Format(shape)} (allowed: -{shape.Length}..{shape.Length})");
        return [AxisMath.Product(shape, 0, (int)axis), AxisMath.Product(shape, (int)axis, shape.Length)];
    }
}
