using SharpGrad.Data;
using SharpGrad.Distributed;
using SharpGrad.NN;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>
/// What changes when <c>sharpgrad mnist</c> runs data-parallel (started by <c>mpirun -np N</c>, or <c>--distributed</c>):
/// the model is wrapped in <see cref="DistributedDataParallel"/>, each rank trains on its <see cref="DistributedSampler"/>
/// share of every epoch with <c>--batch-size</c> samples per step (so a step sees N x batch size samples), the epoch's
/// training loss and accuracy are summed over the ranks, and only rank 0 prints, shows progress and the dashboard, and
/// writes the run folder. Every rank runs the test pass on the whole test set (the replicas are identical, so every
/// rank takes the same early-stopping decision).
/// </summary>
internal sealed class MnistDistributed
{
    private MnistDistributed(int rank, int worldSize)
    {
        Rank = rank;
        WorldSize = worldSize;
    }

    /// <summary>This process's rank.</summary>
    public int Rank { get; }

    /// <summary>Number of processes training together.</summary>
    public int WorldSize { get; }

    /// <summary>True on the rank that prints and writes files.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>
    /// Initialises the MPI process group when <paramref name="requested"/> or when the program runs under mpirun;
    /// null otherwise (a plain single-process run).
    /// </summary>
    public static MnistDistributed? Begin(bool requested)
    {
        if (!requested && !Dist.StartedByMpirun()) return null;
        try
        {
            Dist.InitProcessGroup("mpi");
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException)
        {
            throw new Infrastructure.UsageException($"--distributed: {e.Message}");
        }
        // The ranks on this machine share its cores: each gets its part (as torchrun sets OMP_NUM_THREADS), else N ranks
        // with a thread per core each would fight over the cores.
        if (int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int local) && local > 0)
            Kernels.Threading.NumThreads = Math.Max(1, Environment.ProcessorCount / local);
        return new MnistDistributed(Dist.GetRank(), Dist.GetWorldSize());
    }

    /// <summary>The model every training step runs: <paramref name="model"/> wrapped so that backward averages its gradients.</summary>
    public static Module Wrap(Module model) => new DistributedDataParallel(model);

    /// <summary>This rank's share of each epoch, shuffled with <paramref name="seed"/> (call <see cref="DistributedSampler.SetEpoch"/>).</summary>
    public static DistributedSampler Sampler(Dataset train, long seed) => new(train, shuffle: true, seed: unchecked((ulong)seed));

    /// <summary>Sums the ranks' values of <paramref name="values"/> in place (the tensor wraps the array).</summary>
    public static void Sum(double[] values) => Dist.AllReduce(Tensor.FromBuffer(values, values.Length));

    /// <summary>Shuts the process group down.</summary>
    public static void End() => Dist.DestroyProcessGroup();
}
