using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Depthwise;

/// <summary>
/// Depthwise convolution of one block of channels in a <see cref="ChannelBlockPlane"/>: each output pixel is one
/// vector (the block's channels), started at the biases, one FMA per tap with the tap's weights of those channels, the
/// fused activation applied before the store (the exp-based ones in a pass over the computed pixels,
/// <see cref="ActivationPass"/>). Four pixels at a time, so four independent FMA chains hide the latency and each weight
/// vector loaded serves four.
/// </summary>
internal static class ChannelBlockDepthwise
{
    /// <param name="weights">The block's weights, tap-major: tap t's lanes at t·Count (zero for missing channels).</param>
    /// <param name="bias">The block's biases, one vector.</param>
    public static void Compute<V, TVec, TAct>(ChannelBlockPlane plane, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        ref float src = ref plane.Buffer;
        ref float dst = ref plane.Output;
        if (!ActivationPass.Separate<TAct>())
        {
            if (!ChannelBlockRowKernel.TryComputePlane<V, TVec, TAct>(plane, weights, bias, activation))
                Pixels<V, TVec, TAct>(ref src, plane.Taps, plane.Windows, weights, bias, activation, ref dst);
            return;
        }
        if (!ChannelBlockRowKernel.TryComputePlane<V, TVec, IdentityActivation>(plane, weights, bias, default))
            Pixels<V, TVec, IdentityActivation>(ref src, plane.Taps, plane.Windows, weights, bias, default, ref dst);
        ActivationPass.Apply<V, TVec, TAct>(MemoryMarshal.CreateSpan(ref plane.Output, plane.OutputPlaneSize * V.Count), activation);
    }

    /// <summary>
    /// The current output row of a <see cref="ChannelBlockRows"/> (after its PrepareRow): by
    /// <see cref="ChannelBlockRowKernel"/> where it has the shape, else pixel by pixel.
    /// </summary>
    public static void ComputeRow<V, TVec, TAct>(ChannelBlockRows rows, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        if (!ActivationPass.Separate<TAct>())
        {
            Row<V, TVec, TAct>(rows, weights, bias, activation);
            return;
        }
        Row<V, TVec, IdentityActivation>(rows, weights, bias, default);
        ActivationPass.Apply<V, TVec, TAct>(MemoryMarshal.CreateSpan(ref rows.OutputRow, rows.OutW * V.Count), activation);
    }

    private static void Row<V, TVec, TAct>(ChannelBlockRows rows, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        if (ChannelBlockRowKernel.TryCompute<V, TVec, TAct>(rows, weights, bias, activation)) return;
        Pixels<V, TVec, TAct>(ref rows.Buffer, rows.Taps, rows.Windows,
            weights, bias, activation, ref rows.OutputRow);
    }

    /// <summary>
    /// Output pixel p (stored at p·Count from <paramref name="dst"/>) reads tap t at windows[p] + taps[t] from
    /// <paramref name="src"/>. Four pixels at a time, so four independent FMA chains hide the latency and each weight
    /// vector loaded serves four.
    /// </summary>
    private static void Pixels<V, TVec, TAct>(ref float src, ReadOnlySpan<int> taps, ReadOnlySpan<int> windows, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, TAct activation, ref float dst)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        int c = V.Count;
        weights = weights[..(taps.Length * c)];
        ref float w = ref MemoryMarshal.GetReference(weights);
        var b = V.Load(ref MemoryMarshal.GetReference(bias[..c]));
        int p = 0;
        for (; p + 3 < windows.Length; p += 4)
        {
            ref float s0 = ref Unsafe.Add(ref src, windows[p]);
            ref float s1 = ref Unsafe.Add(ref src, windows[p + 1]);
            ref float s2 = ref Unsafe.Add(ref src, windows[p + 2]);
            ref float s3 = ref Unsafe.Add(ref src, windows[p + 3]);
            TVec a0 = b, a1 = b, a2 = b, a3 = b;
            for (int t = 0; t < taps.Length; t++)
            {
                var f = V.Load(ref Unsafe.Add(ref w, t * c));
                int o = taps[t];
                a0 = V.MultiplyAdd(V.Load(ref Unsafe.Add(ref s0, o)), f, a0);
                a1 = V.MultiplyAdd(V.Load(ref Unsafe.Add(ref s1, o)), f, a1);
                a2 = V.MultiplyAdd(V.Load(ref Unsafe.Add(ref s2, o)), f, a2);
                a3 = V.MultiplyAdd(V.Load(ref Unsafe.Add(ref s3, o)), f, a3);
            }
            ref float d = ref Unsafe.Add(ref dst, p * c);
            V.Store(activation.Apply<V, TVec>(a0), ref d);
            V.Store(activation.Apply<V, TVec>(a1), ref Unsafe.Add(ref d, c));
            V.Store(activation.Apply<V, TVec>(a2), ref Unsafe.Add(ref d, 2 * c));
            V.Store(activation.Apply<V, TVec>(a3), ref Unsafe.Add(ref d, 3 * c));
        }
        for (; p < windows.Length; p++)
        {
            ref float s = ref Unsafe.Add(ref src, windows[p]);
            var a = b;
            for (int t = 0; t < taps.Length; t++)
                a = V.MultiplyAdd(V.Load(ref Unsafe.Add(ref s, taps[t])), V.Load(ref Unsafe.Add(ref w, t * c)), a);
            V.Store(activation.Apply<V, TVec>(a), ref Unsafe.Add(ref dst, p * c));
        }
    }

    /// <summary>
    /// Weights [C][taps] and biases [C] regrouped per block of <paramref name="lanes"/> channels: weights [block][tap][lane],
    /// biases [block][lane], zeros for the lanes past the last channel.
    /// </summary>
    public static (float[] Weights, float[] Bias) Pack(float[] weights, float[] bias, int channels, int taps, int lanes)
    {
        int blocks = (channels + lanes - 1) / lanes;
        var w = new float[blocks * taps * lanes];
        var b = new float[blocks * lanes];
        for (int ch = 0; ch < channels; ch++)
        {
            int block = ch / lanes, lane = ch % lanes;
            b[block * lanes + lane] = bias[ch];
            for (int t = 0; t < taps; t++) w[(block * taps + t) * lanes + lane] = weights[ch * taps + t];
        }
        return (w, b);
    }
}
