using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Operators;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Kernels.F32Elementwise;

/// <summary>
/// The folded residual's y = f(y + r) equals the Add step followed by the activation step, bit for bit, on every path
/// (the reference activation, or the vector one where its exp makes them differ), for runs shorter than a vector, of
/// whole vectors, and with a partial vector left over (which the kernel covers by storing the last whole vector again).
/// </summary>
public class ResidualRunsTests
{
    public static TheoryData<KernelIsa, ActivationKind> Paths()
    {
        var data = new TheoryData<KernelIsa, ActivationKind>();
        foreach (var isa in VectorKernelRunner.FastIsas.Prepend(KernelIsa.Reference))
            foreach (var kind in new[] { ActivationKind.None, ActivationKind.Relu, ActivationKind.Clip, ActivationKind.Swish })
                data.Add(isa, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MatchesTheReferenceAddThenActivation(KernelIsa isa, ActivationKind kind)
    {
        var activation = new FusedActivation(kind, kind == ActivationKind.Clip ? -0.5f : 0, kind == ActivationKind.Clip ? 0.75f : 0);
        var runs = ResidualRuns.For(isa, activation);
        foreach (int length in new[] { 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 47, 56, 100 })
        {
            var y = Random([length], length, -2, 2).Floats;
            var r = Random([length], length + 100, -2, 2).Floats;
            var expected = new float[length];
            for (int i = 0; i < length; i++) expected[i] = activation.Apply(y[i] + r[i]);
            // The exp-based kinds are the standalone vector step's (its exp is within a few ulp of the reference's).
            if (kind == ActivationKind.Swish && isa != KernelIsa.Reference)
            {
                for (int i = 0; i < length; i++) expected[i] = y[i] + r[i];
                F32Vector.VectorIsaApply.Apply(isa, expected, expected, new Cnnrt.Kernels.F32Vector.SwishActivation());
            }
            // Guards on both sides: the run writes only its own elements.
            var buffer = new float[length + 2];
            buffer[0] = buffer[^1] = float.NaN;
            y.CopyTo(buffer, 1);
            runs.Apply(buffer.AsSpan(1, length), r);
            Assert.Equal(expected, buffer.AsSpan(1, length).ToArray());
            Assert.True(float.IsNaN(buffer[0]) && float.IsNaN(buffer[^1]), $"{isa} {kind}: wrote outside a run of {length}");
        }
    }
}
