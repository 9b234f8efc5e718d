using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cnnrt.Kernels.F32Vector;
using Cnnrt.Operators;
using Cnnrt.Threading;

namespace Cnnrt.Kernels.F32Elementwise;

/// <summary>
/// A binary operator (Add, Sub, Mul, Div, Max, Min) on a channel-blocked operand (<see cref="ChannelBlockedLayout"/>,
/// [N, C, H, W]) and a per-channel one ([N or 1, C, 1, 1], or one value), writing the blocked output: squeeze-and-
/// excitation's scale × x. Each (image, block) loads the per-channel operand's vector once (the last block's lanes past
/// C from a zero-padded copy) and runs its pixels' vectors; the operands keep their order (x − s is not s − x).
/// </summary>
internal sealed class ChannelBlockedBinaryStep<V, TVec, TOp> : Step, IParallelWork
    where V : struct, IF32Vector<TVec> where TVec : struct where TOp : IVectorBinaryOp
{
    private readonly Slot blocked, perChannel, y;
    private readonly bool blockedFirst, perImage, scalar;
    private readonly int batch, channels, plane, blocks;
    private readonly WorkerPool? pool;
    private readonly RangeSplit split;

    /// <param name="blockedFirst">Whether the blocked operand is the operator's input 0.</param>
    /// <param name="perImage">Whether the per-channel operand has one set of channels per image (else one for all).</param>
    public ChannelBlockedBinaryStep(Slot blocked, Slot perChannel, Slot y, bool blockedFirst, int batch, int channels, int plane,
        bool perImage, WorkerPool? pool)
    {
        (this.blocked, this.perChannel, this.y, this.blockedFirst) = (blocked, perChannel, y, blockedFirst);
        (this.batch, this.channels, this.plane, this.perImage) = (batch, channels, plane, perImage);
        scalar = perChannel.Length == 1;
        blocks = ChannelBlockedLayout.Blocks(channels, V.Count);
        this.pool = pool is { Threads: > 1 } ? pool : null;
        split = new RangeSplit(batch * blocks, this.pool, (F32ElementwiseSteps.MinParallelFloats + plane * V.Count - 1) / (plane * V.Count),
            tasksPerThread: 2);
    }

    public override void Run() => split.Run(this, pool);

    [SkipLocalsInit]
    public void Execute(int task, int thread)
    {
        int c = V.Count;
        Span<float> padded = stackalloc float[c];
        ref float x = ref MemoryMarshal.GetReference(blocked.ReadOnly);
        ref float output = ref MemoryMarshal.GetReference(y.Span);
        var values = perChannel.ReadOnly;
        for (int unit = split.Start(task), end = unit + split.Length(task); unit < end; unit++)
        {
            int n = unit / blocks, first = unit % blocks * c;
            TVec s;
            if (scalar) s = V.Create(values[0]);
            else
            {
                var from = values.Slice((perImage ? n * channels : 0) + first, Math.Min(c, channels - first));
                padded.Clear();
                from.CopyTo(padded);
                s = V.Load(ref MemoryMarshal.GetReference(padded));
            }
            nint at = (nint)unit * plane * c;
            for (int p = 0; p < plane; p++, at += c)
            {
                var v = V.Load(ref Unsafe.Add(ref x, at));
                V.Store(blockedFirst ? TOp.Invoke<V, TVec>(v, s) : TOp.Invoke<V, TVec>(s, v), ref Unsafe.Add(ref output, at));
            }
        }
    }
}
