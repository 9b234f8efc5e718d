using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Constant: the value of exactly one of the attributes value (a tensor), value_float(s), value_int(s) (opset 12)
/// or value_string(s) (a string tensor).
/// </summary>
public sealed class ConstantOperator : FoldingOperator
{
    private readonly Tensor _value;

    public ConstantOperator(Node node, int opset) : base(node, opset)
    {
        var given = node.Attributes.Keys.Where(k => k.StartsWith("value", StringComparison.Ordinal) || k == "sparse_value").ToArray();
        if (given.Length != 1)
            throw Error(given.Length == 0
                ? "has none of the attributes value, value_float(s), value_int(s), value_string(s)"
                : $"has {given.Length} value attributes ({string.Join(", ", given)}); exactly one is allowed");
        _value = given[0] switch
        {
            "value" => node.GetTensor("value")!,
            "value_float" => Tensor.Scalar(node.GetFloat("value_float", 0)),
            "value_floats" => Tensor.FromFloats([node.GetFloats("value_floats")!.Length], node.GetFloats("value_floats")!),
            "value_int" => Tensor.Scalar(node.GetInt("value_int", 0)),
            "value_ints" => Tensor.FromLongs([node.GetInts("value_ints")!.Length], node.GetInts("value_ints")!),
            "value_string" => Tensor.Create([], new[] { node.GetString("value_string", "") }),
            "value_strings" => Strings(node),
            "sparse_value" => throw NotSupported("a sparse_value constant is not supported"),
            _ => throw Error($"unknown attribute '{given[0]}'"),
        };
    }

    private Tensor Strings(Node node)
    {
        var a = node.Attr("value_strings")!;
        if (a.Kind != AttributeKind.Strings) throw Error($"attribute 'value_strings' is {a.Kind}, expected Strings");
        return Tensor.Create([a.Strings.Length], a.Strings);
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 0, 0);
        return [new ValueInfo(_value.Type, _value.Shape)];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs) => [_value];
}
