using System.Diagnostics;
using SharpGrad.Distributed;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.MpiWorker;

/// <summary>Data-parallel training in which the last rank dies or hangs after a few steps; the others train on forever.</summary>
internal static class FailureScenarios
{
    /// <summary>The last rank kills itself (SIGKILL) at step 3: mpirun must stop the others.</summary>
    public static string RankDies() => TrainUntil(() => Process.GetCurrentProcess().Kill());

    /// <summary>The last rank stops calling collectives at step 3: the others' collective times out and aborts the job.</summary>
    public static string RankHangs() => TrainUntil(() => Thread.Sleep(Timeout.Infinite));

    private static string TrainUntil(Action failure)
    {
        bool failing = Dist.GetRank() == Dist.GetWorldSize() - 1;
        Tensor.ManualSeed(0);
        var ddp = new DistributedDataParallel(Mlp3.Create());
        var optimizer = new SGD(ddp.Parameters(), lr: 0.01);
        var (x, y) = (Tensor.Randn(16, 1, 28, 28), Tensor.Randint(10, [16]));
        for (int step = 0; ; step++)
        {
            if (failing && step == 3)
            {
                Console.WriteLine($"rank {Dist.GetRank()}: failing at step {step}");
                Console.Out.Flush();
                failure();
            }
            optimizer.ZeroGrad();
            F.CrossEntropy(ddp.Forward(x), y).Backward();
            optimizer.Step();
        }
    }
}
