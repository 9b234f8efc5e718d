using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Depthwise;

/// <summary>
/// A 1×1 convolution's output rows computed where a depthwise convolution reads them
/// (<see cref="ChannelBlockRows.PrepareRow{TSource}"/>): for one block of <c>V.Count</c> output channels, each pixel of
/// input row <c>ih</c> is one vector, the bias plus Σ_k x[k, ih, pixel] · w[block channels, k], then the activation over
/// the row. MobileNetV2's and EfficientNet's expansions (16→96 at 112×112 and the like) then never store their 4.8 MB
/// outputs for the depthwise step to transpose back in; what the depthwise reads is this row, in L1.
/// <para>
/// X is read in place in either layout the planner stores it in: NCHW or channel-blocked
/// (<see cref="ChannelBlockedLayout"/>); per input channel k, where its pixels start (<c>channelOffsets</c>), and the
/// floats between a row's pixels (1 or the block's lanes) and between rows.
/// </para>
/// </summary>
public struct PointwiseRowSource<V, TVec> : IChannelBlockRowSource where V : struct, IF32Vector<TVec> where TVec : struct
{
    /// <summary>Pixels computed together: eight independent FMA chains (two FMA pipes of four cycles' latency), each
    /// weight vector loaded once for eight pixels.</summary>
    private const int Pixels = 8;

    private readonly float[] x;
    private readonly int[] channelOffsets;
    private readonly int pixelStride, rowStride, width;
    private readonly float[] weights;
    private readonly float[] bias;
    private readonly SpanActivation activation;
    private int imageStart, weightStart, biasStart;

    /// <param name="channelOffsets">Per input channel, the offset of its pixel (row 0, column 0) from an image's start.</param>
    /// <param name="weights">Per block of V.Count output channels, per input channel k, the block's weights of k (zero
    /// past the last channel).</param>
    /// <param name="bias">Per block, its V.Count biases.</param>
    public PointwiseRowSource(float[] x, int[] channelOffsets, int pixelStride, int rowStride, int width, float[] weights, float[] bias,
        SpanActivation activation)
    {
        this.x = x;
        this.channelOffsets = channelOffsets;
        this.pixelStride = pixelStride;
        this.rowStride = rowStride;
        this.width = width;
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
    }

    /// <summary>The rows to compute next: those of the image whose first float is x[<paramref name="imageStart"/>], for
    /// output-channel block <paramref name="block"/>.</summary>
    public void Select(int imageStart, int block)
    {
        this.imageStart = imageStart;
        weightStart = block * channelOffsets.Length * V.Count;
        biasStart = block * V.Count;
    }

    /// <summary>
    /// The floats between a row's pixels, as a type: 1 (NCHW) or the block's lanes (channel-blocked, the plan's vector
    /// width). Each instantiation of the loops then has it as a constant, so the pixels' loads are fixed offsets from one
    /// address. Passed as a constant argument instead, it stayed a variable: the loops are too large for the JIT to
    /// inline even when asked, and the inner loop computed five offsets per input channel (min over three profiles of
    /// MobileNetV2, its three fused expansion steps: JIT 0.377/0.249/0.178 → 0.365/0.246/0.173 ms, NativeAOT
    /// 0.417/0.267/0.186 → 0.400/0.257/0.189).
    /// </summary>
    private interface IPixelStride { static abstract int Value { get; } }
    private struct UnitStride : IPixelStride { public static int Value => 1; }
    private struct LaneStride : IPixelStride { public static int Value => V.Count; }

    public void Fill(int inputRow, ref float row)
    {
        // The pixel stride as a constant in each copy of the loop (see IPixelStride).
        if (pixelStride == 1) Compute<UnitStride>(inputRow, ref row);
        else Compute<LaneStride>(inputRow, ref row);
        activation.Apply(MemoryMarshal.CreateSpan(ref row, width * V.Count));
    }

    public void Fill(int inputRow, ref float row, ref float nextBlockRow)
    {
        if (pixelStride == 1) ComputePair<UnitStride>(inputRow, ref row, ref nextBlockRow);
        else ComputePair<LaneStride>(inputRow, ref row, ref nextBlockRow);
        activation.Apply(MemoryMarshal.CreateSpan(ref row, width * V.Count));
        activation.Apply(MemoryMarshal.CreateSpan(ref nextBlockRow, width * V.Count));
    }

    /// <summary>Two blocks' rows, six pixels at a time: each pixel's value loaded once for both blocks' weights, twelve
    /// FMA chains (as the pixel-major GEMM tile, <see cref="F32Gemm.F32ConvMicroKernelPixels6x2V"/>).</summary>
    private readonly void ComputePair<TStride>(int inputRow, ref float row, ref float nextBlockRow) where TStride : struct, IPixelStride
    {
        int c = V.Count, k = channelOffsets.Length, s = TStride.Value;
        ref float xRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), imageStart + inputRow * rowStride);
        ref float w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weights), weightStart);
        ref float wNext = ref Unsafe.Add(ref w, k * c);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(channelOffsets);
        ref float biasRef = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bias), biasStart);
        TVec b = V.Load(ref biasRef), bNext = V.Load(ref Unsafe.Add(ref biasRef, c));
        // Groups of six; the last one shifted back to end at the row's end (it computes a few pixels again, to the same
        // bits): one pixel at a time, each its own chain of k dependent FMAs, a row's last pixels had cost 15% of it.
        int p = 0;
        for (; width >= 6; p += 6)
        {
            if (p > width - 6) p = width - 6;
            TVec a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b;
            TVec n0 = bNext, n1 = bNext, n2 = bNext, n3 = bNext, n4 = bNext, n5 = bNext;
            ref float first = ref Unsafe.Add(ref xRow, p * s);
            // Two k an iteration: at one, the loop's own instructions held the FMAs back (as in the GEMM tiles).
            int i = 0;
            for (; i + 1 < k; i += 2)
            {
                Step(ref Unsafe.Add(ref first, Unsafe.Add(ref offsets, i)), V.Load(ref Unsafe.Add(ref w, i * c)),
                    V.Load(ref Unsafe.Add(ref wNext, i * c)), s, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5,
                    ref n0, ref n1, ref n2, ref n3, ref n4, ref n5);
                Step(ref Unsafe.Add(ref first, Unsafe.Add(ref offsets, i + 1)), V.Load(ref Unsafe.Add(ref w, (i + 1) * c)),
                    V.Load(ref Unsafe.Add(ref wNext, (i + 1) * c)), s, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5,
                    ref n0, ref n1, ref n2, ref n3, ref n4, ref n5);
            }
            if (i < k)
                Step(ref Unsafe.Add(ref first, Unsafe.Add(ref offsets, i)), V.Load(ref Unsafe.Add(ref w, i * c)),
                    V.Load(ref Unsafe.Add(ref wNext, i * c)), s, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5,
                    ref n0, ref n1, ref n2, ref n3, ref n4, ref n5);
            ref float d = ref Unsafe.Add(ref row, p * c);
            V.Store(a0, ref d); V.Store(a1, ref Unsafe.Add(ref d, c)); V.Store(a2, ref Unsafe.Add(ref d, 2 * c));
            V.Store(a3, ref Unsafe.Add(ref d, 3 * c)); V.Store(a4, ref Unsafe.Add(ref d, 4 * c)); V.Store(a5, ref Unsafe.Add(ref d, 5 * c));
            ref float e = ref Unsafe.Add(ref nextBlockRow, p * c);
            V.Store(n0, ref e); V.Store(n1, ref Unsafe.Add(ref e, c)); V.Store(n2, ref Unsafe.Add(ref e, 2 * c));
            V.Store(n3, ref Unsafe.Add(ref e, 3 * c)); V.Store(n4, ref Unsafe.Add(ref e, 4 * c)); V.Store(n5, ref Unsafe.Add(ref e, 5 * c));
            if (p == width - 6)
            {
                p = width;
                break;
            }
        }
        for (; p < width; p++)
        {
            TVec a = b, n = bNext;
            ref float first = ref Unsafe.Add(ref xRow, p * s);
            for (int i = 0; i < k; i++)
            {
                var v = V.Create(Unsafe.Add(ref first, Unsafe.Add(ref offsets, i)));
                a = V.MultiplyAdd(v, V.Load(ref Unsafe.Add(ref w, i * c)), a);
                n = V.MultiplyAdd(v, V.Load(ref Unsafe.Add(ref wNext, i * c)), n);
            }
            V.Store(a, ref Unsafe.Add(ref row, p * c));
            V.Store(n, ref Unsafe.Add(ref nextBlockRow, p * c));
        }
    }

    /// <summary>One input channel's term for six pixels (from <paramref name="xi"/>, <paramref name="s"/> apart) of two blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref float xi, TVec wi, TVec wn, int s, ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4,
        ref TVec a5, ref TVec n0, ref TVec n1, ref TVec n2, ref TVec n3, ref TVec n4, ref TVec n5)
    {
        var v = V.Create(xi); a0 = V.MultiplyAdd(v, wi, a0); n0 = V.MultiplyAdd(v, wn, n0);
        v = V.Create(Unsafe.Add(ref xi, s)); a1 = V.MultiplyAdd(v, wi, a1); n1 = V.MultiplyAdd(v, wn, n1);
        v = V.Create(Unsafe.Add(ref xi, 2 * s)); a2 = V.MultiplyAdd(v, wi, a2); n2 = V.MultiplyAdd(v, wn, n2);
        v = V.Create(Unsafe.Add(ref xi, 3 * s)); a3 = V.MultiplyAdd(v, wi, a3); n3 = V.MultiplyAdd(v, wn, n3);
        v = V.Create(Unsafe.Add(ref xi, 4 * s)); a4 = V.MultiplyAdd(v, wi, a4); n4 = V.MultiplyAdd(v, wn, n4);
        v = V.Create(Unsafe.Add(ref xi, 5 * s)); a5 = V.MultiplyAdd(v, wi, a5); n5 = V.MultiplyAdd(v, wn, n5);
    }

    private readonly void Compute<TStride>(int inputRow, ref float row) where TStride : struct, IPixelStride
    {
        int c = V.Count, k = channelOffsets.Length, s = TStride.Value;
        ref float xRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), imageStart + inputRow * rowStride);
        ref float w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(weights), weightStart);
        ref int offsets = ref MemoryMarshal.GetArrayDataReference(channelOffsets);
        var b = V.Load(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(bias), biasStart));
        int p = 0;
        for (; width >= Pixels; p += Pixels)
        {
            if (p > width - Pixels) p = width - Pixels; // the last group shifted back, as in ComputePair
            TVec a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
            ref float first = ref Unsafe.Add(ref xRow, p * s);
            for (int i = 0; i < k; i++)
            {
                var wi = V.Load(ref Unsafe.Add(ref w, i * c));
                ref float xi = ref Unsafe.Add(ref first, Unsafe.Add(ref offsets, i));
                a0 = V.MultiplyAdd(V.Create(xi), wi, a0);
                a1 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, s)), wi, a1);
                a2 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 2 * s)), wi, a2);
                a3 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 3 * s)), wi, a3);
                a4 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 4 * s)), wi, a4);
                a5 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 5 * s)), wi, a5);
                a6 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 6 * s)), wi, a6);
                a7 = V.MultiplyAdd(V.Create(Unsafe.Add(ref xi, 7 * s)), wi, a7);
            }
            ref float d = ref Unsafe.Add(ref row, p * c);
            V.Store(a0, ref d);
            V.Store(a1, ref Unsafe.Add(ref d, c));
            V.Store(a2, ref Unsafe.Add(ref d, 2 * c));
            V.Store(a3, ref Unsafe.Add(ref d, 3 * c));
            V.Store(a4, ref Unsafe.Add(ref d, 4 * c));
            V.Store(a5, ref Unsafe.Add(ref d, 5 * c));
            V.Store(a6, ref Unsafe.Add(ref d, 6 * c));
            V.Store(a7, ref Unsafe.Add(ref d, 7 * c));
            if (p == width - Pixels)
            {
                p = width;
                break;
            }
        }
        for (; p < width; p++)
        {
            var a = b;
            ref float first = ref Unsafe.Add(ref xRow, p * s);
            for (int i = 0; i < k; i++)
                a = V.MultiplyAdd(V.Create(Unsafe.Add(ref first, Unsafe.Add(ref offsets, i))), V.Load(ref Unsafe.Add(ref w, i * c)), a);
            V.Store(a, ref Unsafe.Add(ref row, p * c));
        }
    }

    /// <summary>
    /// A [M][K] weight matrix and M biases regrouped per block of <paramref name="lanes"/> output channels:
    /// weights [block][k][lane], biases [block][lane], zeros past the last channel.
    /// </summary>
    public static (float[] Weights, float[] Bias) Pack(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outChannels, int inChannels,
        int lanes)
    {
        int blocks = (outChannels + lanes - 1) / lanes;
        var w = new float[blocks * inChannels * lanes];
        var b = new float[blocks * lanes];
        for (int m = 0; m < outChannels; m++)
        {
            int block = m / lanes, lane = m % lanes;
            if (bias.Length > 0) b[block * lanes + lane] = bias[m];
            for (int k = 0; k < inChannels; k++) w[(block * inChannels + k) * lanes + lane] = weights[m * inChannels + k];
        }
        return (w, b);
    }
}
