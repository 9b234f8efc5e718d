using Cnnrt.Kernels.F32Vector;

namespace Cnnrt.Tests.Kernels.F32Vector;

/// <summary>The short-row copy behind convolution staging and Winograd windows, on every length around the vector
/// widths: exactly the row is written, nothing before or after it.</summary>
public class ShortRowCopyTests
{
    [Fact]
    public unsafe void CopiesEveryLengthAndNothingElse()
    {
        for (int count = 0; count <= 40; count++)
        {
            var source = Enumerable.Range(0, count).Select(i => i + 0.25f).ToArray();
            var target = Enumerable.Repeat(float.NaN, count + 2).ToArray();
            fixed (float* s = source, t = target) ShortRowCopy.Copy(s, t + 1, count);
            Assert.True(float.IsNaN(target[0]), $"count {count}: wrote before the row");
            Assert.True(float.IsNaN(target[count + 1]), $"count {count}: wrote past the row");
            Assert.Equal(source, target[1..(count + 1)]);
        }
    }
}
