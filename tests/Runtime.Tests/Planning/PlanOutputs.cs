using Cnnrt.Kernels;
using Cnnrt.Tensors;
using static Cnnrt.Tests.OpTestUtil;

namespace Cnnrt.Tests.Planning;

/// <summary>What the planner tests check after planning a graph: the session's outputs against the reference
/// interpreter's on the unchanged graph.</summary>
internal static class PlanOutputs
{
    /// <summary>Runs <paramref name="session"/> on <paramref name="x"/> (its only input) and compares every output with
    /// <paramref name="expected"/>: bit for bit on the reference path, within <paramref name="tolerance"/> (relative and
    /// absolute) on the vector paths.</summary>
    public static void AssertMatch(Session session, Tensor x, IReadOnlyDictionary<string, Tensor> expected, KernelIsa isa, float tolerance)
    {
        x.Floats.CopyTo(session.Input(0));
        session.Run();
        for (int i = 0; i < session.OutputCount; i++)
        {
            var e = expected[session.OutputName(i)].Floats;
            var a = session.Output(i);
            if (isa == KernelIsa.Reference) Assert.Equal(e, a.ToArray());
            else AssertClose(e, a, tolerance, tolerance);
        }
    }

    /// <summary>
    /// Plans <paramref name="graph"/> on the reference path (one thread) and on every vector path at 1, 2 and 3 threads,
    /// hands each session to <paramref name="check"/> (what the plan should look like), and compares its outputs with
    /// <paramref name="expected"/> (<see cref="AssertMatch"/>, tolerance 1e-4); on each vector path the outputs must be
    /// the same bits at every thread count (threads split tiles, never a sum).
    /// </summary>
    public static void AssertEveryPathMatches(Func<Graph.ModelGraph> graph, Tensor x, IReadOnlyDictionary<string, Tensor> expected,
        Action<Session, KernelIsa> check)
    {
        foreach (var isa in Kernels.VectorKernelRunner.FastIsas.Prepend(KernelIsa.Reference))
        {
            float[]? oneThread = null;
            foreach (int threads in isa == KernelIsa.Reference ? [1] : new[] { 1, 2, 3 })
            {
                using var session = new Session(Model.FromGraph(graph()), new SessionOptions { Isa = isa, Threads = threads });
                check(session, isa);
                AssertMatch(session, x, expected, isa, 1e-4f);
                var y = session.Output(0).ToArray();
                if (oneThread is null) oneThread = y;
                else Assert.Equal(oneThread, y);
            }
        }
    }

    /// <summary>Runs <paramref name="session"/> (inputs already set) once, then batches of 10 runs until one allocates
    /// nothing on this thread (a tiered JIT recompiling in between may allocate once), at most 20 batches.</summary>
    public static void AssertRunsAllocateNothing(Session session)
    {
        session.Run();
        long allocated = long.MaxValue;
        for (int attempt = 0; attempt < 20 && allocated != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) session.Run();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }
}
