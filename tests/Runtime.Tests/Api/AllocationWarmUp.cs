namespace Cnnrt.Tests.Api;

/// <summary>What the zero-allocation tests run before they measure.</summary>
public static class AllocationWarmUp
{
    /// <summary>
    /// Runs until a window of runs allocates nothing. The first calls of each method allocate once inside the runtime
    /// (tiered JIT promotes hot methods after a short delay, on a background thread, and installs them lazily), which
    /// is not per-inference cost; a per-run allocation never reaches a clean window, and the test then fails.
    /// </summary>
    public static void Run(Action run, int runsPerWindow = 100)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < runsPerWindow; i++) run();
            if (GC.GetAllocatedBytesForCurrentThread() == before && attempt >= 3) return;
            Thread.Sleep(50);
        }
    }
}
