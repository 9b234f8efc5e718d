using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// Base of the operators that work on any element type (data movement, shape arithmetic, Cast). A subclass infers
/// output types and shapes and computes whole output tensors with the generic reference kernels; this class makes
/// planning fold: when the inputs the computation needs are known (by default: every present input is constant),
/// <see cref="InferOutputs"/> returns the outputs with their values, computed exactly as <see cref="Evaluate"/> does.
/// That is what folds the Shape → Gather → Unsqueeze → Concat → Reshape chains of PyTorch exports away.
/// </summary>
public abstract class FoldingOperator : Operator
{
    protected FoldingOperator(Node node, int opset) : base(node, opset) { }

    /// <summary>Validates the inputs and returns the output types and shapes (a value only where known without computing).</summary>
    protected abstract ValueInfo[] InferTypes(ValueInfo?[] inputs);

    /// <summary>Computes every output; called only when <see cref="CanCompute"/> holds.</summary>
    protected abstract Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs);

    /// <summary>Whether the inputs <see cref="Compute"/> reads are known; by default every present input must be constant.</summary>
    protected virtual bool CanCompute(ValueInfo?[] inputs)
    {
        foreach (var v in inputs)
            if (v is { IsConstant: false }) return false;
        return true;
    }

    /// <summary>The float32 step for outputs that depend on runtime data.</summary>
    protected virtual Step CreateFloatStep(StepContext context) =>
        throw NotSupported("is computed only at plan time; its inputs must be constants or computable from the input shape");

    public sealed override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var outputs = InferTypes(inputs);
        if (!CanCompute(inputs)) return outputs;
        var values = Compute(inputs, outputs);
        var folded = new ValueInfo[values.Length];
        for (int i = 0; i < values.Length; i++) folded[i] = ValueInfo.Of(values[i]);
        return folded;
    }

    public sealed override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var infos = new ValueInfo?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) infos[i] = inputs[i] is { } t ? ValueInfo.Of(t) : null;
        var outputs = InferTypes(infos);
        return Compute(infos, outputs);
    }

    public sealed override Step CreateStep(StepContext context)
    {
        foreach (var o in context.OutputInfos)
            if (!o.IsConstant) return CreateFloatStep(context);
        return new ConstantOutputStep(context) { NodeName = Node.Name, OpType = Node.OpType };
    }

    // ---- helpers for the shape-like inputs and attributes of subclasses ----

    /// <summary>A constant integer input (shape, axes, starts, repeats...) as int64s; NotSupported when only known at run time.</summary>
    protected long[] ConstantInts(ValueInfo?[] inputs, int i, string role)
    {
        var t = ConstantInput(inputs, i, role);
        if (!DataTypes.IsInteger(t.Type))
            throw Error($"input {i} ('{Node.Inputs[i]}', the {role}) is {DataTypes.Name(t.Type)}; expected an integer type");
        if (t.Rank > 1)
            throw Error($"input {i} ('{Node.Inputs[i]}', the {role}) has shape {ShapeMath.Format(t.Shape)}; expected a 1-D tensor");
        return t.ToInt64Array();
    }

    /// <summary>Axes normalized against <paramref name="rank"/>; errors name an out-of-range or repeated axis.</summary>
    protected int[] NormalizeAxes(ReadOnlySpan<long> axes, int rank)
    {
        var r = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            r[i] = ShapeMath.Axis(axes[i], rank, Where);
            for (int j = 0; j < i; j++)
                if (r[j] == r[i]) throw Error($"axis {axes[i]} is repeated in axes [{string.Join(", ", axes.ToArray())}]");
        }
        return r;
    }
}
