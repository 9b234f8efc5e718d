namespace Cnnrt.Operators.Shape;

/// <summary>
/// The step of a node whose outputs were all computed at plan time: it writes their float values into the output
/// slots (non-float outputs live only as plan-time constants and have no slot).
/// </summary>
public sealed class ConstantOutputStep : Step
{
    private readonly float[][] _values;
    private readonly Slot[] _outputs;

    public ConstantOutputStep(StepContext context)
    {
        var values = new List<float[]>();
        var outputs = new List<Slot>();
        for (int i = 0; i < context.OutputInfos.Length; i++)
        {
            if (context.OutputInfos[i].Constant?.Data is not float[] data || i >= context.Outputs.Length || context.Outputs[i].IsEmpty)
                continue;
            values.Add(data);
            outputs.Add(context.Outputs[i]);
        }
        _values = values.ToArray();
        _outputs = outputs.ToArray();
    }

    public override void Run()
    {
        for (int i = 0; i < _values.Length; i++) _values[i].AsSpan().CopyTo(_outputs[i].Span);
    }
}
