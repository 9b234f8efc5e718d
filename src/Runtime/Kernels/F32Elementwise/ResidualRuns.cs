using Cnnrt.Kernels.F32Vector;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// y = activation(y + r) over one run of a layer's output, on the plan's vectors: the residual Add (and activation)
/// the planner folded into a convolution (<see cref="ResidualAdd"/>), which its kernels apply run by run to the
/// output they have just written, while it is still in cache. Bound to the vector width and activation once, at plan
/// time; the vector Add and activation are the standalone steps', so the result is theirs bit for bit.
/// </summary>
public abstract unsafe class ResidualRuns
{
    public abstract void Apply(float* y, float* r, int length);

    public void Apply(Span<float> y, ReadOnlySpan<float> r)
    {
        fixed (float* py = y, pr = r) Apply(py, pr, Math.Min(y.Length, r.Length));
    }

    public static ResidualRuns For(KernelIsa isa, FusedActivation activation) =>
        VectorDispatch.Build<ResidualRuns, Factory>(isa, activation, default) ?? new ReferenceRuns(activation);

    /// <summary>Scalar: the reference Add's float sum, then the activation's reference function.</summary>
    private sealed class ReferenceRuns(FusedActivation activation) : ResidualRuns
    {
        public override void Apply(float* y, float* r, int length)
        {
            for (int i = 0; i < length; i++) y[i] = activation.Apply(y[i] + r[i]);
        }
    }

    private readonly struct Factory : IActivatedFactory<ResidualRuns>
    {
        public ResidualRuns Create<V, TVec, TAct>(TAct activation)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation =>
            new VectorRuns<V, TVec, TAct>(activation);
    }

    private sealed class VectorRuns<V, TVec, TAct>(TAct activation) : ResidualRuns
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        public override void Apply(float* y, float* r, int length) =>
            VectorResidualKernel.Apply<V, TVec, TAct>(new Span<float>(y, length), new ReadOnlySpan<float>(r, length), activation);
    }
}
