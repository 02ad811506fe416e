using System.Collections.Concurrent;
using System.Diagnostics;

namespace SharpGrad.Distributed;

/// <summary>
/// One MPI operation handed to the <see cref="MpiThread"/>: it starts a non-blocking MPI call and gives back the request;
/// the caller waits on it. Buffers it points into must stay pinned until <see cref="Wait"/> returns.
/// </summary>
internal sealed unsafe class MpiOperation(string name, MpiOperation.Launcher launch)
{
    /// <summary>Starts the MPI call, writes its request, returns the MPI error code (0 on success).</summary>
    public delegate int Launcher(MpiLibrary mpi, nint* request);

    private readonly ManualResetEventSlim _done = new(false);
    private Exception? _error;

    /// <summary>PyTorch's name of the collective, for messages (<c>all_reduce</c>, <c>broadcast</c>...).</summary>
    public string Name { get; } = name;

    internal int Start(MpiLibrary mpi, nint* request) => launch(mpi, request);

    internal void Complete(Exception? error)
    {
        _error = error;
        _done.Set();
    }

    /// <summary>True once the operation finished (successfully or not).</summary>
    public bool IsCompleted => _done.IsSet;

    /// <summary>True once a thread waits for the operation: the MPI thread then polls it eagerly.</summary>
    internal bool Awaited => _awaited;

    private volatile bool _awaited;

    /// <summary>Blocks until the MPI thread finished the operation; rethrows its error.</summary>
    /// <exception cref="DistBackendException">MPI reported an error.</exception>
    public void Wait()
    {
        _awaited = true;
        _done.Wait();
        if (_error is not null) throw new DistBackendException(_error.Message, _error);
    }
}

/// <summary>
/// The one thread that calls MPI. It initialises MPI with <c>MPI_THREAD_FUNNELED</c> (only this thread makes MPI calls,
/// so nothing depends on the library's thread-multiple support), then runs the operations queued by any thread in
/// queue order: the order in which collectives are issued is then the same on every rank as long as every rank queues
/// them in the same order. Each operation is a non-blocking MPI call completed with <c>MPI_Test</c> (OpenMPI moves data
/// between processes only inside MPI calls), so that a rank that died or hangs makes this one fail after the process
/// group's timeout (printing which collective and aborting the job with <c>MPI_Abort</c>) instead of waiting forever.
/// How often it polls depends on who waits: an operation some thread waits for is polled eagerly (spinning, then
/// yielding); one that runs in the background while backward goes on (a DDP bucket) is polled every ~200 microseconds
/// with sleeps in between, so that the thread takes little CPU from the compute threads it overlaps with. While the
/// queue is empty the thread sleeps: it costs the compute threads nothing between collectives.
/// </summary>
internal sealed unsafe class MpiThread
{
    private const int BackgroundPollMicroseconds = 200;

    private readonly BlockingCollection<MpiOperation?> _queue = new();
    private readonly Thread _thread;
    private readonly TimeSpan _timeout;
    private readonly TaskCompletionSource _initialised = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MpiThread(MpiLibrary mpi, TimeSpan timeout)
    {
        Mpi = mpi;
        _timeout = timeout;
        _thread = new Thread(Loop) { IsBackground = true, Name = "SharpGrad MPI" };
    }

    /// <summary>The library this thread calls.</summary>
    public MpiLibrary Mpi { get; }

    /// <summary>This process's rank in MPI_COMM_WORLD.</summary>
    public int Rank { get; private set; }

    /// <summary>Number of processes in MPI_COMM_WORLD.</summary>
    public int Size { get; private set; }

    /// <summary>Starts the thread and initialises MPI on it; returns once MPI_Init_thread returned.</summary>
    /// <exception cref="DistBackendException">MPI could not be initialised.</exception>
    public static MpiThread Start(MpiLibrary mpi, TimeSpan timeout)
    {
        var thread = new MpiThread(mpi, timeout);
        thread._thread.Start();
        try
        {
            thread._initialised.Task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not DistBackendException)
        {
            throw new DistBackendException($"init_process_group: MPI_Init_thread failed: {e.Message}", e);
        }
        return thread;
    }

    /// <summary>Queues an operation; wait on it with <see cref="MpiOperation.Wait"/>.</summary>
    public MpiOperation Post(MpiOperation operation)
    {
        try
        {
            _queue.Add(operation);
        }
        catch (InvalidOperationException)
        {
            throw new InvalidOperationException($"{operation.Name}: the process group has been destroyed");
        }
        return operation;
    }

    /// <summary>Runs an operation and waits for it.</summary>
    public void Run(string name, MpiOperation.Launcher launch) => Post(new MpiOperation(name, launch)).Wait();

    /// <summary>
    /// Finishes the queued operations, calls MPI_Finalize and ends the thread. Returns false when that did not happen
    /// within <paramref name="wait"/> (a collective still waiting for another rank).
    /// </summary>
    public bool Stop(TimeSpan wait)
    {
        try { _queue.Add(null); _queue.CompleteAdding(); } catch (InvalidOperationException) { }
        return _finished.Task.Wait(wait);
    }

    private void Loop()
    {
        try
        {
            // MPI_Iallreduce in place on fewer than 4 processes defaults to a binomial tree: one rank receives and adds
            // the whole buffer, then sends it back. Reduce-scatter + all-gather (Rabenseifner) splits that work evenly:
            // for deep's 11.5 MB gradient about 30 % less CPU per process (bench/README.md). mpirun --mca overrides it.
            MpiLibrary.SetMcaDefault("coll_libnbc_iallreduce_algorithm", "3");
            int provided = 0;
            int rc = Mpi.InitThread(null, null, MpiLibrary.ThreadFunneled, &provided);
            if (rc != MpiLibrary.Success) throw new DistBackendException($"init_process_group: MPI_Init_thread failed: {Mpi.Describe(rc)}");
            Check(Mpi.CommSetErrhandler(Mpi.CommWorld, Mpi.ErrorsReturn), "init_process_group");
            int rank, size;
            Check(Mpi.CommRank(Mpi.CommWorld, &rank), "get_rank");
            Check(Mpi.CommSize(Mpi.CommWorld, &size), "get_world_size");
            (Rank, Size) = (rank, size);
        }
        catch (Exception e)
        {
            _initialised.SetException(e);
            return;
        }
        _initialised.SetResult();

        foreach (var operation in _queue.GetConsumingEnumerable())
        {
            if (operation is null) break;
            try
            {
                nint request = 0;
                Check(operation.Start(Mpi, &request), operation.Name);
                Complete(request, operation);
                operation.Complete(null);
            }
            catch (Exception e)
            {
                operation.Complete(e);
            }
        }
        Mpi.Finalize();
        _finished.SetResult();
    }

    /// <summary>Polls the request until it completes; aborts the job when it takes longer than the timeout.</summary>
    private void Complete(nint request, MpiOperation operation)
    {
        var clock = Stopwatch.StartNew();
        long awaitedSince = -1; // clock milliseconds when a thread started waiting
        for (int polls = 0, eager = 0; ; polls++)
        {
            int flag = 0;
            Check(Mpi.Test(&request, &flag, null), operation.Name);
            if (flag != 0) return;
            if ((polls & 63) == 0 && clock.Elapsed > _timeout) AbortJob(operation.Name, clock.Elapsed);
            // In the background (a DDP bucket while backward runs on): a poll every ~200 us, each waking costs the
            // compute thread on that core a context switch; a bucket's all-reduce needs only a handful of polls.
            if (!operation.Awaited) { MpiLibrary.SleepMicroseconds(BackgroundPollMicroseconds); continue; }
            if (awaitedSince < 0) awaitedSince = clock.ElapsedMilliseconds;
            // Awaited: eager at first (a collective between processes on one machine takes tens of microseconds to
            // milliseconds), then yielding the core, then short sleeps while another rank is far behind.
            if (eager++ < 200) Thread.SpinWait(20);
            else if (clock.ElapsedMilliseconds - awaitedSince < 2) Thread.Yield();
            else MpiLibrary.SleepMicroseconds(100);
        }
    }

    private void AbortJob(string name, TimeSpan waited)
    {
        Console.Error.WriteLine(
            $"rank {Rank}: {name} did not complete within the process group's timeout ({waited.TotalSeconds:F0} s): " +
            "another rank died or stopped calling collectives. Aborting the job (MPI_Abort).");
        Console.Error.Flush();
        Mpi.Abort(Mpi.CommWorld, 1);
        Environment.Exit(1); // MPI_Abort does not return; this is for a library that does
    }

    private void Check(int rc, string name)
    {
        if (rc != MpiLibrary.Success) throw new DistBackendException($"{name}: {Mpi.Describe(rc)} (rank {Rank})");
    }
}
