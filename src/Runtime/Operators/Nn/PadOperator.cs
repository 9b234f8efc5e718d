using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX Pad. Opset 2–10: <c>pads</c> and <c>value</c> attributes. Opset 11+: <c>pads</c> (int64, must be known at plan
/// time because it sets the output shape) and optional <c>constant_value</c> inputs; opset 18+: optional <c>axes</c>
/// input; modes constant, reflect, edge and (opset 19) wrap. Negative pads crop. Evaluate handles every element type.
/// </summary>
public sealed class PadOperator : Operator
{
    private readonly PadMode mode;
    /// <summary>Opset &lt; 11: pads and value from the attributes.</summary>
    private readonly long[]? attributePads;
    private readonly float attributeValue;

    public PadOperator(Node node, int opset) : base(node, opset)
    {
        string m = node.GetString("mode", "constant");
        mode = m switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            "wrap" => PadMode.Wrap,
            _ => throw Error($"mode '{m}' is not one of constant, reflect, edge, wrap"),
        };
        if (opset < 11)
        {
            attributePads = node.GetInts("pads") ?? throw Error("required attribute 'pads' is missing");
            attributeValue = node.GetFloat("value", 0f);
        }
    }

    /// <summary>Per-axis begin and end pads of the data, after checking every input.</summary>
    private (int[] Begin, int[] End) Pads(ValueInfo?[] inputs)
    {
        bool fromInputs = Opset >= 11;
        ExpectInputs(inputs, fromInputs ? 2 : 1, fromInputs ? (Opset >= 18 ? 4 : 3) : 1);
        var data = Required(inputs, 0);
        int rank = data.Rank;
        long[] pads = fromInputs ? ConstantInput(inputs, 1, "pads").ToInt64Array() : attributePads!;
        if (fromInputs && inputs.Length > 2 && inputs[2] is { } value)
        {
            if (value.Type != data.Type)
                throw Error($"constant_value is {DataTypes.Name(value.Type)} but the data is {DataTypes.Name(data.Type)}");
            if (value.Count != 1) throw Error($"constant_value has shape {ShapeMath.Format(value.Shape)}; expected one element");
        }
        int[] axes = AxesOf(inputs, rank);
        if (pads.Length != 2 * axes.Length)
            throw Error($"pads has {pads.Length} values; expected {2 * axes.Length} (begin and end for {axes.Length} axes)");

        var begin = new int[rank];
        var end = new int[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            begin[axes[i]] = Narrow(pads[i]);
            end[axes[i]] = Narrow(pads[i + axes.Length]);
        }
        for (int a = 0; a < rank; a++)
        {
            int n = data.Shape[a];
            long kept = (long)n - Math.Max(0, -begin[a]) - Math.Max(0, -end[a]);
            if (kept < 0 || (long)n + begin[a] + end[a] < 0)
                throw Error($"pads {begin[a]},{end[a]} crop more than the {n} elements of axis {a}");
            if (kept == 0 && mode != PadMode.Constant && (begin[a] > 0 || end[a] > 0))
                throw Error($"{mode.ToString().ToLowerInvariant()} padding of axis {a} needs at least one element to repeat, but it has none");
        }
        return (begin, end);
    }

    private int[] AxesOf(ValueInfo?[] inputs, int rank)
    {
        if (Opset < 18 || inputs.Length < 4 || inputs[3] is null)
        {
            var all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        long[] given = ConstantInput(inputs, 3, "axes").ToInt64Array();
        var axes = new int[given.Length];
        for (int i = 0; i < given.Length; i++)
        {
            axes[i] = ShapeMath.Axis(given[i], rank, Where);
            if (Array.IndexOf(axes, axes[i], 0, i) >= 0) throw Error($"axis {given[i]} is listed twice in axes");
        }
        return axes;
    }

    private int Narrow(long v) => v is >= int.MinValue / 2 and <= int.MaxValue / 2 ? (int)v : throw Error($"pad {v} is out of range");

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var (begin, end) = Pads(inputs);
        var data = inputs[0]!;
        var shape = new int[data.Rank];
        for (int a = 0; a < shape.Length; a++) shape[a] = data.Shape[a] + begin[a] + end[a];
        ShapeMath.Count(shape, $"{Where}: output");
        return [new ValueInfo(data.Type, shape)];
    }

    public override Step CreateStep(StepContext context)
    {
        var (begin, end) = Pads(context.InputInfos);
        var value = Opset >= 11 && context.Inputs.Length > 2 ? context.Inputs[2] : default;
        var inShape = context.InputInfos[0]!.Shape;
        if (context.Isa != Kernels.KernelIsa.Reference && context.InputInfos[0]!.Type == DataType.Float && inShape.Length > 0)
            return new Kernels.F32Pad.F32PadStep(context.Inputs[0], context.Outputs[0], value, attributeValue, inShape, begin, end, mode)
                { NodeName = Node.Name, OpType = Node.OpType };
        return new PadStep
        {
            NodeName = Node.Name, OpType = Node.OpType, X = context.Inputs[0], Y = context.Outputs[0],
            InShape = context.InputInfos[0]!.Shape, Begin = begin, End = end, Mode = mode, Value = value,
            AttributeValue = attributeValue,
        };
    }

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var infos = TensorInfos.Of(inputs);
        var output = InferOutputs(infos)[0];
        var (begin, end) = Pads(infos);
        var data = inputs[0]!;
        var value = Opset >= 11 && inputs.Length > 2 ? inputs[2] : null;
        var y = Tensor.Zeros(data.Type, output.Shape);
        // Dispatch on the declared type, not the array's runtime type: the CLR lets byte[] pass as sbyte[] (and
        // ushort/short, uint/int, ulong/long likewise).
        switch (data.Type)
        {
            case DataType.Float: Run((float)attributeValue); break;
            case DataType.Double: Run((double)attributeValue); break;
            case DataType.Float16: Run((Half)attributeValue); break;
            case DataType.Int8: Run((sbyte)attributeValue); break;
            case DataType.UInt8: Run((byte)attributeValue); break;
            case DataType.Int16: Run((short)attributeValue); break;
            case DataType.UInt16: Run((ushort)attributeValue); break;
            case DataType.Int32: Run((int)attributeValue); break;
            case DataType.UInt32: Run((uint)attributeValue); break;
            case DataType.Int64: Run((long)attributeValue); break;
            case DataType.UInt64: Run((ulong)attributeValue); break;
            case DataType.Bool: Run(attributeValue != 0); break;
            case DataType.String: Run(""); break;
            default: throw NotSupported($"data is {DataTypes.Name(data.Type)}");
        }
        return [y];

        // Opset < 11 takes the float 'value' attribute converted to the data type; later opsets the constant_value input.
        void Run<T>(T fromAttribute)
        {
            T v = value is null ? fromAttribute : value.As<T>()[0];
            PadReference.Pad<T>(data.As<T>(), data.Shape, y.As<T>(), begin, end, mode, v);
        }
    }

    private sealed class PadStep : Step
    {
        public Slot X, Y, Value;
        public required int[] InShape, Begin, End;
        public PadMode Mode;
        public float AttributeValue;

        public override void Run() => PadReference.Pad(X.ReadOnly, InShape, Y.Span, Begin, End, Mode,
            Value.IsEmpty ? AttributeValue : Value.ReadOnly[0]);
    }
}
