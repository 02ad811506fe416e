namespace SharpGrad.Kernels;

/// <summary>How many threads the kernels may use (PyTorch <c>torch.set_num_threads</c>). Results never depend on it.</summary>
public static class Threading
{
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>The number of threads kernels split work across (at least 1; default: the processor count).</summary>
    public static int NumThreads
    {
        get => s_threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), $"set_num_threads: expected a positive number of threads, got {value}");
            s_threads = value;
        }
    }

    /// <summary>Runs <paramref name="body"/> for 0..count-1, in parallel when worth it. Each index must write disjoint output.</summary>
    internal static void For(int count, long workPerItem, Action<int> body)
    {
        int threads = Math.Min(s_threads, count);
        if (threads <= 1 || workPerItem * count < 1 << 16)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
