using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators;

/// <summary>
/// The activations a Conv/Gemm can apply at its store. <see cref="Swish"/> is x·sigmoid(x) (SiLU) and
/// <see cref="HardSigmoidGate"/> is x·HardSigmoid(α, β)(x) (HardSwish as older exports write it): each is what the
/// two-node form Sigmoid/HardSigmoid → Mul(x, ·) computes, two roundings included, so fusing them changes no output.
/// </summary>
public enum ActivationKind { None, Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish, Tanh, Swish, HardSigmoidGate }

/// <summary>
/// An activation folded into the producing Conv/Gemm by the fusion pass and applied as the output is stored.
/// Carried on the node as the attributes <c>cnnrt.activation</c> (string), <c>cnnrt.alpha</c>, <c>cnnrt.beta</c>.
/// Clip uses alpha = min, beta = max; LeakyRelu alpha; HardSigmoid and HardSigmoidGate alpha, beta.
/// </summary>
public readonly record struct FusedActivation(ActivationKind Kind, float Alpha = 0, float Beta = 0)
{
    public const string KindAttribute = "cnnrt.activation";
    public const string AlphaAttribute = "cnnrt.alpha";
    public const string BetaAttribute = "cnnrt.beta";

    public static readonly FusedActivation None = new(ActivationKind.None);

    public static FusedActivation FromNode(Node node)
    {
        string kind = node.GetString(KindAttribute, "");
        if (kind.Length == 0) return None;
        if (!Enum.TryParse<ActivationKind>(kind, out var k))
            throw CnnrtException.Model($"{node.Describe()}: unknown fused activation '{kind}'");
        return new FusedActivation(k, node.GetFloat(AlphaAttribute, 0), node.GetFloat(BetaAttribute, 0));
    }

    public void WriteTo(Node node)
    {
        node.SetAttribute(new NodeAttribute { Name = KindAttribute, Kind = AttributeKind.String, String = Kind.ToString() });
        node.SetAttribute(new NodeAttribute { Name = AlphaAttribute, Kind = AttributeKind.Float, Float = Alpha });
        node.SetAttribute(new NodeAttribute { Name = BetaAttribute, Kind = AttributeKind.Float, Float = Beta });
    }

    /// <summary>
    /// The activation of one value: the same operator structs the standalone activation operators use, so a fused
    /// activation gives bit-identical results.
    /// </summary>
    public float Apply(float x) => Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.Relu => Relu.Invoke(x),
        ActivationKind.LeakyRelu => new LeakyReluOp(Alpha).Invoke(x),
        ActivationKind.Clip => new ClipOp<float>(Alpha, Beta).Invoke(x),
        ActivationKind.Sigmoid => new SigmoidOp().Invoke(x),
        ActivationKind.HardSigmoid => new HardSigmoidOp(Alpha, Beta).Invoke(x),
        ActivationKind.HardSwish => new HardSwishOp().Invoke(x),
        ActivationKind.Tanh => new TanhOp().Invoke(x),
        ActivationKind.Swish => x * new SigmoidOp().Invoke(x),
        ActivationKind.HardSigmoidGate => x * new HardSigmoidOp(Alpha, Beta).Invoke(x),
        _ => x,
    };

    public void Apply(Span<float> values)
    {
        if (Kind == ActivationKind.None) return;
        for (int i = 0; i < values.Length; i++) values[i] = Apply(values[i]);
    }

    public override string ToString() => Kind switch
    {
        ActivationKind.None => "",
        ActivationKind.Clip => $"Clip({Alpha},{Beta})",
        ActivationKind.LeakyRelu => $"LeakyRelu({Alpha})",
        ActivationKind.HardSigmoid => $"HardSigmoid({Alpha},{Beta})",
        ActivationKind.HardSigmoidGate => $"x*HardSigmoid({Alpha},{Beta})",
        _ => Kind.ToString(),
    };
}
