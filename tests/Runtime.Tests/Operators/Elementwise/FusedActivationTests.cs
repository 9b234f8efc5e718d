using Cnnrt.Operators;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Operators.Elementwise;

/// <summary>A fused activation must give exactly what the standalone operator gives, so fusion never changes outputs.</summary>
public class FusedActivationTests
{
    public static TheoryData<string> Kinds() => ["Relu", "LeakyRelu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ApplyIsBitIdenticalToTheStandaloneOperator(string kind)
    {
        var (fused, node, opset) = kind switch
        {
            "LeakyRelu" => (new FusedActivation(ActivationKind.LeakyRelu, 0.2f), Node("LeakyRelu", 1, 1, Float("alpha", 0.2f)), 13),
            "Clip" => (new FusedActivation(ActivationKind.Clip, 0f, 6f), Node("Clip", 1, 1, Float("min", 0f), Float("max", 6f)), 6),
            "HardSigmoid" => (new FusedActivation(ActivationKind.HardSigmoid, 0.3f, 0.4f), Node("HardSigmoid", 1, 1, Float("alpha", 0.3f), Float("beta", 0.4f)), 13),
            _ => (new FusedActivation(Enum.Parse<ActivationKind>(kind)), Node(kind, 1), 13),
        };
        var values = Random([500], seed: 3, lo: -8, hi: 8).Floats
            .Concat([0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, -3f, 3f, -2.5f]).ToArray();
        var expected = Eval(node, opset, Tensor.FromFloats([values.Length], values))[0].Floats;
        var applied = (float[])values.Clone();
        fused.Apply(applied);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(applied[i]) || float.IsNaN(expected[i]) && float.IsNaN(applied[i]),
                $"{kind}({values[i]:R}): operator {expected[i]:R}, fused {applied[i]:R}");
            Assert.Equal(BitConverter.SingleToInt32Bits(applied[i]), BitConverter.SingleToInt32Bits(fused.Apply(values[i])));
        }
    }
}
