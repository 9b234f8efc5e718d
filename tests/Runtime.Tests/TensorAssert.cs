using Cnnrt.Tensors;

namespace Cnnrt.Tests;

/// <summary>Compares whole tensors: type, shape, then values (exact for integers and bools, tolerance for floats).</summary>
public static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, float rtol, float atol, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {ShapeMath.Format(actual.Shape)}, expected {ShapeMath.Format(expected.Shape)}");
        Assert.True(expected.Type == actual.Type, $"{what}: type {DataTypes.Name(actual.Type)}, expected {DataTypes.Name(expected.Type)}");
        if (DataTypes.IsFloating(expected.Type))
        {
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected.ElementAsDouble(i), a = actual.ElementAsDouble(i);
                if (double.IsNaN(e) && double.IsNaN(a) || e == a) continue;
                double tol = atol + rtol * Math.Abs(e);
                if (expected.Type == DataType.Float16) tol = Math.Max(tol, 1e-3 + 1e-3 * Math.Abs(e));
                Assert.True(Math.Abs(e - a) <= tol, $"{what}: element {i} is {a}, expected {e} (tolerance {tol:g3})");
            }
        }
        else
        {
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Equals(expected.Data.GetValue(i), actual.Data.GetValue(i)),
                    $"{what}: element {i} is {actual.Data.GetValue(i)}, expected {expected.Data.GetValue(i)}");
        }
    }
}
