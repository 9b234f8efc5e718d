using Cnnrt.Graph;
using Cnnrt.Tensors;

namespace Cnnrt.Operators;

/// <summary>
/// One ONNX operator bound to one node: it parses and validates the node's attributes once (constructor), infers
/// output types and shapes for given inputs (planning), builds a non-allocating float step (execution), and evaluates
/// on whole tensors of any supported type (the reference path: constant folding, the reference interpreter and the
/// conformance tests).
/// </summary>
public abstract class Operator
{
    protected Operator(Node node, int opset)
    {
        Node = node;
        Opset = opset;
    }

    public Node Node { get; }
    /// <summary>The model's opset for the default domain; attribute-versus-input forms depend on it.</summary>
    public int Opset { get; }

    /// <summary>"Conv node 'conv1'": prefix of every error this operator raises.</summary>
    protected string Where => Node.Describe();

    /// <summary>
    /// Output infos for the given inputs (null = omitted optional input). Throws a CnnrtException naming the node for
    /// wrong counts, types or shapes. May return outputs with a Constant when they are computable (e.g. Shape).
    /// </summary>
    public abstract ValueInfo[] InferOutputs(ValueInfo?[] inputs);

    /// <summary>Builds the float32 step. Called only when every runtime input and output is float32.</summary>
    public abstract Step CreateStep(StepContext context);

    /// <summary>
    /// Evaluates on whole tensors, allocating the outputs. The default runs the float step on private buffers, so
    /// operators that only compute on float32 need not override it; operators that also take other element types
    /// (shape arithmetic, Cast, Gather...) override it.
    /// </summary>
    public virtual Tensor[] Evaluate(Tensor?[] inputs)
    {
        var infos = new ValueInfo?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) infos[i] = inputs[i] is { } t ? ValueInfo.Of(t) : null;
        var outInfos = InferOutputs(infos);
        if (Array.TrueForAll(outInfos, o => o.Constant is not null))
            return Array.ConvertAll(outInfos, o => o.Constant!);

        var inSlots = new Slot[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t) continue;
            if (t.Type != DataType.Float)
                throw CnnrtException.Unsupported($"{Where}: input {i} ('{Node.Inputs[i]}') is {DataTypes.Name(t.Type)}; this operator runs on float32 only");
            inSlots[i] = Slot.Of(t.Floats);
        }
        var outputs = new Tensor[outInfos.Length];
        var outSlots = new Slot[outInfos.Length];
        for (int i = 0; i < outInfos.Length; i++)
        {
            if (outInfos[i].Type != DataType.Float)
                throw CnnrtException.Unsupported($"{Where}: output {i} is {DataTypes.Name(outInfos[i].Type)}; this operator runs on float32 only");
            outputs[i] = Tensor.Zeros(DataType.Float, outInfos[i].Shape);
            outSlots[i] = Slot.Of(outputs[i].Floats);
        }
        CreateStep(new StepContext { InputInfos = infos, OutputInfos = outInfos, Inputs = inSlots, Outputs = outSlots }).Run();
        return outputs;
    }

    // ---- helpers for subclasses ----

    /// <summary>Checks the input count is within [min, max] (omitted trailing optionals count as absent).</summary>
    protected void ExpectInputs(ValueInfo?[] inputs, int min, int max)
    {
        int present = inputs.Length;
        while (present > 0 && inputs[present - 1] is null) present--;
        if (present < min || inputs.Length > max && present > max)
            throw CnnrtException.Model($"{Where}: expects {(min == max ? $"{min}" : $"{min} to {max}")} inputs, got {present}");
        for (int i = 0; i < min; i++)
            if (inputs[i] is null) throw CnnrtException.Model($"{Where}: required input {i} is missing");
    }

    /// <summary>The input, which must be present.</summary>
    protected ValueInfo Required(ValueInfo?[] inputs, int i) =>
        i < inputs.Length && inputs[i] is { } v ? v : throw CnnrtException.Model($"{Where}: required input {i} is missing");

    /// <summary>The input's value, which must be known at plan time (an initializer or a folded value).</summary>
    protected Tensor ConstantInput(ValueInfo?[] inputs, int i, string role) =>
        Required(inputs, i).Constant ?? throw CnnrtException.Unsupported(
            $"{Where}: input {i} ('{Node.Inputs[i]}', the {role}) must be a constant or computable from the input shape");

    protected void ExpectFloat(ValueInfo v, int i)
    {
        if (v.Type != DataType.Float)
            throw CnnrtException.Unsupported($"{Where}: input {i} ('{Node.Inputs[i]}') is {DataTypes.Name(v.Type)}, expected float32");
    }

    protected void ExpectRank(ValueInfo v, int i, int minRank, int maxRank = int.MaxValue)
    {
        if (v.Rank < minRank || v.Rank > maxRank)
            throw CnnrtException.Model($"{Where}: input {i} ('{Node.Inputs[i]}') has shape {ShapeMath.Format(v.Shape)}; expected rank " +
                (maxRank == int.MaxValue ? $">= {minRank}" : minRank == maxRank ? $"{minRank}" : $"{minRank}..{maxRank}"));
    }

    protected CnnrtException Error(string message) => CnnrtException.Model($"{Where}: {message}");
    protected CnnrtException NotSupported(string message) => CnnrtException.Unsupported($"{Where}: {message}");
}
