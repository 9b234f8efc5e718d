using Cnnrt.Kernels.Reference;

namespace Cnnrt.Operators.Elementwise;

/// <summary>y = op(x) elementwise on float32 slots.</summary>
internal sealed class UnaryStep<TOp>(Slot x, Slot y, TOp op) : Step where TOp : struct, IUnaryOp<float>
{
    public override void Run() => ElementwiseReference.Unary(x.ReadOnly, y.Span, op);
}
