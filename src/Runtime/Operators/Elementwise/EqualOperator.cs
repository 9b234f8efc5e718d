using System.Numerics;
using System.Runtime.InteropServices;
using Cnnrt.Graph;
using Cnnrt.Kernels;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Elementwise;

/// <summary>
/// Equal: a == b elementwise with numpy broadcasting, giving bool, on numeric and bool inputs. Its output is never
/// a float32 runtime tensor, so it only runs at plan time (shape subgraphs, masks from constants).
/// </summary>
public sealed class EqualOperator(Node node, int opset) : ElementwiseOperator(node, opset)
{
    public override ValueInfo[] InferOutputs(ValueInfo?[] inputs)
    {
        ExpectInputs(inputs, 2, 2);
        var type = CommonType(inputs, 0, 2);
        if (type != DataType.Bool) ExpectNumeric(inputs[0]!, 0);
        return [new ValueInfo(DataType.Bool, BroadcastShape(inputs, 0, 2))];
    }

    public override Step CreateStep(StepContext context) =>
        throw NotSupported("produces a bool tensor, which cnnrt computes only when the inputs are known at plan time");

    public override Tensor[] Evaluate(Tensor?[] inputs)
    {
        var output = InferOutputs(InfosOf(inputs))[0];
        var a = inputs[0]!;
        var b = inputs[1]!;
        var nest = LoopNest.ForBroadcast(output.Shape, a.Shape, b.Shape);
        // bools compare as their bytes (0 or 1), which keeps the kernel on numeric types.
        var type = a.Type == DataType.Bool ? DataType.UInt8 : a.Type;
        return [ElementDispatch.Numeric(type, new Typed(a, b, (int[])output.Shape.Clone(), nest), Where)];
    }

    private readonly struct Typed(Tensor a, Tensor b, int[] shape, LoopNest nest) : INumericTensorFunction
    {
        public Tensor Invoke<T>() where T : unmanaged, INumber<T>
        {
            var z = new bool[ShapeMath.Count(shape)];
            ElementwiseReference.Equal<T>(Elements<T>(a), Elements<T>(b), z, nest);
            return new Tensor(DataType.Bool, shape, z);
        }

        private static ReadOnlySpan<T> Elements<T>(Tensor t) where T : unmanaged =>
            t.Data is bool[] flags ? MemoryMarshal.Cast<bool, T>(flags) : t.As<T>();
    }
}
