using SharpGrad.Distributed;
using SharpGrad.NN;

namespace SharpGrad.Tests.Distributed;

/// <summary>The process group's errors outside mpirun (the collectives themselves run in MpirunTests).</summary>
public class DistTests
{
    [Fact]
    public void Collectives_WithoutAProcessGroup_SayToInitialiseIt()
    {
        Assert.False(Dist.IsInitialized());
        Check.Throws<InvalidOperationException>(() => Dist.GetRank(), "get_rank", "InitProcessGroup");
        Check.Throws<InvalidOperationException>(() => Dist.AllReduce(Tensor.Zeros(2)), "all_reduce", "not been initialized");
        Check.Throws<InvalidOperationException>(() => new DistributedDataParallel(new Linear(2, 2)), "DistributedDataParallel", "InitProcessGroup");
    }

    [Fact]
    public void InitProcessGroup_OutsideMpirun_NamesMpirunAndThePackage()
    {
        Assert.Null(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"));
        Check.Throws<InvalidOperationException>(() => Dist.InitProcessGroup("mpi"), "mpirun", "openmpi-bin");
        Check.Throws<ArgumentException>(() => Dist.InitProcessGroup("nccl"), "backend 'nccl'", "'mpi'");
        Check.Throws<ArgumentException>(() => Dist.InitProcessGroup("mpi", TimeSpan.Zero), "timeout");
        Assert.False(Dist.IsInitialized());
    }

    [Fact]
    public void MissingLibmpi_NamesTheAptPackage()
        => Check.Throws<DllNotFoundException>(() => MpiLibrary.Load("libmpi-that-is-not-installed.so.40"), "libmpi-that-is-not-installed.so.40", "apt-get install openmpi-bin");

    [Fact]
    public void Libmpi_IsInstalledAndIsOpenMpi4()
    {
        // .ci/run installs openmpi-bin; the handles DDP needs must resolve.
        Assert.True(Dist.IsMpiAvailable(), "libmpi.so.40 is missing: apt-get install openmpi-bin");
        var mpi = MpiLibrary.Load();
        Assert.NotEqual(0, mpi.CommWorld);
        Assert.NotEqual(mpi.Float, mpi.Double);
    }
}
