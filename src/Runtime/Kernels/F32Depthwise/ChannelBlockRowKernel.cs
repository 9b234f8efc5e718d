using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Kernels.F32Window;

namespace Cnnrt.Kernels.F32Depthwise;

/// <summary>
/// One output row of a <see cref="ChannelBlockRows"/> for the common kernel widths 3 and 5 at stride 1 or 2 without
/// dilation: eight output pixels at a time, and each input pixel of a kernel row loaded once for all the taps of
/// the eight windows that read it (10 loads for 24 FMAs at width 3, stride 1; 17 at stride 2) instead of once per tap
/// (24), with the kernel row's weights in registers. The general kernel was bound by its loads, two a cycle. Every
/// accumulator still adds its taps in the weights' order (kernel rows, then columns), so the results are the
/// general kernel's, bit for bit.
/// </summary>
internal static class ChannelBlockRowKernel
{
    /// <summary>Whether <see cref="TryCompute"/> has a kernel for this width, stride and dilation.</summary>
    public static bool Covers(int width, int stride, int dilation) => dilation == 1 && width is 3 or 5 && stride is 1 or 2;

    /// <summary>
    /// Computes the current output row (after <see cref="ChannelBlockRows.PrepareRow"/>) into
    /// <see cref="ChannelBlockRows.OutputRow"/>, or returns false where this shape has no kernel here or the row has
    /// fewer than eight pixels.
    /// </summary>
    /// <param name="weights">The block's weights, tap-major: tap t's lanes at t·Count.</param>
    /// <param name="bias">The block's biases, one vector.</param>
    public static bool TryCompute<V, TVec, TAct>(ChannelBlockRows rows, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        if (rows.OutW < 8 || !Covers(rows.KernelW, rows.StrideW, rows.DilationW)) return false;
        Row<V, TVec, TAct>(rows.KernelW, rows.StrideW, ref rows.Buffer,
            rows.RowOffsets, rows.OutW, weights, bias, activation,
            ref rows.OutputRow);
        return true;
    }

    /// <summary>
    /// Computes every output row of a whole transposed plane (<see cref="ChannelBlockPlane"/>) into its
    /// <see cref="ChannelBlockPlane.Output"/>, or returns false where the shape has no kernel here or rows have fewer than
    /// eight pixels. Planes too small to stream by rows (14×14, 28×28 with 16 lanes) then share the register-sharing
    /// kernel instead of loading every tap of every pixel.
    /// </summary>
    public static bool TryComputePlane<V, TVec, TAct>(ChannelBlockPlane plane, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        if (plane.OutW < 8 || !Covers(plane.KernelW, plane.StrideW, plane.DilationW)) return false;
        ref float src = ref plane.Buffer;
        ref float dst = ref plane.Output;
        ReadOnlySpan<int> rowOffsets = plane.RowOffsets;
        int kh = plane.KernelH;
        for (int oh = 0; oh < plane.OutH; oh++)
            Row<V, TVec, TAct>(plane.KernelW, plane.StrideW, ref src, rowOffsets.Slice(oh * kh, kh), plane.OutW, weights, bias, activation,
                ref Unsafe.Add(ref dst, oh * plane.OutW * V.Count));
        return true;
    }

    private static void Row<V, TVec, TAct>(int width, int stride, ref float src, ReadOnlySpan<int> rowOffsets, int outW,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, TAct activation, ref float dst)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
    {
        switch (width, stride)
        {
            case (3, 1): Row<V, TVec, TAct, Width3Stride1>(ref src, rowOffsets, outW, weights, bias, activation, ref dst); break;
            case (3, 2): Row<V, TVec, TAct, Width3Stride2>(ref src, rowOffsets, outW, weights, bias, activation, ref dst); break;
            case (5, 1): Row<V, TVec, TAct, Width5Stride1>(ref src, rowOffsets, outW, weights, bias, activation, ref dst); break;
            case (5, 2): Row<V, TVec, TAct, Width5Stride2>(ref src, rowOffsets, outW, weights, bias, activation, ref dst); break;
            default: throw new InvalidOperationException($"no row kernel for width {width}, stride {stride}: callers check Covers");
        }
    }

    /// <summary>One output row (kernel row kh's first window at src + rowOffsets[kh]) into outW pixel vectors at dst:
    /// eight at a time, the last eight shifted back to end at the row's end (they recompute a few pixels to the same
    /// values).</summary>
    private static void Row<V, TVec, TAct, TShape>(ref float src, ReadOnlySpan<int> rowOffsets, int outW, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, TAct activation, ref float dst)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation where TShape : struct, IEightPixels
    {
        int c = V.Count;
        weights = weights[..(rowOffsets.Length * TShape.Width * c)];
        ref float w = ref MemoryMarshal.GetReference(weights);
        var b = V.Load(ref MemoryMarshal.GetReference(bias[..c]));
        for (int ow = 0; ; ow += 8)
        {
            if (ow > outW - 8) ow = outW - 8;
            TShape.Eight<V, TVec, TAct>(ref Unsafe.Add(ref src, ow * TShape.Stride * c), rowOffsets, ref w, b, activation,
                ref Unsafe.Add(ref dst, ow * c));
            if (ow == outW - 8) return;
        }
    }

    /// <summary>Eight consecutive output pixels of one kernel shape.</summary>
    private interface IEightPixels
    {
        static abstract int Width { get; }
        static abstract int Stride { get; }

        /// <summary>
        /// The eight pixels whose first window starts at <paramref name="src"/> (plus each kernel row's offset), into
        /// eight consecutive vectors at <paramref name="dst"/>.
        /// </summary>
        static abstract void Eight<V, TVec, TAct>(ref float src, ReadOnlySpan<int> rowOffsets, ref float weights, TVec bias,
            TAct activation, ref float dst)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation;
    }

    /// <summary>Kernel width 3, stride 1: the eight windows span 10 input pixels of each kernel row.</summary>
    private readonly struct Width3Stride1 : IEightPixels
    {
        public static int Width => 3;
        public static int Stride => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Eight<V, TVec, TAct>(ref float src, ReadOnlySpan<int> rowOffsets, ref float weights, TVec bias,
            TAct activation, ref float dst)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            int c = V.Count;
            TVec a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            TVec x;
            for (int kh = 0; kh < rowOffsets.Length; kh++)
            {
                ref float r = ref Unsafe.Add(ref src, rowOffsets[kh]);
                ref float wr = ref Unsafe.Add(ref weights, kh * 3 * c);
                var w0 = V.Load(ref wr);
                var w1 = V.Load(ref Unsafe.Add(ref wr, 1 * c));
                var w2 = V.Load(ref Unsafe.Add(ref wr, 2 * c));
                x = V.Load(ref r);
                a0 = V.MultiplyAdd(x, w0, a0);
                x = V.Load(ref Unsafe.Add(ref r, 1 * c));
                a0 = V.MultiplyAdd(x, w1, a0);
                a1 = V.MultiplyAdd(x, w0, a1);
                x = V.Load(ref Unsafe.Add(ref r, 2 * c));
                a0 = V.MultiplyAdd(x, w2, a0);
                a1 = V.MultiplyAdd(x, w1, a1);
                a2 = V.MultiplyAdd(x, w0, a2);
                x = V.Load(ref Unsafe.Add(ref r, 3 * c));
                a1 = V.MultiplyAdd(x, w2, a1);
                a2 = V.MultiplyAdd(x, w1, a2);
                a3 = V.MultiplyAdd(x, w0, a3);
                x = V.Load(ref Unsafe.Add(ref r, 4 * c));
                a2 = V.MultiplyAdd(x, w2, a2);
                a3 = V.MultiplyAdd(x, w1, a3);
                a4 = V.MultiplyAdd(x, w0, a4);
                x = V.Load(ref Unsafe.Add(ref r, 5 * c));
                a3 = V.MultiplyAdd(x, w2, a3);
                a4 = V.MultiplyAdd(x, w1, a4);
                a5 = V.MultiplyAdd(x, w0, a5);
                x = V.Load(ref Unsafe.Add(ref r, 6 * c));
                a4 = V.MultiplyAdd(x, w2, a4);
                a5 = V.MultiplyAdd(x, w1, a5);
                a6 = V.MultiplyAdd(x, w0, a6);
                x = V.Load(ref Unsafe.Add(ref r, 7 * c));
                a5 = V.MultiplyAdd(x, w2, a5);
                a6 = V.MultiplyAdd(x, w1, a6);
                a7 = V.MultiplyAdd(x, w0, a7);
                x = V.Load(ref Unsafe.Add(ref r, 8 * c));
                a6 = V.MultiplyAdd(x, w2, a6);
                a7 = V.MultiplyAdd(x, w1, a7);
                x = V.Load(ref Unsafe.Add(ref r, 9 * c));
                a7 = V.MultiplyAdd(x, w2, a7);
            }
            V.Store(activation.Apply<V, TVec>(a0), ref dst);
            V.Store(activation.Apply<V, TVec>(a1), ref Unsafe.Add(ref dst, 1 * c));
            V.Store(activation.Apply<V, TVec>(a2), ref Unsafe.Add(ref dst, 2 * c));
            V.Store(activation.Apply<V, TVec>(a3), ref Unsafe.Add(ref dst, 3 * c));
            V.Store(activation.Apply<V, TVec>(a4), ref Unsafe.Add(ref dst, 4 * c));
            V.Store(activation.Apply<V, TVec>(a5), ref Unsafe.Add(ref dst, 5 * c));
            V.Store(activation.Apply<V, TVec>(a6), ref Unsafe.Add(ref dst, 6 * c));
            V.Store(activation.Apply<V, TVec>(a7), ref Unsafe.Add(ref dst, 7 * c));
        }
    }

    /// <summary>Kernel width 3, stride 2: the eight windows span 17 input pixels of each kernel row.</summary>
    private readonly struct Width3Stride2 : IEightPixels
    {
        public static int Width => 3;
        public static int Stride => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Eight<V, TVec, TAct>(ref float src, ReadOnlySpan<int> rowOffsets, ref float weights, TVec bias,
            TAct activation, ref float dst)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            int c = V.Count;
            TVec a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            TVec x;
            for (int kh = 0; kh < rowOffsets.Length; kh++)
            {
                ref float r = ref Unsafe.Add(ref src, rowOffsets[kh]);
                ref float wr = ref Unsafe.Add(ref weights, kh * 3 * c);
                var w0 = V.Load(ref wr);
                var w1 = V.Load(ref Unsafe.Add(ref wr, 1 * c));
                var w2 = V.Load(ref Unsafe.Add(ref wr, 2 * c));
                x = V.Load(ref r);
                a0 = V.MultiplyAdd(x, w0, a0);
                x = V.Load(ref Unsafe.Add(ref r, 1 * c));
                a0 = V.MultiplyAdd(x, w1, a0);
                x = V.Load(ref Unsafe.Add(ref r, 2 * c));
                a0 = V.MultiplyAdd(x, w2, a0);
                a1 = V.MultiplyAdd(x, w0, a1);
                x = V.Load(ref Unsafe.Add(ref r, 3 * c));
                a1 = V.MultiplyAdd(x, w1, a1);
                x = V.Load(ref Unsafe.Add(ref r, 4 * c));
                a1 = V.MultiplyAdd(x, w2, a1);
                a2 = V.MultiplyAdd(x, w0, a2);
                x = V.Load(ref Unsafe.Add(ref r, 5 * c));
                a2 = V.MultiplyAdd(x, w1, a2);
                x = V.Load(ref Unsafe.Add(ref r, 6 * c));
                a2 = V.MultiplyAdd(x, w2, a2);
                a3 = V.MultiplyAdd(x, w0, a3);
                x = V.Load(ref Unsafe.Add(ref r, 7 * c));
                a3 = V.MultiplyAdd(x, w1, a3);
                x = V.Load(ref Unsafe.Add(ref r, 8 * c));
                a3 = V.MultiplyAdd(x, w2, a3);
                a4 = V.MultiplyAdd(x, w0, a4);
                x = V.Load(ref Unsafe.Add(ref r, 9 * c));
                a4 = V.MultiplyAdd(x, w1, a4);
                x = V.Load(ref Unsafe.Add(ref r, 10 * c));
                a4 = V.MultiplyAdd(x, w2, a4);
                a5 = V.MultiplyAdd(x, w0, a5);
                x = V.Load(ref Unsafe.Add(ref r, 11 * c));
                a5 = V.MultiplyAdd(x, w1, a5);
                x = V.Load(ref Unsafe.Add(ref r, 12 * c));
                a5 = V.MultiplyAdd(x, w2, a5);
                a6 = V.MultiplyAdd(x, w0, a6);
                x = V.Load(ref Unsafe.Add(ref r, 13 * c));
                a6 = V.MultiplyAdd(x, w1, a6);
                x = V.Load(ref Unsafe.Add(ref r, 14 * c));
                a6 = V.MultiplyAdd(x, w2, a6);
                a7 = V.MultiplyAdd(x, w0, a7);
                x = V.Load(ref Unsafe.Add(ref r, 15 * c));
                a7 = V.MultiplyAdd(x, w1, a7);
                x = V.Load(ref Unsafe.Add(ref r, 16 * c));
                a7 = V.MultiplyAdd(x, w2, a7);
            }
            V.Store(activation.Apply<V, TVec>(a0), ref dst);
            V.Store(activation.Apply<V, TVec>(a1), ref Unsafe.Add(ref dst, 1 * c));
            V.Store(activation.Apply<V, TVec>(a2), ref Unsafe.Add(ref dst, 2 * c));
            V.Store(activation.Apply<V, TVec>(a3), ref Unsafe.Add(ref dst, 3 * c));
            V.Store(activation.Apply<V, TVec>(a4), ref Unsafe.Add(ref dst, 4 * c));
            V.Store(activation.Apply<V, TVec>(a5), ref Unsafe.Add(ref dst, 5 * c));
            V.Store(activation.Apply<V, TVec>(a6), ref Unsafe.Add(ref dst, 6 * c));
            V.Store(activation.Apply<V, TVec>(a7), ref Unsafe.Add(ref dst, 7 * c));
        }
    }

    /// <summary>Kernel width 5, stride 1: the eight windows span 12 input pixels of each kernel row.</summary>
    private readonly struct Width5Stride1 : IEightPixels
    {
        public static int Width => 5;
        public static int Stride => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Eight<V, TVec, TAct>(ref float src, ReadOnlySpan<int> rowOffsets, ref float weights, TVec bias,
            TAct activation, ref float dst)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            int c = V.Count;
            TVec a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            TVec x;
            for (int kh = 0; kh < rowOffsets.Length; kh++)
            {
                ref float r = ref Unsafe.Add(ref src, rowOffsets[kh]);
                ref float wr = ref Unsafe.Add(ref weights, kh * 5 * c);
                var w0 = V.Load(ref wr);
                var w1 = V.Load(ref Unsafe.Add(ref wr, 1 * c));
                var w2 = V.Load(ref Unsafe.Add(ref wr, 2 * c));
                var w3 = V.Load(ref Unsafe.Add(ref wr, 3 * c));
                var w4 = V.Load(ref Unsafe.Add(ref wr, 4 * c));
                x = V.Load(ref r);
                a0 = V.MultiplyAdd(x, w0, a0);
                x = V.Load(ref Unsafe.Add(ref r, 1 * c));
                a0 = V.MultiplyAdd(x, w1, a0);
                a1 = V.MultiplyAdd(x, w0, a1);
                x = V.Load(ref Unsafe.Add(ref r, 2 * c));
                a0 = V.MultiplyAdd(x, w2, a0);
                a1 = V.MultiplyAdd(x, w1, a1);
                a2 = V.MultiplyAdd(x, w0, a2);
                x = V.Load(ref Unsafe.Add(ref r, 3 * c));
                a0 = V.MultiplyAdd(x, w3, a0);
                a1 = V.MultiplyAdd(x, w2, a1);
                a2 = V.MultiplyAdd(x, w1, a2);
                a3 = V.MultiplyAdd(x, w0, a3);
                x = V.Load(ref Unsafe.Add(ref r, 4 * c));
                a0 = V.MultiplyAdd(x, w4, a0);
                a1 = V.MultiplyAdd(x, w3, a1);
                a2 = V.MultiplyAdd(x, w2, a2);
                a3 = V.MultiplyAdd(x, w1, a3);
                a4 = V.MultiplyAdd(x, w0, a4);
                x = V.Load(ref Unsafe.Add(ref r, 5 * c));
                a1 = V.MultiplyAdd(x, w4, a1);
                a2 = V.MultiplyAdd(x, w3, a2);
                a3 = V.MultiplyAdd(x, w2, a3);
                a4 = V.MultiplyAdd(x, w1, a4);
                a5 = V.MultiplyAdd(x, w0, a5);
                x = V.Load(ref Unsafe.Add(ref r, 6 * c));
                a2 = V.MultiplyAdd(x, w4, a2);
                a3 = V.MultiplyAdd(x, w3, a3);
                a4 = V.MultiplyAdd(x, w2, a4);
                a5 = V.MultiplyAdd(x, w1, a5);
                a6 = V.MultiplyAdd(x, w0, a6);
                x = V.Load(ref Unsafe.Add(ref r, 7 * c));
                a3 = V.MultiplyAdd(x, w4, a3);
                a4 = V.MultiplyAdd(x, w3, a4);
                a5 = V.MultiplyAdd(x, w2, a5);
                a6 = V.MultiplyAdd(x, w1, a6);
                a7 = V.MultiplyAdd(x, w0, a7);
                x = V.Load(ref Unsafe.Add(ref r, 8 * c));
                a4 = V.MultiplyAdd(x, w4, a4);
                a5 = V.MultiplyAdd(x, w3, a5);
                a6 = V.MultiplyAdd(x, w2, a6);
                a7 = V.MultiplyAdd(x, w1, a7);
                x = V.Load(ref Unsafe.Add(ref r, 9 * c));
                a5 = V.MultiplyAdd(x, w4, a5);
                a6 = V.MultiplyAdd(x, w3, a6);
                a7 = V.MultiplyAdd(x, w2, a7);
                x = V.Load(ref Unsafe.Add(ref r, 10 * c));
                a6 = V.MultiplyAdd(x, w4, a6);
                a7 = V.MultiplyAdd(x, w3, a7);
                x = V.Load(ref Unsafe.Add(ref r, 11 * c));
                a7 = V.MultiplyAdd(x, w4, a7);
            }
            V.Store(activation.Apply<V, TVec>(a0), ref dst);
            V.Store(activation.Apply<V, TVec>(a1), ref Unsafe.Add(ref dst, 1 * c));
            V.Store(activation.Apply<V, TVec>(a2), ref Unsafe.Add(ref dst, 2 * c));
            V.Store(activation.Apply<V, TVec>(a3), ref Unsafe.Add(ref dst, 3 * c));
            V.Store(activation.Apply<V, TVec>(a4), ref Unsafe.Add(ref dst, 4 * c));
            V.Store(activation.Apply<V, TVec>(a5), ref Unsafe.Add(ref dst, 5 * c));
            V.Store(activation.Apply<V, TVec>(a6), ref Unsafe.Add(ref dst, 6 * c));
            V.Store(activation.Apply<V, TVec>(a7), ref Unsafe.Add(ref dst, 7 * c));
        }
    }

    /// <summary>Kernel width 5, stride 2: the eight windows span 19 input pixels of each kernel row.</summary>
    private readonly struct Width5Stride2 : IEightPixels
    {
        public static int Width => 5;
        public static int Stride => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Eight<V, TVec, TAct>(ref float src, ReadOnlySpan<int> rowOffsets, ref float weights, TVec bias,
            TAct activation, ref float dst)
            where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation
        {
            int c = V.Count;
            TVec a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
            TVec x;
            for (int kh = 0; kh < rowOffsets.Length; kh++)
            {
                ref float r = ref Unsafe.Add(ref src, rowOffsets[kh]);
                ref float wr = ref Unsafe.Add(ref weights, kh * 5 * c);
                var w0 = V.Load(ref wr);
                var w1 = V.Load(ref Unsafe.Add(ref wr, 1 * c));
                var w2 = V.Load(ref Unsafe.Add(ref wr, 2 * c));
                var w3 = V.Load(ref Unsafe.Add(ref wr, 3 * c));
                var w4 = V.Load(ref Unsafe.Add(ref wr, 4 * c));
                x = V.Load(ref r);
                a0 = V.MultiplyAdd(x, w0, a0);
                x = V.Load(ref Unsafe.Add(ref r, 1 * c));
                a0 = V.MultiplyAdd(x, w1, a0);
                x = V.Load(ref Unsafe.Add(ref r, 2 * c));
                a0 = V.MultiplyAdd(x, w2, a0);
                a1 = V.MultiplyAdd(x, w0, a1);
                x = V.Load(ref Unsafe.Add(ref r, 3 * c));
                a0 = V.MultiplyAdd(x, w3, a0);
                a1 = V.MultiplyAdd(x, w1, a1);
                x = V.Load(ref Unsafe.Add(ref r, 4 * c));
                a0 = V.MultiplyAdd(x, w4, a0);
                a1 = V.MultiplyAdd(x, w2, a1);
                a2 = V.MultiplyAdd(x, w0, a2);
                x = V.Load(ref Unsafe.Add(ref r, 5 * c));
                a1 = V.MultiplyAdd(x, w3, a1);
                a2 = V.MultiplyAdd(x, w1, a2);
                x = V.Load(ref Unsafe.Add(ref r, 6 * c));
                a1 = V.MultiplyAdd(x, w4, a1);
                a2 = V.MultiplyAdd(x, w2, a2);
                a3 = V.MultiplyAdd(x, w0, a3);
                x = V.Load(ref Unsafe.Add(ref r, 7 * c));
                a2 = V.MultiplyAdd(x, w3, a2);
                a3 = V.MultiplyAdd(x, w1, a3);
                x = V.Load(ref Unsafe.Add(ref r, 8 * c));
                a2 = V.MultiplyAdd(x, w4, a2);
                a3 = V.MultiplyAdd(x, w2, a3);
                a4 = V.MultiplyAdd(x, w0, a4);
                x = V.Load(ref Unsafe.Add(ref r, 9 * c));
                a3 = V.MultiplyAdd(x, w3, a3);
                a4 = V.MultiplyAdd(x, w1, a4);
                x = V.Load(ref Unsafe.Add(ref r, 10 * c));
                a3 = V.MultiplyAdd(x, w4, a3);
                a4 = V.MultiplyAdd(x, w2, a4);
                a5 = V.MultiplyAdd(x, w0, a5);
                x = V.Load(ref Unsafe.Add(ref r, 11 * c));
                a4 = V.MultiplyAdd(x, w3, a4);
                a5 = V.MultiplyAdd(x, w1, a5);
                x = V.Load(ref Unsafe.Add(ref r, 12 * c));
                a4 = V.MultiplyAdd(x, w4, a4);
                a5 = V.MultiplyAdd(x, w2, a5);
                a6 = V.MultiplyAdd(x, w0, a6);
                x = V.Load(ref Unsafe.Add(ref r, 13 * c));
                a5 = V.MultiplyAdd(x, w3, a5);
                a6 = V.MultiplyAdd(x, w1, a6);
                x = V.Load(ref Unsafe.Add(ref r, 14 * c));
                a5 = V.MultiplyAdd(x, w4, a5);
                a6 = V.MultiplyAdd(x, w2, a6);
                a7 = V.MultiplyAdd(x, w0, a7);
                x = V.Load(ref Unsafe.Add(ref r, 15 * c));
                a6 = V.MultiplyAdd(x, w3, a6);
                a7 = V.MultiplyAdd(x, w1, a7);
                x = V.Load(ref Unsafe.Add(ref r, 16 * c));
                a6 = V.MultiplyAdd(x, w4, a6);
                a7 = V.MultiplyAdd(x, w2, a7);
                x = V.Load(ref Unsafe.Add(ref r, 17 * c));
                a7 = V.MultiplyAdd(x, w3, a7);
                x = V.Load(ref Unsafe.Add(ref r, 18 * c));
                a7 = V.MultiplyAdd(x, w4, a7);
            }
            V.Store(activation.Apply<V, TVec>(a0), ref dst);
            V.Store(activation.Apply<V, TVec>(a1), ref Unsafe.Add(ref dst, 1 * c));
            V.Store(activation.Apply<V, TVec>(a2), ref Unsafe.Add(ref dst, 2 * c));
            V.Store(activation.Apply<V, TVec>(a3), ref Unsafe.Add(ref dst, 3 * c));
            V.Store(activation.Apply<V, TVec>(a4), ref Unsafe.Add(ref dst, 4 * c));
            V.Store(activation.Apply<V, TVec>(a5), ref Unsafe.Add(ref dst, 5 * c));
            V.Store(activation.Apply<V, TVec>(a6), ref Unsafe.Add(ref dst, 6 * c));
            V.Store(activation.Apply<V, TVec>(a7), ref Unsafe.Add(ref dst, 7 * c));
        }

    }
}
