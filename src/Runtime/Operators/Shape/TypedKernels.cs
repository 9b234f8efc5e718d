using System.Numerics;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;

namespace Cnnrt.Operators.Shape;

/// <summary>
/// The reference kernels applied to whole tensors of any element type: each allocates the output(s) and calls the
/// generic kernel instantiated for the tensors' CLR element type.
/// </summary>
public static class TypedKernels
{
    public static Tensor Copy(StridedCopy plan, Tensor src, int[] outShape)
    {
        var dst = Tensor.Zeros(src.Type, outShape);
        var action = new StridedCopyAction(plan, src.Data, dst.Data);
        ElementDispatch.Run(src.Type, ref action);
        return dst;
    }

    public static Tensor Gather(Tensor src, int outer, int axisDim, int inner, int[] indices, int[] outShape)
    {
        var dst = Tensor.Zeros(src.Type, outShape);
        var action = new GatherAction(src.Data, dst.Data, outer, axisDim, inner, indices);
        ElementDispatch.Run(src.Type, ref action);
        return dst;
    }

    /// <summary>Concatenates <paramref name="parts"/> (same type and rank) along <paramref name="axis"/>.</summary>
    public static Tensor Concat(Tensor[] parts, int axis, int[] outShape)
    {
        var dst = Tensor.Zeros(parts[0].Type, outShape);
        int outer = AxisMath.Product(outShape, 0, axis), dstRow = AxisMath.Product(outShape, axis, outShape.Length), offset = 0;
        foreach (var part in parts)
        {
            int partRow = AxisMath.Product(part.Shape, axis, part.Rank);
            var action = new ConcatAction(part.Data, dst.Data, outer, partRow, dstRow, offset);
            ElementDispatch.Run(dst.Type, ref action);
            offset += partRow;
        }
        return dst;
    }

    /// <summary>Splits along <paramref name="axis"/> into parts of the given sizes.</summary>
    public static Tensor[] Split(Tensor src, int axis, int[] sizes)
    {
        var parts = new Tensor[sizes.Length];
        int outer = AxisMath.Product(src.Shape, 0, axis), inner = AxisMath.Product(src.Shape, axis + 1, src.Rank), srcRow = src.Shape[axis] * inner;
        int offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var shape = (int[])src.Shape.Clone();
            shape[axis] = sizes[i];
            parts[i] = Tensor.Zeros(src.Type, shape);
            var action = new SplitAction(src.Data, parts[i].Data, outer, srcRow, offset, sizes[i] * inner);
            ElementDispatch.Run(src.Type, ref action);
            offset += sizes[i] * inner;
        }
        return parts;
    }

    /// <summary>A tensor of <paramref name="shape"/> with every element equal to the single element of <paramref name="value"/>.</summary>
    public static Tensor Fill(Tensor value, int[] shape)
    {
        var dst = Tensor.Zeros(value.Type, shape);
        var action = new FillAction(value.Data, dst.Data);
        ElementDispatch.Run(value.Type, ref action);
        return dst;
    }

    /// <summary>
    /// Converts every element to <paramref name="to"/> (see <see cref="CastReference"/>); a string that is not a
    /// number fails with an InvalidArgument error naming it.
    /// </summary>
    public static Tensor Cast(Tensor src, DataType to)
    {
        var dst = Tensor.Zeros(to, src.Shape);
        if (src.Type == to)
            Array.Copy(src.Data, dst.Data, src.Length);
        else if (to == DataType.String)
        {
            var action = new FormatAction(src.Data, (string[])dst.Data);
            ElementDispatch.Run(src.Type, ref action);
        }
        else if (src.Type == DataType.String)
        {
            int bad;
            if (to == DataType.Bool) bad = CastReference.ParseBool((string[])src.Data, (bool[])dst.Data);
            else
            {
                var action = new ParseAction((string[])src.Data, dst.Data);
                ElementDispatch.RunNumber(to, ref action);
                bad = action.Bad;
            }
            if (bad >= 0)
                throw CnnrtException.Argument($"cannot cast string \"{((string[])src.Data)[bad]}\" (element {bad}) to {DataTypes.Name(to)}");
        }
        else if (src.Type == DataType.Bool)
        {
            var action = new FromBoolAction((bool[])src.Data, dst.Data);
            ElementDispatch.RunNumber(to, ref action);
        }
        else
        {
            var action = new FromNumberAction(src.Data, dst.Data, to);
            ElementDispatch.RunNumber(src.Type, ref action);
        }
        return dst;
    }

    private readonly struct FormatAction(Array src, string[] dst) : IElementAction
    {
        public void Invoke<T>() => CastReference.Format<T>((T[])src, dst);
    }

    private struct ParseAction(string[] src, Array dst) : INumberAction
    {
        public int Bad;
        public void Invoke<T>() where T : unmanaged, INumber<T> => Bad = CastReference.Parse<T>(src, (T[])dst);
    }

    private readonly struct FromBoolAction(bool[] src, Array dst) : INumberAction
    {
        public void Invoke<T>() where T : unmanaged, INumber<T> => CastReference.FromBool<T>(src, (T[])dst);
    }

    /// <summary>Dispatches on the source numeric type, then on the target.</summary>
    private readonly struct FromNumberAction(Array src, Array dst, DataType to) : INumberAction
    {
        public void Invoke<TFrom>() where TFrom : unmanaged, INumber<TFrom>
        {
            if (to == DataType.Bool)
            {
                CastReference.ToBool<TFrom>((TFrom[])src, (bool[])dst);
                return;
            }
            var action = new ToNumberAction<TFrom>((TFrom[])src, dst);
            ElementDispatch.RunNumber(to, ref action);
        }
    }

    private readonly struct ToNumberAction<TFrom>(TFrom[] src, Array dst) : INumberAction where TFrom : unmanaged, INumber<TFrom>
    {
        public void Invoke<TTo>() where TTo : unmanaged, INumber<TTo> => CastReference.Convert<TFrom, TTo>(src, (TTo[])dst);
    }

    private readonly struct StridedCopyAction(StridedCopy plan, Array src, Array dst) : IElementAction
    {
        public void Invoke<T>() => plan.Run<T>((T[])src, (T[])dst);
    }

    private readonly struct GatherAction(Array src, Array dst, int outer, int axisDim, int inner, int[] indices) : IElementAction
    {
        public void Invoke<T>() => GatherReference.Gather<T>((T[])src, outer, axisDim, inner, indices, (T[])dst);
    }

    private readonly struct ConcatAction(Array part, Array dst, int outer, int partRow, int dstRow, int offset) : IElementAction
    {
        public void Invoke<T>() => ConcatReference.CopyInto<T>((T[])part, outer, partRow, (T[])dst, dstRow, offset);
    }

    private readonly struct SplitAction(Array src, Array part, int outer, int srcRow, int offset, int partRow) : IElementAction
    {
        public void Invoke<T>() => ConcatReference.CopyOut<T>((T[])src, outer, srcRow, offset, (T[])part, partRow);
    }

    private readonly struct FillAction(Array value, Array dst) : IElementAction
    {
        public void Invoke<T>() => Array.Fill((T[])dst, ((T[])value)[0]);
    }
}
