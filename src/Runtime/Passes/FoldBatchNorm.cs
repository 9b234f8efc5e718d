using Cnnrt.Graph;
using Cnnrt.Operators.Nn;
using Cnnrt.Tensors;

namespace Cnnrt.Passes;

/// <summary>
/// Folds an inference BatchNormalization into the Conv that feeds it: y = γ·(conv(x) − μ)/√(σ²+ε) + β becomes a conv
/// with weights scaled per output channel by s = γ/√(σ²+ε) and bias b' = s·(b − μ) + β. Only when the Conv output
/// feeds nothing else and every parameter is a constant.
/// </summary>
public static class FoldBatchNorm
{
    public static int Run(ModelGraph g)
    {
        int folded = 0;
        var counts = GraphRewriter.ConsumerCounts(g);
        foreach (var conv in g.Nodes.ToList())
        {
            if (conv.OpType != "Conv" || conv.Domain.Length > 0 || conv.Attr(Operators.FusedActivation.KindAttribute) is not null) continue;
            var bn = GraphRewriter.SoleConsumer(g, conv.Outputs[0], counts);
            if (bn is null || bn.OpType != "BatchNormalization" || bn.Domain.Length > 0 || bn.Inputs.Length < 5) continue;
            if (bn.Outputs.Skip(1).Any(o => o.Length > 0 && counts.ContainsKey(o))) continue; // training outputs in use
            if (!TryConst(g, conv.Inputs[1], out var w) || w.Type != DataType.Float) continue;
            Tensor? b = null;
            if (conv.HasInput(2) && (!TryConst(g, conv.Inputs[2], out b) || b.Type != DataType.Float)) continue;
            if (!TryConst(g, bn.Inputs[1], out var gamma) || !TryConst(g, bn.Inputs[2], out var beta)
                || !TryConst(g, bn.Inputs[3], out var mean) || !TryConst(g, bn.Inputs[4], out var variance)) continue;
            int m = w.Shape[0];
            if (new[] { gamma, beta, mean, variance }.Any(t => t.Type != DataType.Float || t.Length != m)) continue;

            var (newW, newB) = BatchNormFolding.FoldIntoConv(w.Floats, b?.Floats, m, gamma.Floats, beta.Floats, mean.Floats, variance.Floats, bn.GetFloat("epsilon", 1e-5f));
            string wName = Unique(g, conv.Name + ".folded_weight"), bName = Unique(g, conv.Name + ".folded_bias");
            g.Initializers[wName] = new Tensor(DataType.Float, w.Shape, newW);
            g.Initializers[bName] = new Tensor(DataType.Float, [m], newB);
            conv.Inputs = [conv.Inputs[0], wName, bName];
            conv.Outputs[0] = bn.Outputs[0];
            g.Nodes.Remove(bn);
            folded++;
        }
        return folded;
    }

    private static bool TryConst(ModelGraph g, string name, out Tensor t)
    {
        t = null!;
        return name.Length > 0 && g.Initializers.TryGetValue(name, out t!);
    }

    private static string Unique(ModelGraph g, string name)
    {
        string n = name;
        for (int k = 1; g.Initializers.ContainsKey(n); k++) n = $"{name}.{k}";
        return n;
    }
}
