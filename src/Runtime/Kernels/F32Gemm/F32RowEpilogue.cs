using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Gemm;

/// <summary>
/// Bias and fused activation over one output row of a fully-connected step, a vector at a time with the micro-kernels'
/// tile activations (a scalar pass with the reference formula cost LeNet-5's 400→120 Gemm+Tanh more than its GEMV);
/// the last partial vector goes through a one-vector buffer on the stack, so nothing is read or written past the row.
/// </summary>
public static unsafe class F32RowEpilogue
{
    /// <summary>y[j] = act(y[j] + bias[j]) for j &lt; n; bias may be null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOps, TVec, TAct>(float* y, float* bias, int n, float alpha, float beta)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged where TAct : unmanaged, IF32TileActivation
    {
        TVec va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        int v = TOps.Count, i = 0;
        for (; i + v <= n; i += v)
        {
            TVec x = bias == null ? TOps.Load(y + i) : TOps.Add(TOps.Load(y + i), TOps.Load(bias + i));
            TOps.Store(y + i, TAct.Apply<TOps, TVec>(x, va, vb));
        }
        if (i == n) return;
        float* tail = stackalloc float[64]; // one vector of any width; the lanes past the row are computed and dropped
        int rest = n - i;
        for (int j = 0; j < rest; j++) tail[j] = bias == null ? y[i + j] : y[i + j] + bias[i + j];
        TOps.Store(tail, TAct.Apply<TOps, TVec>(TOps.Load(tail), va, vb));
        for (int j = 0; j < rest; j++) y[i + j] = tail[j];
    }

    /// <summary>The instantiation for a fast path and activation.</summary>
    public static delegate*<float*, float*, int, float, float, void> For(KernelIsa isa, ActivationKind activation) => isa switch
    {
        KernelIsa.Vector128 => Create<F32Vector128, Vector128<float>>(activation),
        KernelIsa.Avx2 => Create<F32Vector256Avx2, Vector256<float>>(activation),
        KernelIsa.Avx512 => Create<F32Vector512Avx512, Vector512<float>>(activation),
        _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "the reference path has no row epilogue"),
    };

    private static delegate*<float*, float*, int, float, float, void> Create<TOps, TVec>(ActivationKind activation)
        where TOps : unmanaged, IF32Vector<TVec> where TVec : unmanaged => activation switch
    {
        ActivationKind.None => &Run<TOps, TVec, IdentityTile>,
        ActivationKind.Relu => &Run<TOps, TVec, ReluTile>,
        ActivationKind.Clip => &Run<TOps, TVec, ClipTile>,
        ActivationKind.LeakyRelu => &Run<TOps, TVec, LeakyReluTile>,
        ActivationKind.HardSigmoid => &Run<TOps, TVec, HardSigmoidTile>,
        ActivationKind.HardSwish => &Run<TOps, TVec, HardSwishTile>,
        ActivationKind.HardSigmoidGate => &Run<TOps, TVec, HardSigmoidGateTile>,
        ActivationKind.Sigmoid => &Run<TOps, TVec, SigmoidTile>,
        ActivationKind.Tanh => &Run<TOps, TVec, TanhTile>,
        ActivationKind.Swish => &Run<TOps, TVec, SwishTile>,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "no tile form"),
    };
}
