using System.Collections.Concurrent;

namespace SharpGrad.Tests.Devices;

/// <summary>
/// Several threads using the test device at once while collections run (moving young host arrays and sending dead
/// storages' blocks back to the caching allocator). Every result is compared with the CPU's. Each test starts its own
/// threads, so the class runs alone.
/// </summary>
[Collection(nameof(DeviceMemoryCollection))]
public class DeviceConcurrencyTests
{
    private static readonly Device D = DeviceCheck.Accel;

    [Fact]
    public void ThreadsSharingTheDevice_GetTheCpusResults_WhileBlocksAreRecycled()
    {
        var failures = new ConcurrentQueue<string>();
        Round(0, 0, failures);   // compiles the kernels (seconds on the simulator) before the clock starts
        int rounds = RunWithCollections(3, TimeSpan.FromSeconds(2), failures, (t, i) =>
        {
            Round(t, i, failures);
            if (i % 3 == t % 3) GC.Collect();   // full collections too: dead storages' blocks go back to the cache
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(3)));
        Assert.True(rounds >= 3, $"only {rounds} rounds ran");
    }

    /// <summary>ILGPU's copies take a raw pointer to the host buffer: it must stay pinned while they run.</summary>
    [Fact]
    public void CopiesBetweenHostAndDevice_SurviveCollectionsThatMoveTheHostArrays()
    {
        const int n = 12_000;   // 48 KB: below the large-object heap, so a collection may move the arrays
        var backend = Kernels.Accelerator.AcceleratorBackend.For(D);
        var storages = new[] { backend.Allocate(DType.Float32, n, zero: false), backend.Allocate(DType.Float32, n, zero: false) };
        var failures = new ConcurrentQueue<string>();
        int copies = RunWithCollections(2, TimeSpan.FromSeconds(1.5), failures, (t, i) =>
        {
            var up = new float[n];   // fresh arrays live in generation 0, which collections compact
            Array.Fill(up, 1 + i + 1000 * t);
            backend.Upload<float>(up, storages[t], 0);
            var down = new float[n];
            backend.Download<float>(storages[t], 0, down);
            int wrong = Array.FindIndex(down, v => v != up[0]);
            if (wrong >= 0) failures.Enqueue($"thread {t}, copy {i}: element {wrong} read back as {down[wrong]}, not {up[0]}");
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(3)));
        Assert.True(copies > 10, $"only {copies} round trips ran");
    }

    /// <summary>
    /// Runs <paramref name="work"/>(thread, iteration) on <paramref name="threads"/> threads until the time is up or
    /// something failed, while one more thread starts a generation-0 collection every few microseconds (as other
    /// threads' allocations may at any moment). Returns the number of iterations run.
    /// </summary>
    private static int RunWithCollections(int threads, TimeSpan time, ConcurrentQueue<string> failures, Action<int, int> work)
    {
        var until = DateTime.UtcNow + time;
        int iterations = 0;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                for (int i = 0; DateTime.UtcNow < until && failures.IsEmpty; i++)
                {
                    work(t, i);
                    Interlocked.Increment(ref iterations);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"thread {t}: {e}");
            }
        })).ToList();
        var collector = new Thread(() =>
        {
            while (DateTime.UtcNow < until && failures.IsEmpty)
            {
                GC.Collect(0);
                Thread.SpinWait(20_000);   // without a pause the collections starve the workers
            }
        });
        workers.ForEach(w => w.Start());
        collector.Start();
        workers.ForEach(w => w.Join());
        collector.Join();
        return iterations;
    }

    private static void Round(int thread, int i, ConcurrentQueue<string> failures)
    {
        // Host arrays of 4-20 KB: below the large-object heap, so a collection moves them.
        int n = 32 + 16 * ((i + thread) % 5);
        var big = DeviceCheck.Rand(3 + i, n, 32);
        Expect(failures, "round trip", big, big.To(D));
        Expect(failures, "float64 round trip", big.Double(), big.Double().To(D));
        if (i % 16 != 0) return;
        int m = 3 + (i + thread) % 5;
        var x = DeviceCheck.Rand(1000 * thread + i, m, m + 1).T;   // non-contiguous
        var y = DeviceCheck.Rand(7 + 1000 * thread + i, m + 1, m);
        Expect(failures, "abs", x.Abs(), x.To(D).Abs());
        Expect(failures, "add", x + y, x.To(D) + y.To(D));
        Expect(failures, "matmul", x.MatMul(y.T), x.To(D).MatMul(y.To(D).T));
        Expect(failures, "sum", (x * 2).Sum(0), (x.To(D) * 2).Sum(0));
    }

    private static void Expect(ConcurrentQueue<string> failures, string op, Tensor cpu, Tensor device)
    {
        var want = cpu.ToArray<double>();
        var got = device.Cpu().ToArray<double>();
        for (int k = 0; k < want.Length; k++)
            if (Math.Abs(want[k] - got[k]) > 1e-5 * (1 + Math.Abs(want[k])))
            {
                failures.Enqueue($"{op}: element {k} of {want.Length} is {got[k]}, the CPU's {want[k]} ({got.Count(v => v == 0)} zeros)");
                return;
            }
    }
}
