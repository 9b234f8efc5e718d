namespace Cnnrt.Threading;

/// <summary>
/// Work split into independent tasks (whole micro-kernel tiles): task t writes only its own part of the output, so
/// the result does not depend on which thread runs it. <paramref name="thread"/> (0..threads-1) selects per-thread
/// scratch memory.
/// </summary>
public interface IParallelWork
{
    void Execute(int task, int thread);
}
