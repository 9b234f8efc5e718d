using System.Numerics;
using Cnnrt.Graph;
using Cnnrt.Kernels.F32Gemm;
using Cnnrt.Kernels.F32Pool;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>
/// ONNX MaxPool (opset 7–21: Indices output and storage_order from 8, ceil_mode and dilations from 10, int8/uint8
/// from 12). The float step computes Y only; Evaluate computes any element type and the Indices output.
/// </summary>
public sealed class MaxPoolOperator : PoolOperator
{
    private readonly bool columnMajor;

    public MaxPoolOperator(Node node, int opset) : base(node, opset)
    {
        long order = node.GetInt("storage_order", 0);
        if (order is not (0 or 1)) throw Error($"storage_order {order} must be 0 (row major) or 1 (column major)");
        columnMajor = order == 1;
        if (node.Outputs.Length > 2) throw Error($"has {node.Outputs.Length} outputs; MaxPool has Y and optional Indices");
    }

    private bool WantsIndices => Node.Outputs.Length > 1 && Node.Outputs[1].Length > 0;

    protected override bool Accepts(DataType type) =>
        type is DataType.Float or DataType.Double or DataType.Float16 or DataType.Int8 or DataType.UInt8;

    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        var geometry = ResolveWindow(inputs);
        var x = inputs[0]!;
        var shape = OutputShape(x, geometry);
        var y = new ValueInfo(x.Type, shape);
        return Node.Outputs.Length > 1 ? [y, new ValueInfo(DataType.Int64, shape)] : [y];
    }

    /// <summary>
    /// This pool as windows a convolution can take over its own tiles (<see cref="TileMaxPool"/>), or null: a float
    /// 2-D pool without Indices, no dilation, every window with a tap inside the plane.
    /// </summary>
    public TileMaxPool? AsTileMaxPool(ValueInfo?[] inputs)
    {
        if (WantsIndices || inputs.Length != 1 || inputs[0] is not { Type: DataType.Float, Rank: 4 }) return null;
        var axes = ResolveWindow(inputs).Axes;
        return TileMaxPool.Handles(axes[0], axes[1]) ? new TileMaxPool(axes[0], axes[1]) : null;
    }

    public override Step CreateStep(StepContext context)
    {
        if (WantsIndices)
            throw NotSupported($"the Indices output ('{Node.Outputs[1]}') is only computed by the reference evaluator, not in a planned float32 run");
        var x = context.InputInfos[0]!;
        var geometry = ResolveWindow(context.InputInfos);
        int planes = x.Shape[0] * x.Shape[1];
        return F32PoolSteps.TryMaxPool(context.Isa, context.Inputs[0], context.Outputs[0], planes, geometry, Node.Name, Node.OpType, context.Pool)
            ?? new MaxPoolStep
            {
                NodeName = Node.Name, OpType = Node.OpType, X = context.Inputs[0], Y = context.Outputs[0],
                Planes = planes, Geometry = geometry,
            };
    }

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var infos = TensorInfos.Of(inputs);
        var outInfos = InferOutputs(infos);
        var geometry = ResolveWindow(infos);
        var x = inputs[0]!;
        var y = Tensor.Zeros(x.Type, outInfos[0].Shape);
        var indices = Tensor.Zeros(DataType.Int64, outInfos[0].Shape);
        var idx = WantsIndices ? indices.Longs : Array.Empty<long>();
        int planes = x.Shape[0] * x.Shape[1];
        // Dispatch on the declared type, not the array's runtime type: the CLR lets byte[] pass as sbyte[].
        switch (x.Type)
        {
            case DataType.Float: Pool<float>(x, y, idx, planes, geometry); break;
            case DataType.Double: Pool<double>(x, y, idx, planes, geometry); break;
            case DataType.Float16: Pool<Half>(x, y, idx, planes, geometry); break;
            case DataType.Int8: Pool<sbyte>(x, y, idx, planes, geometry); break;
            case DataType.UInt8: Pool<byte>(x, y, idx, planes, geometry); break;
            default: throw NotSupported($"input 0 is {DataTypes.Name(x.Type)}");
        }
        return outInfos.Length > 1 ? [y, indices] : [y];
    }

    private void Pool<T>(Tensor x, Tensor y, long[] indices, int planes, SpatialParams geometry)
        where T : struct, INumber<T>, IMinMaxValue<T> =>
        PoolReference.MaxPool<T>(x.As<T>(), y.As<T>(), indices, planes, geometry, columnMajor);

    private sealed class MaxPoolStep : Step
    {
        public Slot X, Y;
        public int Planes;
        public required SpatialParams Geometry;

        public override void Run() => PoolReference.MaxPool<float>(X.ReadOnly, Y.Span, Span<long>.Empty, Planes, Geometry, false);
    }
}
