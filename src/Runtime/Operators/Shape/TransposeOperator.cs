using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>Transpose: output dim k is input dim perm[k]; perm defaults to the reversed axes.</summary>
public sealed class TransposeOperator(Node node, int opset) : FoldingOperator(node, opset)
{
    private readonly long[]? _perm = node.GetInts("perm");

    private int[] Permutation(ValueInfo input)
    {
        int rank = input.Rank;
        var perm = new int[rank];
        if (_perm is null)
        {
            for (int k = 0; k < rank; k++) perm[k] = rank - 1 - k;
            return perm;
        }
        string text = $"[{string.Join(", ", _perm)}]";
        if (_perm.Length != rank)
            throw Error($"perm {text} has {_perm.Length} entries but the input {ShapeMath.Format(input.Shape)} has rank {rank}");
        var seen = new bool[rank];
        for (int k = 0; k < rank; k++)
        {
            long p = _perm[k];
            if (p < 0 || p >= rank || seen[p]) throw Error($"perm {text} is not a permutation of 0..{rank - 1} (entry {p})");
            seen[p] = true;
            perm[k] = (int)p;
        }
        return perm;
    }

    protected override ValueInfo[] InferTypes(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = inputs[0]!;
        return [new ValueInfo(x.Type, TransposeReference.OutputShape(x.Shape, Permutation(x)))];
    }

    protected override Tensor[] Compute(ValueInfo?[] inputs, ValueInfo[] outputs)
    {
        var x = inputs[0]!;
        return [TypedKernels.Copy(TransposeReference.Plan(x.Shape, Permutation(x)), x.Constant!, outputs[0].Shape)];
    }

    protected override Step CreateFloatStep(StepContext context)
    {
        var x = context.InputInfos[0]!;
        return new StridedCopyStep(TransposeReference.Plan(x.Shape, Permutation(x)), context.Inputs[0], context.Outputs[0])
        {
            NodeName = Node.Name, OpType = Node.OpType,
        };
    }
}
