using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>
/// A fused activation applied in place over a span, its vector kernel chosen once at plan time: for a kernel that is
/// generic over one activation already (a depthwise step's) and computes values another activation must follow (the
/// pointwise convolution folded in before it), at one virtual call per span.
/// </summary>
public abstract class SpanActivation
{
    public abstract void Apply(Span<float> y);

    /// <summary><paramref name="activation"/> on <paramref name="isa"/>'s vectors; null on the reference path.</summary>
    public static SpanActivation? For(KernelIsa isa, FusedActivation activation) =>
        VectorDispatch.Build<SpanActivation, Factory>(isa, activation, default);

    private readonly struct Factory : IActivatedFactory<SpanActivation>
    {
        public SpanActivation Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation =>
            new Of<V, TVec, TAct>(activation);
    }

    private sealed class Of<V, TVec, TAct>(TAct activation) : SpanActivation
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        public override void Apply(Span<float> y) => ActivationPass.Apply<V, TVec, TAct>(y, activation);
    }
}
