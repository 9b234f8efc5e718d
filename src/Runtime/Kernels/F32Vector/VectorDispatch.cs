using System.Runtime.Intrinsics;
using Cnnrt.Kernels.Reference;
using Cnnrt.Operators;

namespace Cnnrt.Kernels.F32Vector;

/// <summary>Builds something (a step, a kernel object) from code generic over the vector width.</summary>
public interface IVectorFactory<out TResult> where TResult : class
{
    TResult? Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct;
}

/// <summary>Builds something from code generic over the vector width and an activation applied at the store.</summary>
public interface IActivatedFactory<out TResult> where TResult : class
{
    TResult? Create<V, TVec, TAct>(TAct activation)
        where V : struct, IF32Vector<TVec> where TVec : struct where TAct : struct, IVectorActivation;
}

/// <summary>Builds a step from a kernel generic over the vector width; implemented by each fast operator's factory.</summary>
public interface IVectorStepFactory : IVectorFactory<Step>;

/// <summary>Builds a step from a kernel generic over the vector width and an activation applied at the store.</summary>
public interface IActivatedStepFactory : IActivatedFactory<Step>;

/// <summary>
/// Turns the plan's <see cref="KernelIsa"/> (and activation) into the type arguments of a generic kernel, once, at plan
/// time. <see cref="KernelIsa.Reference"/> yields null: the operator then builds its reference step.
/// </summary>
public static class VectorDispatch
{
    public static Step? Create<TFactory>(KernelIsa isa, TFactory factory) where TFactory : IVectorStepFactory =>
        Build<Step, TFactory>(isa, factory);

    /// <summary>With a Conv/Gemm's fused activation.</summary>
    public static Step? Create<TFactory>(KernelIsa isa, FusedActivation activation, TFactory factory) where TFactory : IActivatedStepFactory =>
        Build<Step, TFactory>(isa, activation, factory);

    /// <summary>What <paramref name="factory"/> builds on <paramref name="isa"/>'s vectors; null on the reference path.</summary>
    public static TResult? Build<TResult, TFactory>(KernelIsa isa, TFactory factory)
        where TResult : class where TFactory : IVectorFactory<TResult> => isa switch
    {
        KernelIsa.Vector128 => factory.Create<F32Vector128, Vector128<float>>(),
        KernelIsa.Avx2 => factory.Create<F32Vector256, Vector256<float>>(),
        KernelIsa.Avx512 => factory.Create<F32Vector512, Vector512<float>>(),
        _ => null,
    };

    /// <summary>What <paramref name="factory"/> builds with <paramref name="activation"/>; null on the reference path
    /// and for activations without a vector form.</summary>
    public static TResult? Build<TResult, TFactory>(KernelIsa isa, FusedActivation activation, TFactory factory)
        where TResult : class where TFactory : IActivatedFactory<TResult> =>
        Build<TResult, Fused<TResult, TFactory>>(isa, new Fused<TResult, TFactory>(activation, factory));

    /// <summary>
    /// With the activation a standalone unary operator computes (its reference operator struct, attributes included);
    /// null for functions without a vector form (the reference step is kept).
    /// </summary>
    public static Step? CreateForUnary<TFactory, TOp>(KernelIsa isa, TOp op, TFactory factory)
        where TFactory : IActivatedStepFactory where TOp : struct, IUnaryOp<float> =>
        Create(isa, new Unary<TFactory>(op, factory));

    private readonly struct Fused<TResult, TFactory>(FusedActivation a, TFactory f) : IVectorFactory<TResult>
        where TResult : class where TFactory : IActivatedFactory<TResult>
    {
        public TResult? Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct => a.Kind switch
        {
            ActivationKind.None => f.Create<V, TVec, IdentityActivation>(default),
            ActivationKind.Relu => f.Create<V, TVec, ReluActivation>(default),
            ActivationKind.LeakyRelu => f.Create<V, TVec, LeakyReluActivation>(new(a.Alpha)),
            ActivationKind.Clip => f.Create<V, TVec, ClipActivation>(new(a.Alpha, a.Beta)),
            ActivationKind.Sigmoid => f.Create<V, TVec, SigmoidActivation>(default),
            ActivationKind.HardSigmoid => f.Create<V, TVec, HardSigmoidActivation>(new(a.Alpha, a.Beta)),
            ActivationKind.HardSwish => f.Create<V, TVec, HardSwishActivation>(default),
            ActivationKind.Tanh => f.Create<V, TVec, TanhActivation>(default),
            ActivationKind.Swish => f.Create<V, TVec, SwishActivation>(default),
            ActivationKind.HardSigmoidGate => f.Create<V, TVec, HardSigmoidGateActivation>(new(a.Alpha, a.Beta)),
            _ => null,
        };
    }

    private readonly struct Unary<TFactory>(object op, TFactory f) : IVectorStepFactory where TFactory : IActivatedStepFactory
    {
        public Step? Create<V, TVec>() where V : struct, IF32Vector<TVec> where TVec : struct => op switch
        {
            NumericUnaryOp<float, Relu> => f.Create<V, TVec, ReluActivation>(default),
            LeakyReluOp l => f.Create<V, TVec, LeakyReluActivation>(new(l.Alpha)),
            ClipOp<float> c => f.Create<V, TVec, ClipActivation>(new(c.Lo, c.Hi)),
            SigmoidOp => f.Create<V, TVec, SigmoidActivation>(default),
            TanhOp => f.Create<V, TVec, TanhActivation>(default),
            HardSigmoidOp h => f.Create<V, TVec, HardSigmoidActivation>(new(h.Alpha, h.Beta)),
            HardSwishOp => f.Create<V, TVec, HardSwishActivation>(default),
            EluOp e => f.Create<V, TVec, EluActivation>(new(e.Alpha)),
            SoftplusOp => f.Create<V, TVec, SoftplusActivation>(default),
            ExpOp => f.Create<V, TVec, ExpActivation>(default),
            _ => null,
        };
    }
}
