using Cnnrt.Graph;
using Cnnrt.Kernels.F32Pool;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>ONNX AveragePool (opset 7–21: count_include_pad, ceil_mode from 10, dilations from 19).</summary>
public sealed class AveragePoolOperator : PoolOperator
{
    private readonly bool countIncludePad;

    public AveragePoolOperator(Node node, int opset) : base(node, opset)
    {
        long v = node.GetInt("count_include_pad", 0);
        if (v is not (0 or 1)) throw Error($"count_include_pad {v} must be 0 or 1");
        countIncludePad = v == 1;
    }

    protected override bool Accepts(DataType type) => type == DataType.Float;

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var geometry = ResolveWindow(inputs);
        return [new ValueInfo(DataType.Float, OutputShape(inputs[0]!, geometry))];
    }

    public override Step CreateStep(StepContext context)
    {
        var x = context.InputInfos[0]!;
        var geometry = ResolveWindow(context.InputInfos);
        int planes = x.Shape[0] * x.Shape[1];
        return F32PoolSteps.TryAveragePool(context.Isa, context.Inputs[0], context.Outputs[0], planes, geometry, countIncludePad,
                Node.Name, Node.OpType, context.Pool)
            ?? new AveragePoolStep
            {
                NodeName = Node.Name, OpType = Node.OpType, X = context.Inputs[0], Y = context.Outputs[0],
                Planes = planes, Geometry = geometry, CountIncludePad = countIncludePad,
            };
    }

    private sealed class AveragePoolStep : Step
    {
        public Slot X, Y;
        public int Planes;
        public required SpatialParams Geometry;
        public bool CountIncludePad;

        public override void Run() => PoolReference.AveragePool(X.ReadOnly, Y.Span, Planes, Geometry, CountIncludePad);
    }
}
