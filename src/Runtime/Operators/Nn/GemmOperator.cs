using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX Gemm (opset 7–21; C optional from 11): Y = alpha·A'·B' + beta·C with C broadcast unidirectionally to M×N, and any
/// fused activation applied as each output is stored. On a fast ISA path a constant B (a fully-connected layer's
/// weights, with constant or absent C) runs as packed GEMV rows (<see cref="F32FullyConnectedStep"/>).
/// </summary>
public sealed class GemmOperator : Operator
{
    private readonly float alpha, beta;
    private readonly bool transA, transB;
    private readonly FusedActivation activation;

    public GemmOperator(Node node, int opset) : base(node, opset)
    {
        alpha = node.GetFloat("alpha", 1f);
        beta = node.GetFloat("beta", 1f);
        transA = Flag(node, "transA");
        transB = Flag(node, "transB");
        activation = FusedActivation.FromNode(node);
    }

    private bool Flag(Node node, string name)
    {
        long v = node.GetInt(name, 0);
        return v is 0 or 1 ? v == 1 : throw Error($"{name} {v} must be 0 or 1");
    }

    /// <summary>M, N, K and the strides at which C is read, after checking every shape.</summary>
    private (int M, int N, int K, int CRow, int CCol) Dimensions(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, Opset < 11 ? 3 : 2, 3);
        var a = Required(inputs, 0);
        var b = Required(inputs, 1);
        ExpectFloat(a, 0);
        ExpectFloat(b, 1);
        ExpectRank(a, 0, 2, 2);
        ExpectRank(b, 1, 2, 2);
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw Error($"A {ShapeMath.Format(a.Shape)}{(transA ? "ᵀ" : "")} and B {ShapeMath.Format(b.Shape)}{(transB ? "ᵀ" : "")} " +
                $"do not multiply: inner dimensions {k} and {kb} differ");
        if (inputs.Length < 3 || inputs[2] is not { } c) return (m, n, k, 0, 0);
        ExpectFloat(c, 2);
        ExpectRank(c, 2, 0, 2);
        int rows = c.Rank == 2 ? c.Shape[0] : 1, cols = c.Rank >= 1 ? c.Shape[c.Rank - 1] : 1;
        if (rows != 1 && rows != m || cols != 1 && cols != n)
            throw Error($"C {ShapeMath.Format(c.Shape)} does not broadcast to the {m}x{n} result");
        return (m, n, k, rows == 1 ? 0 : cols, cols == 1 ? 0 : 1);
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var (m, n, _, _, _) = Dimensions(inputs);
        return [new ValueInfo(DataType.Float, [m, n])];
    }

    public override Step CreateStep(StepContext context)
    {
        var (m, n, k, cRow, cCol) = Dimensions(context.InputInfos);
        var b = context.InputInfos[1]!;
        var c = context.InputInfos.Length > 2 ? context.InputInfos[2] : null;
        // A's rows must be contiguous: transA is only a relabelling when A is a single row (K×1 = 1×K in memory).
        if (context.Isa != KernelIsa.Reference && b.Constant is { } bConst && (c is null || c.IsConstant) && (!transA || m == 1))
        {
            var w = bConst.Floats;
            var cValues = c?.Constant!.Floats;
            float betaC = beta;
            return new F32FullyConnectedStep(context.Isa, context.Inputs[0], context.Outputs[0], m, n, k,
                transB ? (j, p) => w[j * k + p] : (j, p) => w[p * n + j], alpha,
                cValues is null ? null : (r, j) => betaC * cValues[r * cRow + j * cCol], cRow != 0, activation, context.Pool)
            {
                NodeName = Node.Name, OpType = Node.OpType,
            };
        }
        return new GemmStep
        {
            NodeName = Node.Name, OpType = Node.OpType,
            A = context.Inputs[0], B = context.Inputs[1], C = context.Inputs.Length > 2 ? context.Inputs[2] : default,
            Y = context.Outputs[0], M = m, N = n, K = k, CRow = cRow, CCol = cCol,
            TransA = transA, TransB = transB, Alpha = alpha, Beta = beta, Activation = activation,
        };
    }

    private sealed class GemmStep : Step
    {
        public Slot A, B, C, Y;
        public int M, N, K, CRow, CCol;
        public bool TransA, TransB;
        public float Alpha, Beta;
        public FusedActivation Activation;

        public override void Run() => GemmReference.Gemm(A.ReadOnly, B.ReadOnly, C.ReadOnly, Y.Span, M, N, K,
            TransA, TransB, Alpha, Beta, CRow, CCol, Activation);
    }
}
