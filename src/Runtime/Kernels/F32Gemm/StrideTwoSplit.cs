using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Splits a row into its even and odd elements: the column phases of a stride-2 convolution's staged input. A pure
/// copy, so it uses the widest shuffle the host has whatever the plan's kernel path (results are identical).
/// </summary>
public static unsafe class StrideTwoSplit
{
    /// <summary>even[i] = source[2i], odd[i] = source[2i + 1] for the elements of source[0, count); a null destination is skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* source, int count, float* even, float* odd)
    {
        // Widest first, then narrower vectors for the rest of the row (rows of 14 or 28 are common).
        int i = 0;
        if (Avx2.IsSupported)
        {
            for (; i + 16 <= count; i += 16)
            {
                // shuffle: [s0 s2 s8 s10 | s4 s6 s12 s14]; permute 64-bit pairs (0, 2, 1, 3) restores the order.
                Vector256<float> lo = Avx.LoadVector256(source + i), hi = Avx.LoadVector256(source + i + 8);
                if (even != null)
                    Avx.Store(even + i / 2, Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle());
                if (odd != null)
                    Avx.Store(odd + i / 2, Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle());
            }
        }
        if (Sse.IsSupported)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector128<float> lo = Sse.LoadVector128(source + i), hi = Sse.LoadVector128(source + i + 4);
                if (even != null) Sse.Store(even + i / 2, Sse.Shuffle(lo, hi, 0b10_00_10_00));
                if (odd != null) Sse.Store(odd + i / 2, Sse.Shuffle(lo, hi, 0b11_01_11_01));
            }
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector128<float> lo = AdvSimd.LoadVector128(source + i), hi = AdvSimd.LoadVector128(source + i + 4);
                if (even != null) AdvSimd.Store(even + i / 2, AdvSimd.Arm64.UnzipEven(lo, hi));
                if (odd != null) AdvSimd.Store(odd + i / 2, AdvSimd.Arm64.UnzipOdd(lo, hi));
            }
        }
        for (; i < count; i++)
        {
            float* dst = (i & 1) == 0 ? even : odd;
            if (dst != null) dst[i / 2] = source[i];
        }
    }
}
