namespace Cnnrt.Operators.Shape;

/// <summary>
/// The step of a view operator (<see cref="IViewOperator"/>) and of a float-to-float Cast: the output is the input's
/// elements. Copies only when the planner did not give both the same memory.
/// </summary>
public sealed class ViewStep : Step
{
    private readonly Slot _input, _output;
    private readonly bool _aliased;

    public ViewStep(Slot input, Slot output)
    {
        if (input.Length != output.Length)
            throw new ArgumentException($"view step: input has {input.Length} elements, output {output.Length}");
        _input = input;
        _output = output;
        _aliased = ReferenceEquals(input.Buffer, output.Buffer) && input.Offset == output.Offset;
    }

    public override void Run()
    {
        if (!_aliased) _input.ReadOnly.CopyTo(_output.Span);
    }
}
