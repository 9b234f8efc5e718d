namespace Cnnrt.Planning;

/// <summary>One buffer to place: its size in floats and the first and last step that touch it (inclusive).</summary>
public readonly record struct ArenaRequest(int Size, int FirstStep, int LastStep);

/// <summary>
/// Places buffers with known lifetimes in one arena, greedy by size, largest first (the TFLite Micro approach):
/// each buffer takes the lowest offset that overlaps no already placed buffer whose lifetime intersects its own.
/// </summary>
public static class ArenaPlanner
{
    /// <summary>Offsets are multiples of this many floats (64 bytes: one cache line, one AVX-512 vector).</summary>
    public const int Alignment = 16;

    public static (int[] Offsets, long TotalFloats) Place(IReadOnlyList<ArenaRequest> requests)
    {
        int n = requests.Count;
        var offsets = new int[n];
        var order = Enumerable.Range(0, n).OrderByDescending(i => requests[i].Size).ThenBy(i => requests[i].FirstStep).ToArray();
        var placed = new List<int>(n);
        long total = 0;
        var busy = new List<(long Start, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            long size = Align(r.Size);
            busy.Clear();
            foreach (int j in placed)
            {
                var q = requests[j];
                if (q.FirstStep <= r.LastStep && r.FirstStep <= q.LastStep)
                    busy.Add((offsets[j], offsets[j] + Align(q.Size)));
            }
            busy.Sort((a, b) => a.Start.CompareTo(b.Start));
            long offset = 0;
            foreach (var (start, end) in busy)
            {
                if (offset + size <= start) break;
                offset = Math.Max(offset, end);
            }
            if (offset > int.MaxValue - size) throw CnnrtException.Limit($"the arena would exceed {int.MaxValue} floats");
            offsets[i] = (int)offset;
            total = Math.Max(total, offset + size);
            placed.Add(i);
        }
        return (offsets, total);
    }

    private static long Align(int size) => (size + Alignment - 1L) / Alignment * Alignment;
}
