using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Pool;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

public enum ReduceKind { Sum, Mean, Max }

/// <summary>
/// ReduceSum, ReduceMean, ReduceMax over a set of axes (all by default), keeping the reduced dimensions as 1 when
/// <c>keepdims</c> (default 1). The axes are the attribute <c>axes</c> before the opset where they became the optional
/// int64 input 1 (ReduceSum 13, the others 18); in that form an empty axes list with <c>noop_with_empty_axes</c> = 1
/// returns the input unchanged. Every numeric type is evaluated; integer means truncate.
/// </summary>
public sealed class ReduceOperator : ElementwiseOperator
{
    private readonly ReduceKind kind;
    private readonly bool axesAreInput;
    private readonly long[]? attributeAxes;
    private readonly bool keepDims;
    private readonly bool noopWithEmptyAxes;

    public ReduceOperator(Node node, int opset, ReduceKind kind, int axesInputSince) : base(node, opset)
    {
        this.kind = kind;
        axesAreInput = opset >= axesInputSince;
        keepDims = node.GetInt("keepdims", 1) != 0;
        if (axesAreInput)
        {
            if (node.Attr("axes") is not null)
                throw Error($"attribute 'axes' belongs to {node.OpType} before opset {axesInputSince}; from opset {axesInputSince} the axes are input 1");
            noopWithEmptyAxes = node.GetInt("noop_with_empty_axes", 0) != 0;
        }
        else attributeAxes = node.GetInts("axes");
    }

    public static Func<Node, int, Operator> Factory(ReduceKind kind, int axesInputSince) =>
        (node, opset) => new ReduceOperator(node, opset, kind, axesInputSince);

    /// <summary>What one input shape reduces: the axes mask (null: no-op), the output shape, the group size.</summary>
    private readonly record struct Reduction(bool[]? Reduced, int[] OutputShape, int GroupSize);

    private Reduction Resolve(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, axesAreInput ? 2 : 1);
        var x = Required(inputs, 0);
        ExpectNumeric(x, 0);
        long[]? axes = attributeAxes;
        if (axesAreInput && inputs.Length > 1 && inputs[1] is { } axesInfo)
        {
            if (axesInfo.Type != DataType.Int64 || axesInfo.Rank != 1)
                throw Error($"input 1 ('{Node.Inputs[1]}', the axes) is {axesInfo}; expected a 1-D int64 tensor");
            axes = ConstantInput(inputs, 1, "axes").Longs;
        }
        // Absent or empty axes: all of them, or none with noop_with_empty_axes.
        if (axes is { Length: 0 }) axes = null;
        if (axes is null && noopWithEmptyAxes) return new Reduction(null, x.Shape, 1);

        int rank = x.Rank;
        var reduced = new bool[rank];
        if (axes is null) Array.Fill(reduced, true);
        else
            foreach (long a in axes)
            {
                int d = ShapeMath.Axis(a, rank, Where);
                if (reduced[d]) throw Error($"axis {a} is listed twice in the axes [{string.Join(", ", axes)}]");
                reduced[d] = true;
            }

        var shape = new List<int>(rank);
        long group = 1;
        for (int d = 0; d < rank; d++)
        {
            if (!reduced[d]) shape.Add(x.Shape[d]);
            else
            {
                group *= x.Shape[d];
                if (keepDims) shape.Add(1);
            }
        }
        return new Reduction(reduced, [.. shape], (int)group);
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs) => [new ValueInfo(Required(inputs, 0).Type, Resolve(inputs).OutputShape)];

    public override Step CreateStep(StepContext context)
    {
        var r = Resolve(context.InputInfos);
        // A mean or max over the trailing axes (a global pool over H, W as ShuffleNet writes it) is one contiguous
        // reduction per leading index: the vector global-pool kernel.
        if (kind is ReduceKind.Mean or ReduceKind.Max && r.Reduced is { } reduced && ReducesTrailingAxes(reduced) && r.GroupSize > 0
            && F32PoolSteps.TryGlobalPool(context.Isa, kind == ReduceKind.Max, context.Inputs[0], context.Outputs[0],
                context.InputInfos[0]!.Count / r.GroupSize, r.GroupSize, Node.Name, Node.OpType) is { } pool)
            return pool;
        var nest = r.Reduced is null ? null : ReduceReference.Nest(context.InputInfos[0]!.Shape, r.Reduced);
        return new ReduceStep(kind, context.Inputs[0], context.Outputs[0], nest, r.GroupSize) { NodeName = Node.Name, OpType = Node.OpType };
    }

    private static bool ReducesTrailingAxes(bool[] reduced)
    {
        int first = Array.IndexOf(reduced, true);
        return first >= 0 && Array.IndexOf(reduced, false, first) < 0;
    }

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var infos = InfosOf(inputs);
        var r = Resolve(infos);
        var x = inputs[0]!;
        // The float step takes the axes from its infos, so every type, float32 included, evaluates here.
        var nest = r.Reduced is null ? null : ReduceReference.Nest(x.Shape, r.Reduced);
        return [ElementDispatch.Numeric(x.Type, new Typed(kind, x, (int[])r.OutputShape.Clone(), nest, r.GroupSize), Where)];
    }

    private static void Reduce<T>(ReduceKind kind, ReadOnlySpan<T> x, Span<T> y, LoopNest? nest, int groupSize) where T : INumber<T>
    {
        if (nest is null) { x.CopyTo(y); return; }
        switch (kind)
        {
            case ReduceKind.Sum: ReduceReference.Sum(x, y, nest); break;
            case ReduceKind.Mean: ReduceReference.Mean(x, y, nest, groupSize); break;
            case ReduceKind.Max: ReduceReference.Max(x, y, nest); break;
        }
    }

    private readonly struct Typed(ReduceKind kind, Tensor x, int[] shape, LoopNest? nest, int groupSize) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            var y = new T[ShapeMath.Count(shape)];
            Reduce<T>(kind, x.As<T>(), y, nest, groupSize);
            return Tensor.Create(shape, y);
        }
    }

    private sealed class ReduceStep(ReduceKind kind, Slot x, Slot y, LoopNest? nest, int groupSize) : Step
    {
        public override void Run() => Reduce<float>(kind, x.ReadOnly, y.Span, nest, groupSize);
    }
}
