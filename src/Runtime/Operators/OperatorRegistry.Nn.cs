using Cnnrt.Graph;
using Cnnrt.Operators.Nn;

namespace Cnnrt.Operators;

public static partial class OperatorRegistry
{
    static partial void RegisterNn(Dictionary<string, Func<Node, int, Operator>> d)
    {
        d["Conv"] = (n, o) => new ConvOperator(n, o);
        d["MaxPool"] = (n, o) => new MaxPoolOperator(n, o);
        d["AveragePool"] = (n, o) => new AveragePoolOperator(n, o);
        d["GlobalAveragePool"] = (n, o) => new GlobalPoolOperator(n, o, max: false);
        d["GlobalMaxPool"] = (n, o) => new GlobalPoolOperator(n, o, max: true);
        d["Gemm"] = (n, o) => new GemmOperator(n, o);
        d["MatMul"] = (n, o) => new MatMulOperator(n, o);
        d["BatchNormalization"] = (n, o) => new BatchNormOperator(n, o);
        d["Pad"] = (n, o) => new PadOperator(n, o);
    }
}
