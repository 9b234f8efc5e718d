using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// y = op(a, b) over a broadcasting <see cref="LoopNest"/> (operands a, b, y), vectorized along the inner run where
/// it is contiguous in both inputs (equal shapes: one flat run), or contiguous in one and a repeated element in the
/// other (a scalar; a per-channel [1,C,1,1] or [C,1,1] operand against NCHW; the squeeze-excitation [N,C,1,1] scale
/// against [N,C,H,W]). Other inner strides run element by element. y may be a or b itself (the variadic fold),
/// since each element is read before it is written at the same index.
/// </summary>
public static class VectorBinaryKernel
{
    public static void Apply<V, TVec, TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, LoopNest nest)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        int n = nest.InnerCount, sa = nest.InnerStride(0), sb = nest.InnerStride(1), sy = nest.InnerStride(2);
        Span<int> index = stackalloc int[nest.Rank];
        var cursor = new LoopCursor(nest, index);
        while (cursor.MoveNext())
        {
            int oa = cursor[0], ob = cursor[1], oy = cursor[2];
            if (sy == 1 && sa == 1 && sb == 1)
                Both<V, TVec, TOp>(a.Slice(oa, n), b.Slice(ob, n), y.Slice(oy, n));
            else if (sy == 1 && sa == 1 && sb == 0)
                RightScalar<V, TVec, TOp>(a.Slice(oa, n), b[ob], y.Slice(oy, n));
            else if (sy == 1 && sa == 0 && sb == 1)
                LeftScalar<V, TVec, TOp>(a[oa], b.Slice(ob, n), y.Slice(oy, n));
            else
                for (int i = 0; i < n; i++) y[oy + i * sy] = TOp.Invoke(a[oa + i * sa], b[ob + i * sb]);
        }
    }

    /// <summary>y = op(a, b) over equal-length contiguous spans (a flat nest's one run).</summary>
    public static void Flat<V, TVec, TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp => Both<V, TVec, TOp>(a, b, y);

    private static void Both<V, TVec, TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        int n = y.Length, c = V.Count, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var r0 = TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i)), V.Load(ref Unsafe.Add(ref br, i)));
            var r1 = TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i + c)), V.Load(ref Unsafe.Add(ref br, i + c)));
            V.Store(r0, ref Unsafe.Add(ref yr, i));
            V.Store(r1, ref Unsafe.Add(ref yr, i + c));
        }
        for (; i <= n - c; i += c)
            V.Store(TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i)), V.Load(ref Unsafe.Add(ref br, i))), ref Unsafe.Add(ref yr, i));
        for (; i < n; i++) Unsafe.Add(ref yr, i) = TOp.Invoke(Unsafe.Add(ref ar, i), Unsafe.Add(ref br, i));
    }

    private static void RightScalar<V, TVec, TOp>(ReadOnlySpan<float> a, float b, Span<float> y)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        int n = y.Length, c = V.Count, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var bv = V.Create(b);
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var r0 = TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i)), bv);
            var r1 = TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i + c)), bv);
            V.Store(r0, ref Unsafe.Add(ref yr, i));
            V.Store(r1, ref Unsafe.Add(ref yr, i + c));
        }
        for (; i <= n - c; i += c)
            V.Store(TOp.Invoke<V, TVec>(V.Load(ref Unsafe.Add(ref ar, i)), bv), ref Unsafe.Add(ref yr, i));
        for (; i < n; i++) Unsafe.Add(ref yr, i) = TOp.Invoke(Unsafe.Add(ref ar, i), b);
    }

    private static void LeftScalar<V, TVec, TOp>(float a, ReadOnlySpan<float> b, Span<float> y)
        where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
    {
        int n = y.Length, c = V.Count, i = 0;
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var av = V.Create(a);
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var r0 = TOp.Invoke<V, TVec>(av, V.Load(ref Unsafe.Add(ref br, i)));
            var r1 = TOp.Invoke<V, TVec>(av, V.Load(ref Unsafe.Add(ref br, i + c)));
            V.Store(r0, ref Unsafe.Add(ref yr, i));
            V.Store(r1, ref Unsafe.Add(ref yr, i + c));
        }
        for (; i <= n - c; i += c)
            V.Store(TOp.Invoke<V, TVec>(av, V.Load(ref Unsafe.Add(ref br, i))), ref Unsafe.Add(ref yr, i));
        for (; i < n; i++) Unsafe.Add(ref yr, i) = TOp.Invoke(a, Unsafe.Add(ref br, i));
    }
}
