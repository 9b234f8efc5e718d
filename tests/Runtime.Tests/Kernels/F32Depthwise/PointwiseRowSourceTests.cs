using System.Runtime.Intrinsics;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Depthwise;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Operators;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Kernels.F32Depthwise;

/// <summary>
/// The rows a folded pointwise convolution computes for the depthwise step (<see cref="PointwiseRowSource{V, TVec}"/>),
/// one block or two at once, against the formula in doubles: random channel counts (not multiples of the lanes),
/// widths (tails of every length), X in NCHW and channel-blocked, on every vector path.
/// </summary>
public class PointwiseRowSourceTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, 24).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Rows_are_the_pointwise_convolution_of_their_input_row(int seed)
    {
        foreach (var isa in VectorKernelRunner.FastIsas)
        {
            switch (isa)
            {
                case KernelIsa.Vector128: Check<F32Vector128, Vector128<float>>(seed, isa); break;
                case KernelIsa.Avx2: Check<F32Vector256, Vector256<float>>(seed, isa); break;
                case KernelIsa.Avx512: Check<F32Vector512, Vector512<float>>(seed, isa); break;
            }
        }
    }

    private static void Check<V, TVec>(int seed, KernelIsa isa) where V : struct, IF32Vector<TVec> where TVec : struct
    {
        var rng = new Random(seed);
        int lanes = V.Count, n = rng.Next(1, 3), k = rng.Next(1, 21), m = rng.Next(1, 3 * lanes + 1);
        int h = rng.Next(1, 5), w = rng.Next(1, 30);
        bool blocked = seed % 2 == 1, hasBias = rng.Next(4) != 0;
        var activation = rng.Next(2) == 0 ? new FusedActivation(ActivationKind.None) : new FusedActivation(ActivationKind.Clip, 0, 6);
        var x = Random([n, k, h, w], seed * 3 + 1, -2, 2).Floats;
        var weights = Random([m, k], seed * 3 + 2, -1, 1).Floats;
        var bias = hasBias ? Random([m], seed * 3 + 3).Floats : [];
        int plane = h * w;
        var stored = blocked ? ChannelBlockedLayout.FromNchw(x, [n, k, h, w], lanes) : x;
        var offsets = Enumerable.Range(0, k).Select(c => blocked ? c / lanes * plane * lanes + c % lanes : c * plane).ToArray();
        int imageFloats = blocked ? ChannelBlockedLayout.Blocks(k, lanes) * lanes * plane : k * plane, pixelStride = blocked ? lanes : 1;
        var (packedWeights, packedBias) = PointwiseRowSource<V, TVec>.Pack(weights, bias, m, k, lanes);
        var source = new PointwiseRowSource<V, TVec>(stored, offsets, pixelStride, w * pixelStride, w, packedWeights, packedBias,
            SpanActivation.For(isa, activation)!);
        int blocks = ChannelBlockedLayout.Blocks(m, lanes);
        var row = new float[w * lanes];
        var next = new float[w * lanes];
        for (int image = 0; image < n; image++)
        for (int block = 0; block < blocks; block++)
        for (int ih = 0; ih < h; ih++)
        {
            source.Select(image * imageFloats, block);
            bool pair = block + 1 < blocks && rng.Next(2) == 0;
            if (pair) source.Fill(ih, ref row[0], ref next[0]);
            else source.Fill(ih, ref row[0]);
            AssertRow(row, block);
            if (pair) AssertRow(next, block + 1);

            void AssertRow(float[] actual, int b)
            {
                for (int p = 0; p < w; p++)
                for (int lane = 0; lane < lanes && b * lanes + lane < m; lane++)
                {
                    int ch = b * lanes + lane;
                    double sum = hasBias ? bias[ch] : 0, magnitude = Math.Abs(sum);
                    for (int c = 0; c < k; c++)
                    {
                        double term = (double)weights[ch * k + c] * x[((image * k + c) * h + ih) * w + p];
                        sum += term;
                        magnitude += Math.Abs(term);
                    }
                    double expected = activation.Kind == ActivationKind.Clip ? Math.Clamp(sum, 0, 6) : sum;
                    // k + 1 roundings of terms at most `magnitude` in size.
                    double tolerance = (k + 2) * magnitude * 6e-8 + 1e-30;
                    Assert.True(Math.Abs(actual[p * lanes + lane] - expected) <= tolerance,
                        $"{isa} seed {seed}: image {image}, channel {ch}, row {ih}, pixel {p}: {actual[p * lanes + lane]} against {expected} (pair {pair}, blocked {blocked})");
                }
            }
        }
    }
}
