using Cnnrt.Graph;
using Cnnrt.Planning;
using Cnnrt.Tensors;
using Cnnrt.Tests.Support;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.SeedExamples;

/// <summary>
/// The lecture notes' parameter counts, shapes and receptive fields (SEED-EXAMPLES §7, §9, §10, §11), read from what
/// `cnnrt inspect` reports for a planned graph.
/// </summary>
public sealed class ParametersAndReceptiveFieldTests
{
    private static IReadOnlyList<LayerRow> Report(ModelGraph g, params int[][] shapes)
    {
        var model = Model.FromGraph(g);
        return LayerReport.Build(model.CreatePlan(shapes.Length > 0 ? shapes : model.DefaultInputShapes()), model);
    }

    [Fact]
    public void One_d_filter_of_three_with_bias_has_four_weights_and_fc_10_to_10_has_110()
    {
        var conv = new GraphBuilder("x", [1, 1, 10]);
        var g1 = conv.Add("Conv", "c", [conv.Weight("w", 1, 1, 3), conv.Weight("b", 1)], Ints("kernel_shape", 3)).Build("y");
        Assert.Equal(4, Report(g1)[0].Parameters);
        var fc = new GraphBuilder("x", [1, 10]).Gemm(10, 10).Build("y");
        Assert.Equal(110, Report(fc)[0].Parameters);
    }

    [Fact]
    public void Five_valid_3x3_filters_on_32x32x3_give_30x30x5_then_pool_15x15x5()
    {
        var rows = Report(new GraphBuilder("x", [1, 3, 32, 32]).Conv(3, 5, 3).MaxPool(2, 2).Build("y"));
        Assert.Equal([1, 5, 30, 30], rows[0].OutputShape);
        Assert.Equal([1, 5, 15, 15], rows[1].OutputShape);
        Assert.Equal(0, rows[1].Parameters); // pooling has no weights
    }

    [Fact]
    public void Ten_5x5_filters_pad_2_on_32x32x3_keep_32x32_with_76_parameters_each()
    {
        var rows = Report(new GraphBuilder("x", [1, 3, 32, 32]).Conv(3, 10, 5, pad: 2).Build("y"));
        Assert.Equal([1, 10, 32, 32], rows[0].OutputShape);
        Assert.Equal(760, rows[0].Parameters);
        Assert.Equal(76, rows[0].Parameters / 10);
    }

    [Fact]
    public void Eight_5x5_filters_pad_2_on_24x24_give_208_parameters_then_12x12x8()
    {
        var rows = Report(new GraphBuilder("x", [1, 1, 24, 24]).Conv(1, 8, 5, pad: 2).MaxPool(2, 2).Build("y"));
        Assert.Equal([1, 8, 24, 24], rows[0].OutputShape);
        Assert.Equal(208, rows[0].Parameters);
        Assert.Equal([1, 8, 12, 12], rows[1].OutputShape);
    }

    [Fact]
    public void Typical_cnn_layers_have_the_notes_counts_and_shapes()
    {
        var rows = Report(GraphBuilder.TypicalCnn());
        Assert.Equal([80L, 0, 1168, 0, 0, 25664, 650], rows.Select(r => r.Parameters));
        Assert.Equal([1, 8, 26, 26], rows[0].OutputShape);
        Assert.Equal([1, 8, 13, 13], rows[1].OutputShape);
        Assert.Equal([1, 16, 11, 11], rows[2].OutputShape);
        Assert.Equal([1, 16, 5, 5], rows[3].OutputShape);
        Assert.Equal([1, 400], rows[4].OutputShape);
    }

    [Fact]
    public void Keras_example_conv32_pool_conv64_dense1024_dense10_softmax_on_28x28()
    {
        // Conv2D(32, 3, relu) → MaxPool(2, 2) → Conv2D(64, 3, relu) → Flatten → Dense(1024, relu) → Dense(10, softmax)
        var g = new GraphBuilder("x", [1, 1, 28, 28])
            .Conv(1, 32, 3).Relu().MaxPool(2, 2).Conv(32, 64, 3).Relu().Flatten()
            .Gemm(64 * 11 * 11, 1024).Relu().Gemm(1024, 10).Add("Softmax", "softmax", [], Int("axis", 1)).Build("probs");
        var rows = Report(g);
        Assert.Equal([1, 32, 26, 26], rows[0].OutputShape);
        Assert.Equal([1, 32, 13, 13], rows[1].OutputShape);
        Assert.Equal([1, 64, 11, 11], rows[2].OutputShape);
        Assert.Equal(320, rows[0].Parameters);                    // 32·(9+1)
        Assert.Equal(18496, rows[2].Parameters);                  // 64·(32·9+1)
        Assert.Equal(7744L * 1024 + 1024, rows[4].Parameters);    // 7,744 features → 1,024
        Assert.Equal(10250, rows[5].Parameters);
        var session = new Session(Model.FromGraph(g));
        var p = new float[10];
        session.Run(Random([1, 1, 28, 28], 4).Floats, p);
        Assert.Equal(1f, p.Sum(), 5);
    }

    [Fact]
    public void Two_stacked_3x3_convolutions_see_5x5_and_strides_grow_the_field_faster()
    {
        var rows = Report(new GraphBuilder("x", [1, 1, 16, 16]).Conv(1, 1, 3).Conv(1, 1, 3).Build("y"));
        Assert.Equal([3, 3], rows[0].ReceptiveField!);
        Assert.Equal([5, 5], rows[1].ReceptiveField!);

        // Pooling (2/2) between them: the second conv's taps are 2 input pixels apart → 3 + 2·2 + 1 = 8.
        rows = Report(new GraphBuilder("x", [1, 1, 16, 16]).Conv(1, 1, 3).MaxPool(2, 2).Conv(1, 1, 3).Build("y"));
        Assert.Equal([8, 8], rows[2].ReceptiveField!);
        Assert.Equal([2, 2], rows[2].CumulativeStride!);

        // Dilation 2 inserts holes: a 3×3 kernel spans 5×5.
        var b = new GraphBuilder("x", [1, 1, 16, 16]);
        var dilated = b.Add("Conv", "d", [b.Weight("w", 1, 1, 3, 3)], Ints("kernel_shape", 3, 3), Ints("dilations", 2, 2)).Build("y");
        Assert.Equal([5, 5], Report(dilated)[0].ReceptiveField!);

        // A fully connected layer sees the whole input.
        Assert.Null(Report(GraphBuilder.TypicalCnn())[5].ReceptiveField);
    }

    /// <summary>
    /// Activations from the notes' table that ONNX has no operator for run as small subgraphs of operators it has;
    /// checked against the formula at a handful of points.
    /// </summary>
    [Theory]
    [InlineData("bent identity")]
    [InlineData("ISRU")]
    [InlineData("APL")]
    [InlineData("SReLU")]
    public void Activations_without_an_onnx_operator_compose_from_ones_that_have_one(string name)
    {
        float[] xs = [-3f, -1.5f, -0.25f, 0f, 0.5f, 2f, 4f];
        var g = new ModelGraph { Opset = 13 };
        g.Inputs.Add(new ValueDecl { Name = "x", Dims = [xs.Length] });
        void Const(string n, float v) => g.Initializers[n] = Tensor.FromFloats([], [v]);
        void Op(string op, string output, params string[] inputs) =>
            g.Nodes.Add(new Node { Name = output, OpType = op, Inputs = inputs, Outputs = [output] });
        Func<float, float> formula;
        switch (name)
        {
            case "bent identity": // (√(x²+1) − 1)/2 + x
                Const("one", 1); Const("two", 2);
                Op("Mul", "x2", "x", "x"); Op("Add", "x21", "x2", "one"); Op("Sqrt", "s", "x21"); Op("Sub", "s1", "s", "one");
                Op("Div", "h", "s1", "two"); Op("Add", "y", "h", "x");
                formula = x => (MathF.Sqrt(x * x + 1) - 1) / 2 + x;
                break;
            case "ISRU": // x / √(1 + αx²), α = 0.5
                Const("one", 1); Const("alpha", 0.5f);
                Op("Mul", "x2", "x", "x"); Op("Mul", "ax2", "x2", "alpha"); Op("Add", "d", "ax2", "one"); Op("Sqrt", "s", "d");
                Op("Div", "y", "x", "s");
                formula = x => x / MathF.Sqrt(1 + 0.5f * x * x);
                break;
            case "APL": // max(0, x) + a·max(0, −x + b), one hinge with a = 0.3, b = 1
                Const("a", 0.3f); Const("b", 1);
                Op("Relu", "r", "x"); Op("Neg", "nx", "x"); Op("Add", "nxb", "nx", "b"); Op("Relu", "h", "nxb");
                Op("Mul", "ah", "h", "a"); Op("Add", "y", "r", "ah");
                formula = x => MathF.Max(0, x) + 0.3f * MathF.Max(0, -x + 1);
                break;
            default: // SReLU with thresholds t_l = −1, t_r = 2 and slopes a_l = 0.1, a_r = 0.5
                Const("tl", -1); Const("tr", 2); Const("al", 0.1f); Const("ar", 0.5f);
                Op("Min", "mid0", "x", "tr"); Op("Max", "mid", "mid0", "tl");                  // clamp to [t_l, t_r]
                Op("Sub", "over", "x", "tr"); Op("Relu", "overp", "over"); Op("Mul", "right", "overp", "ar");
                Op("Sub", "under", "tl", "x"); Op("Relu", "underp", "under"); Op("Mul", "left", "underp", "al");
                Op("Add", "s", "mid", "right"); Op("Sub", "y", "s", "left");
                formula = x => x >= 2 ? 2 + 0.5f * (x - 2) : x <= -1 ? -1 + 0.1f * (x + 1) : x;
                break;
        }
        g.Outputs.Add(new ValueDecl { Name = "y" });
        var y = new float[xs.Length];
        new Session(Model.FromGraph(g)).Run(xs, y);
        AssertClose(xs.Select(formula).ToArray(), y, 1e-6f, 1e-6f);
    }
}
