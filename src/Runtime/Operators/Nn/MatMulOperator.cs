using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX MatMul with numpy semantics: a 1-D A is a row [1, K] and a 1-D B a column [K, 1], whose unit axis is then
/// dropped from the result; leading (batch) axes broadcast. On a fast ISA path a constant 1-D or 2-D B (a weight
/// matrix) runs as packed GEMV rows over all of A's rows (<see cref="F32FullyConnectedStep"/>).
/// </summary>
public sealed class MatMulOperator : Operator
{
    public MatMulOperator(Node node, int opset) : base(node, opset) { }

    /// <summary>The product's shape and per-batch offsets of A and B.</summary>
    private sealed record Plan(int[] Shape, int M, int N, int K, int[] AOffsets, int[] BOffsets);

    private Plan Resolve(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var a = Required(inputs, 0);
        var b = Required(inputs, 1);
        ExpectFloat(a, 0);
        ExpectFloat(b, 1);
        ExpectRank(a, 0, 1);
        ExpectRank(b, 1, 1);
        int m = a.Rank == 1 ? 1 : a.Shape[^2], k = a.Shape[^1];
        int kb = b.Rank == 1 ? b.Shape[0] : b.Shape[^2], n = b.Rank == 1 ? 1 : b.Shape[^1];
        if (k != kb)
            throw Error($"A {ShapeMath.Format(a.Shape)} and B {ShapeMath.Format(b.Shape)} do not multiply: inner dimensions {k} and {kb} differ");
        var aBatch = a.Shape.AsSpan(0, Math.Max(0, a.Rank - 2));
        var bBatch = b.Shape.AsSpan(0, Math.Max(0, b.Rank - 2));
        var batch = ShapeMath.Broadcast(aBatch, bBatch)
            ?? throw Error($"batch axes of A {ShapeMath.Format(a.Shape)} and B {ShapeMath.Format(b.Shape)} do not broadcast");

        var shape = new List<int>(batch);
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        int[] outShape = [.. shape];
        int count = ShapeMath.Count(outShape, $"{Where}: output");
        int batches = m * n == 0 ? 0 : count / (m * n);
        return new Plan(outShape, m, n, k, BatchOffsets(batch, aBatch, m * k, batches), BatchOffsets(batch, bBatch, k * n, batches));
    }

    /// <summary>Element offset of each output batch's matrix in an operand with batch axes <paramref name="own"/> (broadcast to <paramref name="batch"/>).</summary>
    private static int[] BatchOffsets(int[] batch, ReadOnlySpan<int> own, int matrixSize, int batches)
    {
        var offsets = new int[batches];
        var strides = ShapeMath.Strides(own);
        int lead = batch.Length - own.Length;
        for (int t = 0; t < batches; t++)
        {
            int rest = t, offset = 0;
            for (int axis = batch.Length - 1; axis >= 0; axis--)
            {
                int coord = rest % batch[axis];
                rest /= batch[axis];
                int j = axis - lead;
                if (j >= 0 && own[j] != 1) offset += coord * strides[j];
            }
            offsets[t] = offset * matrixSize;
        }
        return offsets;
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs) => [new ValueInfo(DataType.Float, Resolve(inputs).Shape)];

    public override Step CreateStep(StepContext context)
    {
        var plan = Resolve(context.InputInfos);
        if (context.Isa != KernelIsa.Reference && context.InputInfos[1]!.Constant is { Rank: <= 2 } bConst)
        {
            // B has no batch axes, so the batches are A's, contiguous: A is simply rows × K and Y rows × N.
            var w = bConst.Floats;
            int n = plan.N, k = plan.K;
            return new F32FullyConnectedStep(context.Isa, context.Inputs[0], context.Outputs[0], plan.AOffsets.Length * plan.M,
                n, k, (j, p) => w[p * n + j], 1f, null, false, FusedActivation.None, context.Pool)
            {
                NodeName = Node.Name, OpType = Node.OpType,
            };
        }
        return new MatMulStep
        {
            NodeName = Node.Name, OpType = Node.OpType, A = context.Inputs[0], B = context.Inputs[1], Y = context.Outputs[0],
            M = plan.M, N = plan.N, K = plan.K, AOffsets = plan.AOffsets, BOffsets = plan.BOffsets,
        };
    }

    private sealed class MatMulStep : Step
    {
        public Slot A, B, Y;
        public int M, N, K;
        public required int[] AOffsets, BOffsets;

        public override void Run() => GemmReference.MatMul(A.ReadOnly, B.ReadOnly, Y.Span, AOffsets, BOffsets, M, N, K);
    }
}
