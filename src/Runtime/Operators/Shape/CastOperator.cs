using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Cast to the type of the 'to' attribute, or, for CastLike (opset 15), to the type of input 1. Any pair of supported
/// element types, strings included; bfloat16, float8, int4 and complex targets are not supported.
/// </summary>
public sealed class CastOperator : FoldingOperator
{
    /// <summary>The target type; null for CastLike, whose target is input 1's type.</summary>
    private readonly DataType? _to;

    public CastOperator(Node node, int opset) : base(node, opset)
    {
        if (node.OpType == "CastLike") return;
        long to = node.RequireInt("to");
        if (!DataTypes.IsSupported((DataType)to)) throw NotSupported($"casting to {TypeName(to)} is not supported");
        _to = (DataType)to;
    }

    private bool IsCastLike => _to is null;

    /// <summary>Names every ONNX element type, including those <see cref="DataType"/> does not list.</summary>
    private static string TypeName(long type) => type switch
    {
        17 => "float8e4m3fn",
        18 => "float8e4m3fnuz",
        19 => "float8e5m2",
        20 => "float8e5m2fnuz",
        21 => "uint4",
        22 => "int4",
        23 => "float4e2m1",
        24 => "float8e8m0",
        _ => DataTypes.Name((DataType)type),
    };

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, IsCastLike ? 2 : 1, IsCastLike ? 2 : 1);
        var x = inputs[0]!;
        var to = _to ?? inputs[1]!.Type;
        if (!DataTypes.IsSupported(to)) throw NotSupported($"casting to {TypeName((long)to)} is not supported");
        return [new ValueInfo(to, x.Shape)];
    }

    /// <summary>Only input 0's values matter (CastLike's input 1 gives just a type).</summary>
    protected override bool CanCompute(ValueInfo?[] inputs) => inputs[0]!.IsConstant;

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) =>
        [TypedKernels.Cast(inputs[0]!.Constant!, outputs[0].Type)];

    /// <summary>A float step exists only for float32 to float32, which copies.</summary>
    protected override Step CreateFloatStep(StepContext context) =>
        new ViewStep(context.Inputs[0], context.Outputs[0]) { NodeName = Node.Name, OpType = Node.OpType };
}
