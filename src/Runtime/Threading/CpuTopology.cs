namespace Cnnrt.Threading;

/// <summary>How many physical cores this machine has: the default thread count (SMT siblings share one FMA unit set).</summary>
public static class CpuTopology
{
    public static int PhysicalCores { get; } = Detect();

    private static int Detect()
    {
        // Linux: count distinct (package, core) pairs among the online CPUs.
        try
        {
            var cores = new HashSet<(string, string)>();
            foreach (var cpu in Directory.EnumerateDirectories("/sys/devices/system/cpu", "cpu*"))
            {
                string topology = Path.Combine(cpu, "topology");
                string core = Path.Combine(topology, "core_id"), package = Path.Combine(topology, "physical_package_id");
                if (File.Exists(core) && File.Exists(package))
                    cores.Add((File.ReadAllText(package).Trim(), File.ReadAllText(core).Trim()));
            }
            if (cores.Count > 0) return Math.Min(cores.Count, Environment.ProcessorCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // fall through to the logical count
        }
        return Environment.ProcessorCount;
    }
}
