using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.F32Elementwise;
using Cnnrt.Kernels.F32Winograd;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX Conv (opset 1/11; same semantics): X [N, C, spatial...] ⋆ W [M, C/group, kernel...] + B [M], 1-D to 3-D, with
/// any fused activation applied as each output is stored. On a fast ISA path, 1-D/2-D non-depthwise convolutions with
/// constant W (and B) run as a packed GEMM (<see cref="F32ConvGemm"/>), or as Winograd F(4×4, 3×3) for the 3×3 stride-1
/// ones <see cref="WinogradPolicy"/> picks; otherwise the reference kernel reads W and B
/// from their slots on every run, so they may be runtime tensors (as in ONNX's node tests).
/// </summary>
public sealed class ConvOperator : Operator, IWindowedOperator, IChannelBlockedOperator
{
    private readonly WindowAttributes window;
    private readonly int group;
    private readonly FusedActivation activation;

    public ConvOperator(Node node, int opset) : base(node, opset)
    {
        window = new WindowAttributes(node, kernelRequired: false, hasCeilMode: false);
        long g = node.GetInt("group", 1);
        if (g < 1 || g > int.MaxValue) throw Error($"group {g} must be a positive integer");
        group = (int)g;
        activation = FusedActivation.FromNode(node);
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var geometry = ResolveWindow(inputs);
        var x = inputs[0]!;
        int m = inputs[1]!.Shape[0];
        var shape = new int[x.Rank];
        shape[0] = x.Shape[0];
        shape[1] = m;
        geometry.OutputDims().CopyTo(shape, 2);
        ShapeMath.Count(shape, $"{Where}: output");
        return [new ValueInfo(DataType.Float, shape)];
    }

    /// <summary>Validates X, W and B against each other and the attributes, and resolves the window.</summary>
    public SpatialParams ResolveWindow(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 3);
        var x = Required(inputs, 0);
        var w = Required(inputs, 1);
        ExpectFloat(x, 0);
        ExpectFloat(w, 1);
        if (x.Rank > 5) throw NotSupported($"input 0 has shape {ShapeMath.Format(x.Shape)}; only 1-D, 2-D and 3-D convolutions are supported");
        ExpectRank(x, 0, 3, 5);
        if (w.Rank != x.Rank)
            throw Error($"weights W {ShapeMath.Format(w.Shape)} must have the rank of X {ShapeMath.Format(x.Shape)}");
        int c = x.Shape[1], m = w.Shape[0];
        if (m % group != 0) throw Error($"{m} output channels (W {ShapeMath.Format(w.Shape)}) are not divisible by group {group}");
        if ((long)w.Shape[1] * group != c)
            throw Error($"X has {c} channels but W {ShapeMath.Format(w.Shape)} with group {group} expects {(long)w.Shape[1] * group}");
        var kernel = w.Shape.AsSpan(2);
        if (window.KernelShape is { } ks && !kernel.SequenceEqual(ks))
            throw Error($"kernel_shape [{string.Join(",", ks)}] does not match W {ShapeMath.Format(w.Shape)}");
        if (inputs.Length > 2 && inputs[2] is { } b)
        {
            ExpectFloat(b, 2);
            if (b.Rank != 1 || b.Shape[0] != m)
                throw Error($"bias B has shape {ShapeMath.Format(b.Shape)}; expected [{m}] (one per output channel)");
        }
        return window.Resolve(x.Shape.AsSpan(2), kernel);
    }

    /// <summary>Whether the planner may fold a residual Add after this Conv into it: not when it already applies an
    /// activation, which would then come before the Add.</summary>
    public bool CanTakeResidual => activation.Kind == ActivationKind.None;

    /// <summary>
    /// Whether this Conv's step on <paramref name="isa"/> would take <paramref name="maxPool"/> over its tiles at no
    /// loss (<see cref="F32ConvGemmStep.PoolsInTiles"/>): a 2-D convolution on the packed-GEMM path (constant
    /// weights, not depthwise, not Winograd), whose pixel-major lowering then costs no more than running the pool after it.
    /// </summary>
    public bool PoolsInTiles(ValueInfo?[] inputs, KernelIsa isa, TileMaxPool maxPool) =>
        GemmPath(inputs, isa) is { } gemm && F32ConvGemmStep.PoolsInTiles(gemm.Kernel, gemm.Layout, gemm.OutChannels, maxPool);

    /// <summary>
    /// Whether the planner may fold the pointwise Conv before this one into it (<see cref="Planning.ExpandFusion"/>):
    /// this is a depthwise Conv whose step on <paramref name="isa"/> streams its input rows
    /// (<see cref="Kernels.F32Depthwise.F32DepthwiseConv.TakesExpansion"/>).
    /// </summary>
    public bool TakesExpansion(ValueInfo?[] inputs, KernelIsa isa) =>
        Kernels.F32Depthwise.F32DepthwiseConv.Applies(inputs, isa, group)
        && Kernels.F32Depthwise.F32DepthwiseConv.TakesExpansion(ResolveWindow(inputs), isa);

    /// <summary>
    /// This Conv as a <see cref="PointwiseExpansion"/> of <paramref name="x"/> (stored in blocks of
    /// <paramref name="xLanes"/> channels, 0 for NCHW), or null where it is not one: 2-D, 1×1, stride 1, no padding, one
    /// group, weights and bias known at plan time.
    /// </summary>
    public PointwiseExpansion? AsExpansion(ValueInfo?[] inputs, Slot x, int xLanes)
    {
        if (!IsExpansion(inputs)) return null;
        var bias = inputs.Length > 2 && inputs[2] is { Constant: { } b } ? b.Floats.ToArray() : [];
        return new PointwiseExpansion(x, inputs[0]!, xLanes, inputs[1]!.Constant!.Floats.ToArray(), bias, activation);
    }

    /// <summary>Whether <see cref="AsExpansion"/> gives one.</summary>
    public bool IsExpansion(ValueInfo?[] inputs) =>
        group == 1 && inputs.Length >= 2 && inputs[0] is { Rank: 4 } && inputs[1] is { Constant: not null }
        && !(inputs.Length > 2 && inputs[2] is { Constant: null })
        && ResolveWindow(inputs).Axes.All(a => a is { Kernel: 1, Stride: 1, Dilation: 1, PadBegin: 0, PadEnd: 0 });

    public bool WritesChannelBlocked(ValueInfo?[] inputs, KernelIsa isa) => TakesChannelBlocked(inputs, isa, input: false);

    public bool ReadsChannelBlocked(ValueInfo?[] inputs, KernelIsa isa, int input) => input == 0 && TakesChannelBlocked(inputs, isa, input: true);

    /// <summary>
    /// Whether this Conv's step on <paramref name="isa"/> takes a channel-blocked input (or output): the depthwise
    /// whole-plane channel-block step (both sides), or a one-group GEMM that lowers pixel-major anyway (output), or a
    /// stride-1 unpadded pointwise one read in place whose pixel-major lowering wins once the transpose that an NCHW
    /// input would cost its producer is counted (input; <see cref="F32ConvGemmStep.PrefersPixelMajor"/>).
    /// Not Winograd or the reference path, and not a 1-D convolution.
    /// </summary>
    private bool TakesChannelBlocked(ValueInfo?[] inputs, KernelIsa isa, bool input)
    {
        if (inputs.Length < 2 || inputs[0] is not { Rank: 4 }) return false;
        if (Kernels.F32Depthwise.F32DepthwiseConv.Applies(inputs, isa, group))
            return Kernels.F32Depthwise.F32DepthwiseConv.TakesChannelBlocked(ResolveWindow(inputs), isa);
        if (group != 1 || GemmPath(inputs, isa) is not { } gemm || gemm.Kernel.Columns % ChannelBlockedLayout.Lanes(isa) != 0) return false;
        return input
            ? F32ConvPixelGemm.ReadsBlocked(gemm.Layout) && F32ConvGemmStep.PrefersPixelMajor(gemm.Kernel, gemm.Layout, gemm.OutChannels, readsBlocked: true)
            : F32ConvGemmStep.PrefersPixelMajor(gemm.Kernel, gemm.Layout, gemm.OutChannels);
    }

    /// <summary>The kernel and geometry of this 2-D Conv's packed-GEMM step on <paramref name="isa"/> (constant
    /// weights, not depthwise, not Winograd), for plan-time questions; null where another step runs it.</summary>
    private (F32GemmKernel Kernel, ConvPhaseLayout Layout, int OutChannels)? GemmPath(ValueInfo?[] inputs, KernelIsa isa)
    {
        if (isa == KernelIsa.Reference || inputs.Length < 2 || inputs[0] is not { Rank: 4 } x || inputs[1] is not { } w) return null;
        var b = inputs.Length > 2 ? inputs[2] : null;
        bool constantWeights = w.IsConstant && (b is null || b.IsConstant);
        var geometry = ResolveWindow(inputs);
        int channels = x.Shape[1], outChannels = w.Shape[0];
        if (!F32ConvGemmStep.Handles(geometry, channels, outChannels, group, constantWeights)
            || WinogradPolicy.KernelFor(geometry, group, channels, outChannels, isa, WinogradPolicy.Mode) is not null) return null;
        var layout = new ConvPhaseLayout(x.Shape[0], channels, group, geometry, 0, allocateStaging: false);
        return (F32GemmKernel.For(isa, activation.Kind), layout, outChannels);
    }

    /// <summary>The GEMM and Winograd steps apply a folded residual (<see cref="StepContext.Residual"/>) tile by tile;
    /// the depthwise and reference steps are followed by it over their whole output (<see cref="WithResidual"/>). A
    /// fused MaxPool (<see cref="StepContext.MaxPool"/>, which the planner set only where <see cref="PoolsInTiles"/>
    /// said yes) is taken by the GEMM step.</summary>
    public override Step CreateStep(StepContext context)
    {
        var maxPool = context.MaxPool;
        bool blocked = context.InputLanesOf(0) > 0 || context.OutputLanes > 0;
        if (maxPool is null && Kernels.F32Depthwise.F32DepthwiseConv.TryCreateStep(this, context, group, activation) is { } depthwise)
            return WithResidual(depthwise, context);
        var geometry = ResolveWindow(context.InputInfos);
        var x = context.InputInfos[0]!;
        var w = context.InputInfos[1]!;
        var b = context.InputInfos.Length > 2 ? context.InputInfos[2] : null;
        bool constantWeights = w.IsConstant && (b is null || b.IsConstant);
        // For the fast steps below, which apply it tile by tile.
        var residual = context.Residual?.Values ?? default;
        var residualRuns = context.Residual is { } fold && context.Isa != KernelIsa.Reference ? ResidualRuns.For(context.Isa, fold.Activation) : null;
        if (maxPool is null && !blocked && constantWeights
            && WinogradPolicy.KernelFor(geometry, group, x.Shape[1], w.Shape[0], context.Isa, WinogradPolicy.Mode) is { } winograd)
            return F32WinogradStep.Create(winograd, Node.Name, Node.OpType, context.Inputs[0], context.Outputs[0],
                x.Shape[0], x.Shape[1], w.Shape[0], geometry, w.Constant!.Floats, b?.Constant!.Floats ?? [], activation, context.Pool,
                residual: residual, residualRuns: residualRuns, scratch: context.Scratch);
        if (context.Isa != KernelIsa.Reference
            && F32ConvGemmStep.Handles(geometry, x.Shape[1], w.Shape[0], group, constantWeights))
            return F32ConvGemmStep.Create(F32GemmKernel.For(context.Isa, activation.Kind), Node.Name, Node.OpType,
                context.Inputs[0], context.Outputs[0], x.Shape[0], x.Shape[1], w.Shape[0], group, geometry,
                w.Constant!.Floats, b?.Constant!.Floats ?? [], activation, pool: context.Pool, residual: residual, residualRuns: residualRuns,
                maxPool: maxPool, inputLanes: context.InputLanesOf(0), outputLanes: context.OutputLanes, scratch: context.Scratch);
        if (maxPool is not null || blocked)
            throw new InvalidOperationException($"{Where}: the planner fused a MaxPool or gave a channel-blocked value this Conv cannot take"); // planner invariant
        return WithResidual(new ConvStep
        {
            NodeName = Node.Name, OpType = Node.OpType,
            X = context.Inputs[0], W = context.Inputs[1], B = context.Inputs.Length > 2 ? context.Inputs[2] : default,
            Y = context.Outputs[0],
            Batch = x.Shape[0], InChannels = x.Shape[1], OutChannels = context.InputInfos[1]!.Shape[0], Group = group,
            Geometry = geometry, Activation = activation,
        }, context);
    }

    /// <summary>A step whose kernel does not apply a folded residual itself, followed by it over its whole output.</summary>
    private static Step WithResidual(Step step, StepContext context) => context.Residual is { } residual
        ? new ResidualEpilogue(context.Isa, step, context.Outputs[0], residual, context.Pool) { NodeName = step.NodeName, OpType = step.OpType }
        : step;

    private sealed class ConvStep : Step
    {
        public Slot X, W, B, Y;
        public int Batch, InChannels, OutChannels, Group;
        public required SpatialParams Geometry;
        public FusedActivation Activation;

        public override void Run() => ConvReference.Conv(X.ReadOnly, W.ReadOnly, B.ReadOnly, Y.Span,
            Batch, InChannels, OutChannels, Group, Geometry, Activation);
    }
}
