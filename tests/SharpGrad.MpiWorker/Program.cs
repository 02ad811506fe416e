using System.Globalization;
using SharpGrad;
using SharpGrad.Distributed;
using SharpGrad.MpiWorker;

// The program the distributed tests (tests/SharpGrad.Tests/Distributed) start under
// `mpirun --allow-run-as-root --oversubscribe -np 2`. Each scenario checks its own results on every rank and prints
// "rank R: PASS <scenario> ..." when they hold; any failure throws, which makes the rank, and so mpirun, exit non-zero.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string scenario = args.Length > 0 ? args[0] : "";
var timeout = args.Length > 1 ? TimeSpan.FromSeconds(double.Parse(args[1], CultureInfo.InvariantCulture)) : (TimeSpan?)null;
Dist.InitProcessGroup("mpi", timeout);
int rank = Dist.GetRank();
string detail = scenario switch
{
    "collectives" => CollectiveChecks.Run(),
    "sampler" => SamplerChecks.Run(),
    "ddp" => DdpChecks.EquivalenceWithOneProcess(),
    "ddp-view" => DdpChecks.EquivalenceWithOneProcess(asView: true),
    "nosync" => DdpChecks.NoSyncAccumulates(),
    "die" => FailureScenarios.RankDies(),
    "hang" => FailureScenarios.RankHangs(),
    _ => throw new ArgumentException($"unknown scenario '{scenario}' (collectives, sampler, ddp, ddp-view, nosync, die, hang)"),
};
Console.WriteLine($"rank {rank}: PASS {scenario} {detail}");
Dist.DestroyProcessGroup();
