using Cnnrt.Graph;
using Cnnrt.Kernels.Reference;
using Cnnrt.Tensors;
using Cnnrt.Operators;
using Cnnrt.Operators.Elementwise;
using Cnnrt.Operators.Nn;
using Cnnrt.Passes;

namespace Cnnrt.Planning;

/// <summary>
/// Finds the residual connections a plan can fold into the convolution before them: Conv → Add(·, r) → activation,
/// as ResNet's blocks end (and MobileNetV2's and EfficientNet's without the activation). The Conv then writes
/// activation(conv + r) straight into the storage of the last node's output, and the Add and activation layers run
/// nothing: two passes over memory and two steps less per block, and on a worker pool the sum is taken by the thread
/// that computed the convolution's values. ONNX Runtime fuses the same pattern (its FusedConv's Sum input).
/// <para>
/// Done at plan time, where shapes are known: the Add must not broadcast (r has the Conv output's shape), which a
/// graph pass cannot tell before the input shapes are given. The Conv must have no activation of its own (it would
/// come before the Add), its output must have the Add as its only consumer and not be a graph output, and r must be
/// written before the Conv runs (of the two Convs of a downsampling block, the later one takes the other's output).
/// The activation is folded when it is the Add's only consumer and the Add's output is not a graph output. Values
/// stored inside a skipped Concat's output are left alone (a value has one place).
/// </para>
/// </summary>
internal static class ResidualFusion
{
    /// <summary>A Conv layer's folded residual: <paramref name="Residual"/> the Add's other operand, and the activation
    /// after the Add (None when not folded). Where the Conv writes is in <c>StoredIn</c>.</summary>
    public readonly record struct Fold(string Residual, FusedActivation Activation);

    /// <summary>The folds by Conv layer index, the skipped layers, and for each value that now lives in another's
    /// storage, that value.</summary>
    public static (Dictionary<int, Fold> Folds, HashSet<int> Skipped, Dictionary<string, string> StoredIn) Find(ModelGraph g,
        IReadOnlyList<PlannedLayer> layers, LayerIndex index, IReadOnlyDictionary<string, ValueInfo> infos, IReadOnlySet<string> concatBlocks)
    {
        var folds = new Dictionary<int, Fold>();
        var skipped = new HashSet<int>();
        var storedIn = new Dictionary<string, string>(StringComparer.Ordinal);
        bool Free(string value) => !concatBlocks.Contains(value) && !storedIn.ContainsKey(value);

        for (int k = 0; k < layers.Count; k++)
        {
            var add = layers[k];
            if (add.Operator is not BroadcastOperator<AddOp> || add.Node.Inputs.Length != 2 || add.Node.Outputs.Length != 1) continue;
            string y = add.Node.Outputs[0];
            if (!Free(y) || infos[y].IsConstant) continue;
            // Of the two operands, the Conv that runs last and can take the other as its residual.
            int conv = -1, operand = -1;
            for (int i = 0; i < 2; i++)
            {
                string a = add.Node.Inputs[i], r = add.Node.Inputs[1 - i];
                if (a.Length == 0 || r.Length == 0 || a == r || !index.TryProducer(a, out int j) || j <= conv) continue;
                if (layers[j].Operator is not ConvOperator { CanTakeResidual: true } || layers[j].Node.Outputs.Length != 1
                    || index.SoleReader(a) != k || !Free(a) || folds.ContainsKey(j)) continue;
                if (!ShapeMath.Equal(infos[a].Shape, infos[y].Shape) || !ShapeMath.Equal(infos[r].Shape, infos[y].Shape)) continue;
                if (index.TryProducer(r, out int rj) && rj >= j) continue;
                (conv, operand) = (j, i);
            }
            if (conv < 0) continue;

            string output = y;
            var activation = FusedActivation.None;
            int m = index.SoleReader(y);
            if (m > k && layers[m].Node.Domain.Length == 0 && layers[m].Node.Inputs[0] == y && layers[m].Node.Outputs.Length == 1 && Free(layers[m].Node.Outputs[0])
                && FuseActivations.Describe(g, layers[m].Node) is { } described)
            {
                activation = described;
                output = layers[m].Node.Outputs[0];
                storedIn[y] = output;
                skipped.Add(m);
            }
            string convOutput = add.Node.Inputs[operand];
            storedIn[convOutput] = output;
            skipped.Add(k);
            folds[conv] = new Fold(add.Node.Inputs[1 - operand], activation);
        }
        return (folds, skipped, storedIn);
    }
}
