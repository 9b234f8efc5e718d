using Cnnrt.Graph;
using Cnnrt.Operators.Shape;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterShape(Dictionary<string, Func<Node, int, Operator>> d)
    {
        d["Concat"] = (n, o) => new ConcatOperator(n, o);
        d["Flatten"] = (n, o) => new FlattenOperator(n, o);
        d["Reshape"] = (n, o) => new ReshapeOperator(n, o);
        d["Transpose"] = (n, o) => new TransposeOperator(n, o);
        d["Squeeze"] = (n, o) => new SqueezeOperator(n, o);
        d["Unsqueeze"] = (n, o) => new UnsqueezeOperator(n, o);
        d["Identity"] = (n, o) => new IdentityOperator(n, o);
        d["Dropout"] = (n, o) => new DropoutOperator(n, o);
        d["Constant"] = (n, o) => new ConstantOperator(n, o);
        d["Shape"] = (n, o) => new ShapeOperator(n, o);
        d["Size"] = (n, o) => new SizeOperator(n, o);
        d["Gather"] = (n, o) => new GatherOperator(n, o);
        d["Slice"] = (n, o) => new SliceOperator(n, o);
        d["Cast"] = (n, o) => new CastOperator(n, o);
        d["CastLike"] = (n, o) => new CastOperator(n, o);
        d["ConstantOfShape"] = (n, o) => new ConstantOfShapeOperator(n, o);
        d["Range"] = (n, o) => new RangeOperator(n, o);
        d["Expand"] = (n, o) => new ExpandOperator(n, o);
        d["Tile"] = (n, o) => new TileOperator(n, o);
        d["Split"] = (n, o) => new SplitOperator(n, o);
        d["DepthToSpace"] = (n, o) => new SpaceDepthOperator(n, o);
        d["SpaceToDepth"] = (n, o) => new SpaceDepthOperator(n, o);
    }
}
