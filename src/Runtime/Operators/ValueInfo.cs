using Cnnrt.Tensors;

namespace Cnnrt.Operators;

/// <summary>
/// What planning knows about one value: element type, concrete shape and, when it can be computed without running
/// the model (initializers, folded shape subgraphs), its contents.
/// </summary>
public sealed class ValueInfo
{
    public DataType Type { get; }
    public int[] Shape { get; }
    public Tensor? Constant { get; }

    public ValueInfo(DataType type, int[] shape, Tensor? constant = null)
    {
        Type = type;
        Shape = shape;
        Constant = constant;
    }

    public static ValueInfo Of(Tensor t) => new(t.Type, t.Shape, t);

    public bool IsConstant => Constant is not null;
    public int Rank => Shape.Length;
    public int Count => ShapeMath.Count(Shape);

    public override string ToString() => $"{DataTypes.Name(Type)}{ShapeMath.Format(Shape)}{(IsConstant ? " const" : "")}";
}
