using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Range (opset 11): start, limit and delta are scalar inputs of one type (float, double, int16, int32, int64); the
/// output length depends on their values, so they must be constants and the output is a plan-time constant.
/// </summary>
public sealed class RangeOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private static readonly string[] Roles = ["start", "limit", "delta"];

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 3, 3);
        var type = inputs[0]!.Type;
        if (type is not (DataType.Float or DataType.Double or DataType.Int16 or DataType.Int32 or DataType.Int64))
            throw Error($"input 0 ('{Node.Inputs[0]}') is {DataTypes.Name(type)}; expected float, double, int16, int32 or int64");
        var values = new Tensor[3];
        for (int i = 0; i < 3; i++)
        {
            values[i] = ConstantInput(inputs, i, Roles[i]);
            if (values[i].Type != type)
                throw Error($"input {i} ('{Node.Inputs[i]}', the {Roles[i]}) is {DataTypes.Name(values[i].Type)} but the start is {DataTypes.Name(type)}");
            if (values[i].Length != 1)
                throw Error($"input {i} ('{Node.Inputs[i]}', the {Roles[i]}) has shape {ShapeMath.Format(values[i].Shape)}; expected a scalar");
        }
        var action = new CountAction(values[0].Data, values[1].Data, values[2].Data, Limits.Default.MaxTensorElements);
        ElementDispatch.RunNumber(type, ref action);
        if (action.Count < 0)
            throw Error($"range from {values[0].ElementAsDouble(0)} to {values[1].ElementAsDouble(0)} by {values[2].ElementAsDouble(0)} " +
                (values[2].ElementAsDouble(0) == 0 ? "has a zero delta" : "has too many elements"));
        return [new ValueInfo(type, [(int)action.Count])];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var output = Tensor.Zeros(outputs[0].Type, outputs[0].Shape);
        var action = new FillAction(inputs[0]!.Constant!.Data, inputs[2]!.Constant!.Data, output.Data);
        ElementDispatch.RunNumber(output.Type, ref action);
        return [output];
    }

    private struct CountAction(Array start, Array limit, Array delta, long max) : INumberAction
    {
        public long Count;
        public void Invoke<T>() where T : unmanaged, INumber<T> =>
            Count = RangeReference.Count(((T[])start)[0], ((T[])limit)[0], ((T[])delta)[0], max);
    }

    private readonly struct FillAction(Array start, Array delta, Array output) : INumberAction
    {
        public void Invoke<T>() where T : unmanaged, INumber<T> => RangeReference.Range(((T[])start)[0], ((T[])delta)[0], (T[])output);
    }
}
