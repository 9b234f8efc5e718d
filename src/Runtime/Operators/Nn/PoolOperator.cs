using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>What MaxPool and AveragePool share: window attributes, input checks and the output shape.</summary>
public abstract class PoolOperator : Operator, IWindowedOperator
{
    protected PoolOperator(Node node, int opset) : base(node, opset) =>
        Window = new WindowAttributes(node, kernelRequired: true, hasCeilMode: true);

    protected WindowAttributes Window { get; }

    /// <summary>Whether this pool computes on element type <paramref name="type"/> (in Evaluate; the step is float32).</summary>
    protected abstract bool Accepts(DataType type);

    public SpatialParams ResolveWindow(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 1, 1);
        var x = Required(inputs, 0);
        if (!Accepts(x.Type)) throw NotSupported($"input 0 ('{Node.Inputs[0]}') is {DataTypes.Name(x.Type)}, which this operator does not take");
        if (x.Rank > 5) throw NotSupported($"input 0 has shape {ShapeMath.Format(x.Shape)}; only 1-D, 2-D and 3-D pooling is supported");
        ExpectRank(x, 0, 3, 5);
        var kernel = Window.KernelShape!;
        if (kernel.Length != x.Rank - 2)
            throw Error($"kernel_shape has {kernel.Length} values but input {ShapeMath.Format(x.Shape)} has {x.Rank - 2} spatial axes");
        return Window.Resolve(x.Shape.AsSpan(2), kernel);
    }

    /// <summary>Y's shape: [N, C, output spatial...].</summary>
    protected int[] OutputShape(ValueInfo x, SpatialParams geometry)
    {
        var shape = new int[x.Rank];
        shape[0] = x.Shape[0];
        shape[1] = x.Shape[1];
        geometry.OutputDims().CopyTo(shape, 2);
        ShapeMath.Count(shape, $"{Where}: output");
        return shape;
    }
}
