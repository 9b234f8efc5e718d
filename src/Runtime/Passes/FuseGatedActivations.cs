using Cnnrt.Graph;
using Cnnrt.Operators;

namespace Cnnrt.Passes;

/// <summary>
/// Folds the two-node activations x·gate(x) into the Conv or Gemm producing x: PyTorch exports SiLU as
/// Sigmoid(x) → Mul(x, ·), and older exports HardSwish as HardSigmoid(x) → Mul(x, ·). x then has two consumers, which
/// <see cref="FuseActivations"/> (sole consumers only) leaves alone, and each is a whole extra pass over memory.
/// </summary>
/// <remarks>
/// Fused only when x is read by exactly the gate and the Mul (either operand order) and is not a graph output, and the
/// gate's result is read by that Mul alone and is not a graph output: then nothing else can observe x or the gate.
/// </remarks>
public static class FuseGatedActivations
{
    public static int Run(ModelGraph g)
    {
        int fused = 0;
        var counts = GraphRewriter.ConsumerCounts(g);
        foreach (var producer in g.Nodes.ToList())
        {
            if (!FuseActivations.CanTakeActivation(producer)) continue;
            string x = producer.Outputs[0];
            if (counts.GetValueOrDefault(x) != 2 || GraphRewriter.IsGraphOutput(g, x)) continue;
            var readers = g.Nodes.Where(n => Array.IndexOf(n.Inputs, x) >= 0).ToList();
            if (readers.Count != 2) continue;
            var gate = readers.Find(n => n.Domain.Length == 0 && n.OpType is ("Sigmoid" or "HardSigmoid"));
            var mul = readers.Find(n => n != gate && n.Domain.Length == 0 && n.OpType == "Mul");
            if (gate is null || mul is null || gate.Inputs.Length != 1) continue;
            string gated = gate.Outputs[0];
            if (counts.GetValueOrDefault(gated) != 1 || GraphRewriter.IsGraphOutput(g, gated)) continue;
            if (mul.Inputs.Length != 2 || !(mul.Inputs[0] == x && mul.Inputs[1] == gated || mul.Inputs[0] == gated && mul.Inputs[1] == x))
                continue;

            var activation = gate.OpType == "Sigmoid"
                ? new FusedActivation(ActivationKind.Swish)
                : new FusedActivation(ActivationKind.HardSigmoidGate, gate.GetFloat("alpha", 0.2f), gate.GetFloat("beta", 0.5f));
            activation.WriteTo(producer);
            producer.Outputs[0] = mul.Outputs[0];
            g.Nodes.Remove(gate);
            g.Nodes.Remove(mul);
            fused++;
        }
        return fused;
    }
}
