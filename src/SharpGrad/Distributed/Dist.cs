using System.Runtime.InteropServices;

namespace SharpGrad.Distributed;

/// <summary>
/// The default process group and its collectives (PyTorch <c>torch.distributed</c>, imported as <c>dist</c>), on MPI:
/// OpenMPI's <c>libmpi.so.40</c> (Debian's <c>openmpi-bin</c>) called through P/Invoke. Start the program with
/// <c>mpirun -np N</c>, call <see cref="InitProcessGroup"/> once, then use the collectives; every rank must call the same
/// collectives in the same order. Collectives work in place on float32, float64 and int64 tensors.
/// </summary>
public static partial class Dist
{
    private static readonly Lock s_lock = new();
    private static MpiThread? s_group;
    private static bool s_hooksInstalled;
    private static volatile bool s_terminating;
    private static PosixSignalRegistration? s_sigterm;

    /// <summary>PyTorch's default timeout for collectives (30 minutes).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Creates the default process group (<c>dist.init_process_group(backend="mpi", timeout=...)</c>): loads libmpi and
    /// initialises MPI on the group's communication thread. Rank and world size come from <c>mpirun</c>.
    /// </summary>
    /// <param name="backend">Only <c>"mpi"</c>.</param>
    /// <param name="timeout">
    /// How long a collective may wait for the other ranks before the job is aborted (a rank died or hangs); 30 minutes
    /// when null, as PyTorch.
    /// </param>
    /// <exception cref="ArgumentException">An unknown backend or a timeout that is not positive.</exception>
    /// <exception cref="InvalidOperationException">Already initialised, or the program was not started by <c>mpirun</c>.</exception>
    /// <exception cref="DllNotFoundException">libmpi.so.40 is missing; the message names the package (openmpi-bin).</exception>
    public static void InitProcessGroup(string backend = "mpi", TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!string.Equals(backend, "mpi", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"init_process_group: backend '{backend}' is not available; SharpGrad supports 'mpi' (OpenMPI)");
        var wait = timeout ?? DefaultTimeout;
        if (wait <= TimeSpan.Zero) throw new ArgumentException($"init_process_group: timeout must be positive, got {wait}");
        lock (s_lock)
        {
            if (s_group is not null)
                throw new InvalidOperationException("init_process_group: trying to initialize the default process group twice");
            if (!StartedByMpirun())
                throw new InvalidOperationException(
                    "init_process_group: backend 'mpi' needs the program to be started by mpirun (neither OMPI_COMM_WORLD_SIZE nor PMIX_RANK is set), " +
                    "e.g. `mpirun -np 2 sharpgrad mnist`; mpirun comes with Debian's openmpi-bin (sudo apt-get install openmpi-bin)");
            var mpi = MpiLibrary.Load();
            s_group = MpiThread.Start(mpi, wait);
            InstallProcessHooks();
        }
    }

    /// <summary>
    /// True when the environment says this process was started by OpenMPI's <c>mpirun</c> (<c>OMPI_COMM_WORLD_SIZE</c>)
    /// or another PMIx launcher such as Slurm's <c>srun --mpi=pmix</c> (<c>PMIX_RANK</c>).
    /// </summary>
    public static bool StartedByMpirun()
        => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <summary>True when libmpi.so.40 can be loaded (<c>dist.is_mpi_available()</c>).</summary>
    public static bool IsMpiAvailable()
    {
        if (s_group is not null) return true;
        if (!NativeLibrary.TryLoad(MpiLibrary.SoName, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>True once <see cref="InitProcessGroup"/> ran and <see cref="DestroyProcessGroup"/> did not (<c>dist.is_initialized()</c>).</summary>
    public static bool IsInitialized() => s_group is not null;

    /// <summary>This process's rank, 0..world size - 1 (<c>dist.get_rank()</c>).</summary>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static int GetRank() => Group("get_rank").Rank;

    /// <summary>The number of processes (<c>dist.get_world_size()</c>).</summary>
    /// <exception cref="InvalidOperationException">The process group is not initialised.</exception>
    public static int GetWorldSize() => Group("get_world_size").Size;

    /// <summary>
    /// Shuts the process group down (<c>dist.destroy_process_group()</c>): waits for queued collectives, then
    /// <c>MPI_Finalize</c>. MPI cannot be initialised again in the same process afterwards. Also done at process exit.
    /// </summary>
    public static void DestroyProcessGroup()
    {
        MpiThread? group;
        lock (s_lock)
        {
            group = s_group;
            s_group = null;
        }
        group?.Stop(Timeout.InfiniteTimeSpan);
    }

    /// <summary>The initialised group, or an error naming the op.</summary>
    internal static MpiThread Group(string op) => s_group ?? throw new InvalidOperationException(
        $"{op}: default process group has not been initialized, please make sure to call Dist.InitProcessGroup(\"mpi\") first");

    /// <summary>
    /// At exit, finalises MPI when the program did not (mpirun reports a process that exits without MPI_Finalize as a
    /// failure), unless the process is being stopped by mpirun (SIGTERM, sent when another rank failed): then a
    /// collective may be waiting for the dead rank, and the process leaves at once with an error.
    /// </summary>
    private static void InstallProcessHooks()
    {
        if (s_hooksInstalled) return;
        s_hooksInstalled = true;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (s_terminating) return;
            MpiThread? group;
            lock (s_lock) { group = s_group; s_group = null; }
            group?.Stop(TimeSpan.FromSeconds(10));
        };
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            s_sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                s_terminating = true;
                int rank = s_group?.Rank ?? -1;
                Console.Error.WriteLine($"rank {rank}: stopped by SIGTERM (mpirun stops every rank when one of them fails or the job is interrupted)");
                context.Cancel = true;
                Environment.Exit(143);
            });
    }
}
