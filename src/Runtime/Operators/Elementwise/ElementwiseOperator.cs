using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>Input checks shared by the elementwise, activation and reduction operators.</summary>
public abstract class ElementwiseOperator : Operator
{
    protected ElementwiseOperator(Node node, int opset) : base(node, opset) { }

    /// <summary>Every input from <paramref name="first"/> on must be present (variadic inputs have no optional ones).</summary>
    protected void ExpectAllPresent(ValueInfo?[] inputs, int first = 0)
    {
        for (int i = first; i < inputs.Length; i++)
            if (inputs[i] is null) throw Error($"input {i} is missing");
    }

    /// <summary>The element type the present inputs in [first, end) share; an error naming two that differ.</summary>
    protected DataType CommonType(ValueInfo?[] inputs, int first, int end)
    {
        DataType? type = null;
        int at = first;
        for (int i = first; i < end; i++)
        {
            if (inputs[i] is not { } v) continue;
            if (type is null) { type = v.Type; at = i; }
            else if (v.Type != type)
                throw Error($"input {i} ('{Node.Inputs[i]}') is {DataTypes.Name(v.Type)} but input {at} ('{Node.Inputs[at]}') is {DataTypes.Name(type.Value)}");
        }
        return type ?? throw Error("has no inputs");
    }

    protected void ExpectNumeric(ValueInfo v, int i)
    {
        if (!DataTypes.IsFloating(v.Type) && !DataTypes.IsInteger(v.Type))
            throw NotSupported($"input {i} ('{Node.Inputs[i]}') is {DataTypes.Name(v.Type)}; expected a numeric type");
    }

    /// <summary>The multidirectional (numpy) broadcast of the present inputs' shapes in [first, end).</summary>
    protected int[] BroadcastShape(ValueInfo?[] inputs, int first, int end)
    {
        int[]? shape = null;
        for (int i = first; i < end; i++)
        {
            if (inputs[i] is not { } v) continue;
            shape = shape is null ? v.Shape : ShapeMath.Broadcast(shape, v.Shape) ?? throw Error(
                $"input shapes {string.Join(", ", ShapesOf(inputs, first, i + 1))} do not broadcast " +
                "(trailing dimensions must be equal or 1)");
        }
        return shape ?? throw Error("has no inputs");
    }

    private IEnumerable<string> ShapesOf(ValueInfo?[] inputs, int first, int end)
    {
        for (int i = first; i < end; i++)
            if (inputs[i] is { } v) yield return $"{ShapeMath.Format(v.Shape)} ('{Node.Inputs[i]}')";
    }

    /// <summary>The value infos of whole tensors (for Evaluate overrides).</summary>
    protected static ValueInfo?[] InfosOf(Tensor?[] inputs) => Array.ConvertAll(inputs, t => t is null ? null : ValueInfo.Of(t));

    protected static bool AllFloat(Tensor?[] inputs) => Array.TrueForAll(inputs, t => t is null || t.Type == DataType.Float);
}
