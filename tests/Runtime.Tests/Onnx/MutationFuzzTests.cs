using Cnnrt.Onnx;
using Cnnrt.Tests.Support;

namespace Cnnrt.Tests.Onnx;

/// <summary>
/// Corrupted models (random byte flips, in the protobuf framing and in the payloads) either load and run or fail with
/// a CnnrtException — never another exception type, a crash or a hang.
/// </summary>
public sealed class MutationFuzzTests
{
    [Fact]
    public void Flipped_bytes_give_a_cnnrt_error_or_a_working_model()
    {
        var original = OnnxWriter.Write(GraphBuilder.TypicalCnn());
        var rng = new Random(11);
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++)
            {
                // Bias half the flips toward the first 600 bytes, where the graph structure (not weights) lives.
                int at = rng.Next(2) == 0 ? rng.Next(Math.Min(600, bytes.Length)) : rng.Next(bytes.Length);
                bytes[at] = (byte)rng.Next(256);
            }
            try
            {
                var model = Model.Load(bytes);
                using var session = new Session(model, new SessionOptions { Threads = 1 });
                for (int i = 0; i < session.InputCount; i++) session.Input(i).Fill(0.5f);
                session.Run();
                loaded++;
            }
            catch (CnnrtException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                rejected++;
            }
        }
        Assert.True(loaded + rejected == 400);
    }
}
