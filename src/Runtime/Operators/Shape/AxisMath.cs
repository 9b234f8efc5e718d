namespace Cnnrt.Operators.Shape;

/// <summary>Views of a shape around one axis, as [outer, axis, inner].</summary>
public static class AxisMath
{
    /// <summary>Product of dims [from, to) (1 when empty). Shapes are already limit-checked, so this cannot overflow.</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    public static int Outer(ReadOnlySpan<int> shape, int axis) => Product(shape, 0, axis);

    public static int Inner(ReadOnlySpan<int> shape, int axis) => Product(shape, axis + 1, shape.Length);
}
