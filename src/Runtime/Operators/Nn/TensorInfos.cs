using Cnnrt.Tensors;

namespace Cnnrt.Operators.Nn;

/// <summary>Plan-time infos for whole tensors, for the Evaluate overrides that check inputs through InferOutputs.</summary>
internal static class TensorInfos
{
    /// <summary>One constant info per tensor; null stays null (an omitted optional input).</summary>
    public static ValueInfo?[] Of(Tensor?[] inputs)
    {
        var infos = new ValueInfo?[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) infos[i] = inputs[i] is { } t ? ValueInfo.Of(t) : null;
        return infos;
    }
}
