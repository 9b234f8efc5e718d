using Cnnrt.Graph;
using Cnnrt.Operators;
using Cnnrt.Tensors;

namespace Cnnrt.Planning;

/// <summary>
/// Runs a graph node by node on whole tensors of any element type with each operator's reference evaluation,
/// allocating freely. The oracle for the planned engine and the runner of ONNX's backend test cases.
/// </summary>
public static class ReferenceInterpreter
{
    public static Dictionary<string, Tensor> Run(ModelGraph g, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var values = new Dictionary<string, Tensor>(g.Initializers, StringComparer.Ordinal);
        foreach (var decl in g.Inputs)
        {
            if (!inputs.TryGetValue(decl.Name, out var t))
                throw CnnrtException.Argument($"no value given for graph input '{decl.Name}'");
            values[decl.Name] = t;
        }
        foreach (var node in g.Nodes)
        {
            var op = OperatorRegistry.Create(node, g.Opset);
            var args = new Tensor?[node.Inputs.Length];
            for (int i = 0; i < args.Length; i++) args[i] = node.Inputs[i].Length > 0 ? values[node.Inputs[i]] : null;
            var results = op.Evaluate(args);
            for (int j = 0; j < node.Outputs.Length && j < results.Length; j++)
                if (node.Outputs[j].Length > 0) values[node.Outputs[j]] = results[j];
        }
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var o in g.Outputs) outputs[o.Name] = values[o.Name];
        return outputs;
    }
}
