using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Squeeze: removes the given size-1 axes (attribute before opset 13, constant input from 13), or every size-1 axis
/// when none are given.
/// </summary>
public sealed class SqueezeOperator(Node node, int opset) : ViewOperator(node, opset)
{
    private readonly long[]? _axesAttribute = opset < 13 ? node.GetInts("axes") : null;

    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, Opset < 13 ? 1 : 2);
        var shape = inputs[0]!.Shape;
        long[]? axes = Opset < 13 ? _axesAttribute : inputs.Length > 1 && inputs[1] is not null ? ConstantInts(inputs, 1, "axes") : null;

        var remove = new bool[shape.Length];
        if (axes is null)
            for (int i = 0; i < shape.Length; i++) remove[i] = shape[i] == 1;
        else
            foreach (int axis in NormalizeAxes(axes, shape.Length))
            {
                if (shape[axis] != 1)
                    throw Error($"cannot squeeze axis {axis} of shape {ShapeMath.Format(shape)}: its size is {shape[axis]}, not 1");
                remove[axis] = true;
            }

        var result = new List<int>(shape.Length);
        for (int i = 0; i < shape.Length; i++)
            if (!remove[i]) result.Add(shape[i]);
        return result.ToArray();
    }
}
