using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Dropout at inference: output = input, and the optional mask output is all true (bool from opset 10; before, of
/// the input type, all ones). From opset 12 the inputs ratio and training_mode exist; training mode is random and
/// not supported, except with a constant ratio of 0, where it is the identity too.
/// </summary>
public sealed class DropoutOperator(Node node, int opset) : ViewOperator(node, opset)
{
    protected override int[] OutputShape(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, Opset < 12 ? 1 : 3);
        if (Opset >= 12 && inputs.Length > 2 && inputs[2] is not null && IsTraining(inputs))
        {
            bool zeroRatio = inputs.Length > 1 && inputs[1]?.Constant is { Length: 1 } ratio && ratio.ElementAsDouble(0) == 0;
            if (!zeroRatio)
                throw NotSupported("training_mode is true: training-mode (random) dropout is not supported, only inference");
        }
        return inputs[0]!.Shape;
    }

    private bool IsTraining(ValueInfo?[] inputs)
    {
        var mode = ConstantInput(inputs, 2, "training_mode");
        if (mode.Length != 1) throw Error($"training_mode has shape {ShapeMath.Format(mode.Shape)}; expected a scalar");
        return mode.ElementAsInt64(0) != 0;
    }

    private bool HasMask => Node.Outputs.Length > 1;

    /// <summary>The mask is known from the shape alone, so it is always a plan-time constant.</summary>
    private Tensor Mask(ValueInfo input)
    {
        var one = Tensor.Create([], new[] { true });
        if (Opset < 10) one = TypedKernels.Cast(one, input.Type);
        return TypedKernels.Fill(one, input.Shape);
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        var output = base.InferTypes(inputs);
        return HasMask ? [output[0], ValueInfo.Of(Mask(inputs[0]!))] : output;
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var output = base.Compute(inputs, outputs);
        return HasMask ? [output[0], outputs[1].Constant!] : output;
    }
}
