using System.Runtime.Intrinsics;
using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Tests.Kernels.F32Vector;

/// <summary>
/// The vector primitives that are not plain arithmetic, per width: the stride-2 deinterleave, powers of two built in
/// the exponent bits, the IEEE max/min, and the horizontal reductions.
/// </summary>
public class VectorOpsTests
{
    [Fact]
    public void DeinterleaveSplitsEvenAndOddElements()
    {
        Check<F32Vector128, Vector128<float>>();
        Check<F32Vector256, Vector256<float>>();
        Check<F32Vector512, Vector512<float>>();

        static void Check<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            int c = V.Count;
            var source = Enumerable.Range(0, 2 * c).Select(i => i + 0.5f).ToArray();
            V.Deinterleave(ref source[0], out var even, out var odd);
            var e = new float[c];
            var o = new float[c];
            V.Store(even, ref e[0]);
            V.Store(odd, ref o[0]);
            for (int i = 0; i < c; i++)
            {
                Assert.Equal(source[2 * i], e[i]);
                Assert.Equal(source[2 * i + 1], o[i]);
            }
        }
    }

    [Fact]
    public void TransposeSwapsLanesAndVectorsWithStrides()
    {
        Check<F32Vector128, Vector128<float>>();
        Check<F32Vector256, Vector256<float>>();
        Check<F32Vector512, Vector512<float>>();

        static void Check<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            // Strides wider than a vector (and different on each side), so a mixed-up stride shows.
            int c = V.Count, sourceStride = c + 3, destinationStride = 2 * c + 1;
            var source = Enumerable.Range(0, c * sourceStride).Select(i => i + 0.25f).ToArray();
            var destination = new float[c * destinationStride + 1];
            Array.Fill(destination, float.NaN);
            V.Transpose(ref source[0], sourceStride, ref destination[0], destinationStride);
            for (int j = 0; j < c; j++)
            {
                for (int i = 0; i < c; i++) Assert.Equal(source[i * sourceStride + j], destination[j * destinationStride + i]);
                for (int i = c; i < destinationStride && j * destinationStride + i < destination.Length; i++)
                    Assert.True(float.IsNaN(destination[j * destinationStride + i]), $"lane {i} of vector {j} written");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TransposeFirstColumnsStoresOnlyThoseColumns(int columns)
    {
        const int sourceStride = 5, destinationStride = 6;
        var source = Enumerable.Range(0, 4 * sourceStride).Select(i => i + 0.25f).ToArray();
        var destination = new float[4 * destinationStride];
        Array.Fill(destination, float.NaN);
        F32Vector128.TransposeFirstColumns(ref source[0], sourceStride, ref destination[0], destinationStride, columns);
        for (int j = 0; j < 4; j++)
        for (int i = 0; i < destinationStride; i++)
        {
            float value = destination[j * destinationStride + i];
            if (j < columns && i < 4) Assert.Equal(source[i * sourceStride + j], value);
            else Assert.True(float.IsNaN(value), $"lane {i} of vector {j} written");
        }
    }

    [Fact]
    public void TransposeOverlappingWindowsGathersSixColumnsOfFourWindowsFourApart()
    {
        // Window q is source[4q..4q+5]; past source[17] lies NaN, which no output may contain.
        var source = Enumerable.Range(0, 24).Select(i => i < 18 ? i + 0.5f : float.NaN).ToArray();
        const int stride = 7;
        var destination = new float[6 * stride];
        Array.Fill(destination, float.NaN);
        F32Vector128.TransposeOverlappingWindows(ref source[0], ref destination[0], stride);
        for (int j = 0; j < 6; j++)
        {
            for (int q = 0; q < 4; q++) Assert.Equal(source[4 * q + j], destination[j * stride + q]);
            for (int q = 4; q < stride; q++) Assert.True(float.IsNaN(destination[j * stride + q]), $"lane {q} of column {j} written");
        }
    }

    [Fact]
    public void Pow2CoversTheNormalExponents()
    {
        Check<F32Vector128, Vector128<float>>();
        Check<F32Vector256, Vector256<float>>();
        Check<F32Vector512, Vector512<float>>();

        static void Check<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            var r = new float[V.Count];
            for (int n = -126; n <= 127; n++)
            {
                V.Store(V.Pow2(V.Create(n)), ref r[0]);
                Assert.All(r, v => Assert.Equal(MathF.ScaleB(1f, n), v));
            }
        }
    }

    [Fact]
    public void MaxAndMinFollowMathMaxAndReductionsSeeEveryLane()
    {
        Check<F32Vector128, Vector128<float>>();
        Check<F32Vector256, Vector256<float>>();
        Check<F32Vector512, Vector512<float>>();

        static void Check<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct
        {
            float[] special = [float.NaN, 0f, -0f, 1f, -1f, float.PositiveInfinity, float.NegativeInfinity];
            var a = new float[V.Count];
            var b = new float[V.Count];
            var r = new float[V.Count];
            foreach (float p in special)
                foreach (float q in special)
                {
                    Array.Fill(a, p);
                    Array.Fill(b, q);
                    V.Store(V.Max(V.Load(ref a[0]), V.Load(ref b[0])), ref r[0]);
                    Assert.Equal(BitConverter.SingleToInt32Bits(Math.Max(p, q)) | (float.IsNaN(Math.Max(p, q)) ? -1 : 0),
                        BitConverter.SingleToInt32Bits(r[0]) | (float.IsNaN(r[0]) ? -1 : 0));
                    V.Store(V.Min(V.Load(ref a[0]), V.Load(ref b[0])), ref r[0]);
                    Assert.Equal(BitConverter.SingleToInt32Bits(Math.Min(p, q)) | (float.IsNaN(Math.Min(p, q)) ? -1 : 0),
                        BitConverter.SingleToInt32Bits(r[0]) | (float.IsNaN(r[0]) ? -1 : 0));
                }
            for (int lane = 0; lane < V.Count; lane++)
            {
                for (int i = 0; i < a.Length; i++) a[i] = i + 1;
                a[lane] = 1000f;
                Assert.Equal(1000f, V.MaxAcross(V.Load(ref a[0])));
                Assert.Equal(1000f + V.Count * (V.Count + 1) / 2 - (lane + 1), V.Sum(V.Load(ref a[0])));
            }
        }
    }
}
