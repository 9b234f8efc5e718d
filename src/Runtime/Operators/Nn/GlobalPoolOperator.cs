using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.F32Pool;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>ONNX GlobalAveragePool and GlobalMaxPool: X [N, C, spatial...] → [N, C, 1, ...] over all spatial axes.</summary>
public sealed class GlobalPoolOperator : Operator, IChannelBlockedOperator
{
    private readonly bool max;

    public GlobalPoolOperator(Node node, int opset, bool max) : base(node, opset) => this.max = max;

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = Required(inputs, 0);
        ExpectFloat(x, 0);
        ExpectRank(x, 0, 3);
        for (int i = 2; i < x.Rank; i++)
            if (x.Shape[i] == 0) throw Error($"input {ShapeMath.Format(x.Shape)} has an empty spatial axis {i}");
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[0] = x.Shape[0];
        shape[1] = x.Shape[1];
        return [new ValueInfo(DataType.Float, shape)];
    }

    /// <summary>Its output is [N, C, 1, 1]: NCHW, nothing to gain blocked.</summary>
    public bool WritesChannelBlocked(ValueInfo?[] inputs, KernelIsa isa) => false;

    /// <summary>Reads a blocked 2-D input on a vector path (<see cref="GlobalPoolKernel.Blocked{V,TVec}"/>).</summary>
    public bool ReadsChannelBlocked(ValueInfo?[] inputs, KernelIsa isa, int input) =>
        input == 0 && isa != KernelIsa.Reference && inputs[0] is { Rank: 4 };

    public override Step CreateStep(StepContext context)
    {
        var x = context.InputInfos[0]!;
        int planes = x.Shape[0] * x.Shape[1];
        int planeSize = planes == 0 ? 0 : x.Count / planes;
        bool blocked = context.InputLanesOf(0) > 0;
        return F32PoolSteps.TryGlobalPool(context.Isa, max, context.Inputs[0], context.Outputs[0], planes, planeSize, Node.Name, Node.OpType,
                   x.Shape[1], blocked)
            ?? (blocked ? throw new InvalidOperationException($"{Where}: a channel-blocked input on the reference path") // planner invariant
            : new GlobalPoolStep
            {
                NodeName = Node.Name, OpType = Node.OpType, X = context.Inputs[0], Y = context.Outputs[0], Max = max,
                Planes = planes, PlaneSize = planeSize,
            });
    }

    private sealed class GlobalPoolStep : Step
    {
        public Slot X, Y;
        public bool Max;
        public int Planes, PlaneSize;

        public override void Run()
        {
            if (Max) PoolReference.GlobalMaxPool(X.ReadOnly, Y.Span, Planes, PlaneSize);
            else PoolReference.GlobalAveragePool(X.ReadOnly, Y.Span, Planes, PlaneSize);
        }
    }
}
