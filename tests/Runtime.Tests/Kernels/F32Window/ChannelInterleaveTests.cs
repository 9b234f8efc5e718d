using System.Runtime.Intrinsics;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Tests.Kernels.F32Window;

/// <summary>
/// The transposes between channel planes and the channel-block scratches' interleaved pixels, on every vector width the
/// host runs, for every channel count up to a whole block (fewer channels go through a tile) and runs of pixels around
/// the vector width: each channel's pixels land in its lane; after <c>FromPlanes</c> the lanes past the channels are
/// zero (or, for runs shorter than a vector, untouched); <c>ToPlanes</c> writes the channels' pixels and nothing else.
/// </summary>
public class ChannelInterleaveTests
{
    public static TheoryData<KernelIsa> Widths()
    {
        var data = new TheoryData<KernelIsa>();
        foreach (var isa in new[] { KernelIsa.Vector128, KernelIsa.Avx2, KernelIsa.Avx512 })
            if (CpuFeatures.Supports(isa)) data.Add(isa);
        return data;
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void PlanesRoundTripThroughInterleavedPixels(KernelIsa isa)
    {
        switch (isa)
        {
            case KernelIsa.Vector128: Check<F32Vector128, Vector128<float>>(); break;
            case KernelIsa.Avx2: Check<F32Vector256, Vector256<float>>(); break;
            default: Check<F32Vector512, Vector512<float>>(); break;
        }
    }

    private static void Check<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
    {
        int lanes = V.Count;
        for (int channels = 1; channels <= lanes; channels++)
        for (int count = 1; count <= 3 * lanes + 3; count++)
        {
            string what = $"{lanes} lanes, {channels} channels, {count} pixels";
            int stride = count + 5;
            // Guard floats (NaN) after the last plane and between planes: a transpose that read or wrote past the
            // channels' pixels would carry them.
            var planes = Enumerable.Repeat(float.NaN, channels * stride + lanes * stride).ToArray();
            for (int ch = 0; ch < channels; ch++)
                for (int p = 0; p < count; p++)
                    planes[ch * stride + p] = Value(ch, p);

            var interleaved = Enumerable.Repeat(-7f, count * lanes).ToArray();
            ChannelInterleave.FromPlanes<V, TVec>(ref planes[0], stride, channels, count, ref interleaved[0]);
            for (int p = 0; p < count; p++)
                for (int lane = 0; lane < lanes; lane++)
                {
                    float expected = lane < channels ? Value(lane, p) : count < lanes ? -7f : 0f;
                    Assert.True(interleaved[p * lanes + lane] == expected,
                        $"{what}: pixel {p} lane {lane} is {interleaved[p * lanes + lane]}, expected {expected}");
                }

            var back = Enumerable.Repeat(float.NaN, planes.Length).ToArray();
            ChannelInterleave.ToPlanes<V, TVec>(ref interleaved[0], channels, count, ref back[0], stride);
            for (int i = 0; i < back.Length; i++)
            {
                int channel = i / stride, p = i % stride;
                bool written = channel < channels && p < count;
                Assert.True(written ? back[i] == planes[i] : float.IsNaN(back[i]),
                    $"{what}: plane float {i} (channel {channel}, pixel {p}) is {back[i]}");
            }
        }

        static float Value(int channel, int pixel) => channel * 1000 + pixel + 0.5f;
    }
}
