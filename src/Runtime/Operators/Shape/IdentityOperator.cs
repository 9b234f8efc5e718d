using Cnnrt.Graph;

namespace Cnnrt.Operators.Shape;

/// <summary>Identity: the output is the input.</summary>
public sealed class IdentityOperator(Node node, int opset) : ViewOperator(node, opset)
{
    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        return inputs[0]!.Shape;
    }
}
