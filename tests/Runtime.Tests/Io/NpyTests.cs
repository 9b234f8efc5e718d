using System.Text;
using Cnnrt.Io;
using Cnnrt.Tensors;

namespace Cnnrt.Tests.Io;

public sealed class NpyTests
{
    /// <summary>The bytes of <c>np.save(f, np.array([[1.5, -2], [3, 0.25]], dtype=np.float32))</c> (numpy 1.24).</summary>
    private static byte[] NumpyFile()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }" + new string(' ', 58) + "\n";
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0];
        byte[] data = [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x3E];
        return [.. prefix, .. Encoding.Latin1.GetBytes(header), .. data];
    }

    [Fact]
    public void Reads_what_numpy_writes()
    {
        var t = Npy.Read(NumpyFile(), "test.npy");
        Assert.Equal(DataType.Float, t.Type);
        Assert.Equal([2, 2], t.Shape);
        Assert.Equal([1.5f, -2f, 3f, 0.25f], t.Floats);
    }

    [Fact]
    public void Writes_what_numpy_writes()
    {
        var bytes = Npy.Write(Tensor.FromFloats([2, 2], [1.5f, -2f, 3f, 0.25f]));
        Assert.Equal(0x93, bytes[0]);
        Assert.Equal(NumpyFile(), bytes);
    }
}
