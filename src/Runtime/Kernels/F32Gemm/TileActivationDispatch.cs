using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Receives the <see cref="IF32TileActivation"/> type of an <see cref="ActivationKind"/>: each kernel family's visitor
/// returns the address of its instantiation for that type (as nint: a function pointer cannot be a type argument).
/// </summary>
public interface ITileActivationVisitor
{
    nint Visit<TAct>() where TAct : unmanaged, IF32TileActivation;
}

/// <summary>The one place an <see cref="ActivationKind"/> is mapped to its tile activation type.</summary>
public static class TileActivationDispatch
{
    public static nint Visit<TVisitor>(ActivationKind activation, TVisitor visitor) where TVisitor : struct, ITileActivationVisitor =>
        activation switch
        {
            ActivationKind.None => visitor.Visit<IdentityTile>(),
            ActivationKind.Relu => visitor.Visit<ReluTile>(),
            ActivationKind.Clip => visitor.Visit<ClipTile>(),
            ActivationKind.LeakyRelu => visitor.Visit<LeakyReluTile>(),
            ActivationKind.HardSigmoid => visitor.Visit<HardSigmoidTile>(),
            ActivationKind.HardSwish => visitor.Visit<HardSwishTile>(),
            ActivationKind.HardSigmoidGate => visitor.Visit<HardSigmoidGateTile>(),
            ActivationKind.Sigmoid => visitor.Visit<SigmoidTile>(),
            ActivationKind.Tanh => visitor.Visit<TanhTile>(),
            ActivationKind.Swish => visitor.Visit<SwishTile>(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
        };
}
