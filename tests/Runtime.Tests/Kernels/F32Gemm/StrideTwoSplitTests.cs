using Cnnrt.Kernels.F32Gemm;

namespace Cnnrt.Tests.Kernels.F32Gemm;

/// <summary>The even/odd row split behind stride-2 staging, on every length around the vector widths.</summary>
public class StrideTwoSplitTests
{
    [Fact]
    public unsafe void SplitsEveryLengthAndSkipsMissingDestinations()
    {
        for (int count = 0; count <= 70; count++)
        foreach (var (wantEven, wantOdd) in new[] { (true, true), (true, false), (false, true) })
        {
            var source = Enumerable.Range(0, count).Select(i => (float)i + 0.5f).ToArray();
            var even = Enumerable.Repeat(float.NaN, count / 2 + 2).ToArray();
            var odd = Enumerable.Repeat(float.NaN, count / 2 + 2).ToArray();
            fixed (float* s = source, e = even, o = odd)
                StrideTwoSplit.Run(s, count, wantEven ? e : null, wantOdd ? o : null);
            for (int i = 0; i < even.Length; i++)
            {
                bool written = wantEven && 2 * i < count;
                Assert.True(written ? even[i] == source[2 * i] : float.IsNaN(even[i]), $"count {count}: even[{i}] = {even[i]}");
            }
            for (int i = 0; i < odd.Length; i++)
            {
                bool written = wantOdd && 2 * i + 1 < count;
                Assert.True(written ? odd[i] == source[2 * i + 1] : float.IsNaN(odd[i]), $"count {count}: odd[{i}] = {odd[i]}");
            }
        }
    }
}
