using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX BatchNormalization in inference mode (opset 7–21): per-channel (axis 1) normalization with the given running
/// mean and variance. Training mode, its statistics outputs and opset 7's per-activation mode (spatial = 0) are not run.
/// </summary>
public sealed class BatchNormOperator : Operator
{
    private readonly float epsilon;

    public BatchNormOperator(Node node, int opset) : base(node, opset)
    {
        epsilon = node.GetFloat("epsilon", 1e-5f);
        if (node.GetInt("training_mode", 0) != 0)
            throw NotSupported("training_mode = 1 is not supported; cnnrt runs inference only");
        if (opset < 9 && node.GetInt("spatial", 1) == 0)
            throw NotSupported("spatial = 0 (per-activation statistics) is not supported");
        for (int i = 1; i < node.Outputs.Length; i++)
            if (node.Outputs[i].Length > 0)
                throw NotSupported($"output {i} ('{node.Outputs[i]}') is a training statistic; only Y is computed in inference mode");
    }

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 5, 5);
        var x = Required(inputs, 0);
        ExpectFloat(x, 0);
        ExpectRank(x, 0, 2);
        int c = x.Shape[1];
        string[] roles = ["", "scale", "B", "mean", "var"];
        for (int i = 1; i < 5; i++)
        {
            var p = Required(inputs, i);
            ExpectFloat(p, i);
            if (p.Rank != 1 || p.Shape[0] != c)
                throw Error($"{roles[i]} (input {i}) has shape {ShapeMath.Format(p.Shape)}; expected [{c}] for X {ShapeMath.Format(x.Shape)}");
        }
        var outputs = new ValueInfo[Node.Outputs.Length];
        outputs[0] = new ValueInfo(DataType.Float, x.Shape);
        for (int i = 1; i < outputs.Length; i++) outputs[i] = new ValueInfo(DataType.Float, [c]);
        return outputs;
    }

    public override Step CreateStep(StepContext context)
    {
        InferOutputs(context.InputInfos);
        var x = context.InputInfos[0]!;
        int batch = x.Shape[0], channels = x.Shape[1];
        return new BatchNormStep
        {
            NodeName = Node.Name, OpType = Node.OpType,
            X = context.Inputs[0], Scale = context.Inputs[1], B = context.Inputs[2], Mean = context.Inputs[3], Var = context.Inputs[4],
            Y = context.Outputs[0], Batch = batch, Channels = channels,
            PlaneSize = batch * channels == 0 ? 0 : x.Count / (batch * channels), Epsilon = epsilon,
        };
    }

    private sealed class BatchNormStep : Step
    {
        public Slot X, Scale, B, Mean, Var, Y;
        public int Batch, Channels, PlaneSize;
        public float Epsilon;

        public override void Run() => BatchNormReference.BatchNorm(X.ReadOnly, Scale.ReadOnly, B.ReadOnly, Mean.ReadOnly,
            Var.ReadOnly, Y.Span, Batch, Channels, PlaneSize, Epsilon);
    }
}
