using static Cnnrt.Native.Tests.TestSupport;

namespace Cnnrt.Native.Tests;

[CollectionDefinition("Serial allocation measurements", DisableParallelization = true)]
public sealed class SerialAllocationCollection;

/// <summary>The run path of the C ABI allocates nothing, and its results equal the C# API's.</summary>
[Collection("Serial allocation measurements")]
public sealed unsafe class RunPathTests
{
    [Fact]
    public void Run_f32_body_allocates_zero_bytes_after_warm_up()
    {
        nint model = LoadModel();
        nint session = NativeApi.SessionCreate(model, null);
        var input = new float[784];
        var output = new float[10];
        for (int i = 0; i < input.Length; i++) input[i] = i % 13 / 13f;
        fixed (float* pi = input, po = output)
        {
            float* i = pi, o = po;
            WarmUp(() => NativeApi.SessionRunF32(session, i, 784, o, 10));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) NativeApi.SessionRunF32(session, i, 784, o, 10);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        NativeApi.SessionFree(session);
        NativeApi.ModelFree(model);
    }

    [Fact]
    public void The_export_itself_allocates_zero_bytes_after_warm_up()
    {
        // Through the [UnmanagedCallersOnly] entry point, as C calls it: the shell adds no allocation either.
        delegate* unmanaged<nint, float*, nuint, float*, nuint, int> run = &Exports.SessionRunF32;
        nint model = LoadModel();
        nint session = NativeApi.SessionCreate(model, null);
        var input = new float[784];
        var output = new float[10];
        fixed (float* pi = input, po = output)
        {
            nint i = (nint)pi, o = (nint)po, f = (nint)run;
            WarmUp(() => Assert.Equal(0, ((delegate* unmanaged<nint, float*, nuint, float*, nuint, int>)f)(session, (float*)i, 784, (float*)o, 10)));
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) run(session, pi, 784, po, 10);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        NativeApi.SessionFree(session);
        NativeApi.ModelFree(model);
    }

    [Fact]
    public void Run_body_allocates_zero_bytes_after_warm_up()
    {
        nint model = LoadModel();
        nint session = NativeApi.SessionCreate(model, null);
        var input = new float[784];
        var output = new float[10];
        fixed (float* pi = input, po = output)
        {
            float** ins = stackalloc float*[1];
            float** outs = stackalloc float*[1];
            nuint* inCounts = stackalloc nuint[1];
            nuint* outCounts = stackalloc nuint[1];
            ins[0] = pi; outs[0] = po; inCounts[0] = 784; outCounts[0] = 10;
            nint a = (nint)ins, b = (nint)outs, c = (nint)inCounts, d = (nint)outCounts;
            Action run = () => NativeApi.SessionRun(session, (float**)a, (nuint*)c, 1, (float**)b, (nuint*)d, 1);
            WarmUp(run);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++) run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        NativeApi.SessionFree(session);
        NativeApi.ModelFree(model);
    }

    [Fact]
    public void Results_equal_the_CSharp_API()
    {
        var reference = new Session(Model.Load(ModelPath));
        var input = new float[784];
        for (int i = 0; i < input.Length; i++) input[i] = (i * 7 % 255) / 255f;
        var expected = new float[10];
        reference.Run(input, expected);

        nint model = LoadModel();
        nint session = NativeApi.SessionCreate(model, null);
        var output = new float[10];
        fixed (float* i = input, o = output) NativeApi.SessionRunF32(session, i, 784, o, 10);
        Assert.Equal(expected, output);
        NativeApi.SessionFree(session);
        NativeApi.ModelFree(model);
    }

    [Fact]
    public void Top_k_orders_by_score_then_index_with_nan_last()
    {
        float[] s = [1f, 5f, float.NaN, 5f, -2f, 3f];
        var idx = new nuint[6];
        var p = new float[6];
        fixed (float* ps = s, pp = p)
        fixed (nuint* pi = idx)
            NativeApi.TopK(ps, 6, 6, pi, pp);
        Assert.Equal(new nuint[] { 1, 3, 5, 0, 4, 2 }, idx);
        double sum = Math.Exp(1) + 2 * Math.Exp(5) + Math.Exp(-2) + Math.Exp(3);
        Assert.Equal(Math.Exp(5) / sum, p[0], 5);
        Assert.Equal(0f, p[5]);
        fixed (float* ps = s)
        fixed (nuint* pi = idx)
        {
            float* q = ps;
            nuint* r = pi;
            Assert.Equal(Status.OutOfRange, Assert.Throws<NativeException>(() => NativeApi.TopK(q, 6, 7, r, null)).Status);
            Assert.Equal(Status.InvalidArgument, Assert.Throws<NativeException>(() => NativeApi.TopK(q, 0, 0, r, null)).Status);
            Assert.Equal(Status.NullArgument, Assert.Throws<NativeException>(() => NativeApi.TopK(q, 6, 2, null, null)).Status);
        }
    }

    /// <summary>Runs until a window of 20 runs allocates nothing (tiered JIT allocates once while promoting methods).</summary>
    private static void WarmUp(Action run)
    {
        for (int attempt = 0; attempt < 40; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) run();
            if (GC.GetAllocatedBytesForCurrentThread() == before && attempt >= 3) return;
            Thread.Sleep(50);
        }
    }
}
