namespace SharpGrad.Kernels;

/// <summary>How many threads the kernels may use (PyTorch <c>torch.set_num_threads</c>). Results never depend on it.</summary>
public static class Threading
{
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>True on a thread that is running the body of a parallel <see cref="For"/>: nested loops then run serially.</summary>
    [ThreadStatic]
    private static bool t_inParallel;

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

    /// <summary>Threads a kernel called here may use: 1 inside the body of a parallel <see cref="For"/>, else <see cref="NumThreads"/>.</summary>
    internal static int Available => t_inParallel ? 1 : s_threads;

    /// <summary>
    /// Runs <paramref name="body"/> for 0..count-1, in parallel when worth it. Each index must write disjoint output.
    /// Kernels called from a parallel body (a GEMM per image, say) run on that body's thread.
    /// </summary>
    internal static void For(int count, long workPerItem, Action<int> body)
    {
        int threads = Math.Min(Available, count);
        if (threads <= 1 || workPerItem * count < 1 << 16)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            bool outer = t_inParallel;
            t_inParallel = true;
            try
            {
                body(i);
            }
            finally
            {
                t_inParallel = outer;
            }
        });
    }
}
