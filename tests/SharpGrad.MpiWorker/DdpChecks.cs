using SharpGrad.Data;
using SharpGrad.Distributed;
using SharpGrad.NN;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.MpiWorker;

/// <summary>DistributedDataParallel against the same training in one process.</summary>
internal static class DdpChecks
{
    private const int Samples = 640, Epochs = 2, BatchPerRank = 32;
    private const ulong SamplerSeed = 3;

    /// <summary>
    /// mlp3 trained for 2 epochs by every rank with batch 32 under DDP must end with the parameters that one process
    /// training with batch 32 x world size on the same samples ends with (float32, at most 1e-6 relative).
    /// </summary>
    /// <param name="asView">Use gradientAsBucketView and zero gradients in place, so backward accumulates into the buckets.</param>
    public static string EquivalenceWithOneProcess(bool asView = false)
    {
        int rank = Dist.GetRank(), size = Dist.GetWorldSize();
        var data = Mlp3.Digits(Samples);

        Tensor.ManualSeed(100 + rank); // different replicas: DDP must start them all from rank 0's
        var ddp = new DistributedDataParallel(Mlp3.Create(), bucketCapMb: 0.1, gradientAsBucketView: asView);
        if (ddp.BucketBytes.Count < 2) throw new InvalidOperationException($"expected several buckets, got {ddp.BucketBytes.Count}");
        var sampler = new DistributedSampler(data, shuffle: true, seed: SamplerSeed);
        Train(ddp, new DataLoader(data, BatchPerRank, sampler: sampler), sampler, setToNone: !asView);

        var trained = ddp.Module.Parameters().ToArray();
        var flat = Tensor.Cat([.. trained.Select(p => p.Detach().Reshape(-1))], 0);
        var replicas = Enumerable.Range(0, size).Select(_ => Tensor.ZerosLike(flat)).ToList();
        Dist.AllGather(replicas, flat);
        for (int r = 1; r < size; r++)
            if (!Same(replicas[r], replicas[0])) throw new InvalidOperationException($"rank {r}'s replica differs from rank 0's after training");

        Tensor.ManualSeed(100); // rank 0's initial parameters
        var single = Mlp3.Create();
        var all = new DistributedSampler(data, numReplicas: 1, rank: 0, shuffle: true, seed: SamplerSeed);
        Train(single, new DataLoader(data, BatchPerRank * size, sampler: all), all, setToNone: true);

        double worst = 0;
        foreach (var (a, b) in trained.Zip(single.Parameters()))
        {
            worst = Math.Max(worst, Norm(a - b) / Norm(b));
        }
        if (!(worst <= 1e-6)) throw new InvalidOperationException($"DDP and one process differ by {worst:E2} relative (limit 1e-6)");
        return $"max relative difference {worst:E2} over {Epochs} epochs of {Samples / (BatchPerRank * size)} steps";
    }

    private static bool Same(Tensor a, Tensor b) => a.ToArray<float>().SequenceEqual(b.ToArray<float>());

    private static double Norm(Tensor t) => Math.Sqrt(t.Detach().To(DType.Float64).Square().Sum().Item());

    private static void Train(Module model, DataLoader loader, DistributedSampler sampler, bool setToNone)
    {
        var optimizer = new SGD(model.Parameters(), lr: 0.1);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            sampler.SetEpoch(epoch);
            foreach (var (x, y) in loader)
            {
                optimizer.ZeroGrad(setToNone);
                F.CrossEntropy(model.Forward(x), y).Backward();
                optimizer.Step();
            }
        }
    }

    /// <summary>
    /// Gradients accumulated over a backward inside NoSync and one after it equal the average over ranks of each rank's
    /// locally accumulated gradients; inside NoSync they stay local.
    /// </summary>
    public static string NoSyncAccumulates()
    {
        int rank = Dist.GetRank();
        Tensor.ManualSeed(1);
        var ddp = new DistributedDataParallel(Mlp3.Create(), bucketCapMb: 0.05);
        Tensor.ManualSeed(1);
        var local = Mlp3.Create();
        var g = new Generator(50 + (ulong)rank);
        var (x1, y1) = (Tensor.Randn([8, 1, 28, 28], generator: g), Tensor.Randint(10, [8], g));
        var (x2, y2) = (Tensor.Randn([8, 1, 28, 28], generator: g), Tensor.Randint(10, [8], g));

        using (ddp.NoSync()) F.CrossEntropy(ddp.Forward(x1), y1).Backward();
        F.CrossEntropy(local.Forward(x1), y1).Backward();
        var first = ddp.Module.Parameters().First().Grad!;
        if (!Same(first, local.Parameters().First().Grad!)) throw new InvalidOperationException("inside NoSync the gradient was changed");
        var both = new List<Tensor> { Tensor.ZerosLike(first), Tensor.ZerosLike(first) };
        Dist.AllGather(both, first);
        if (Same(both[0], both[1])) throw new InvalidOperationException("inside NoSync the ranks' gradients are equal: they were averaged");

        F.CrossEntropy(ddp.Forward(x2), y2).Backward();
        F.CrossEntropy(local.Forward(x2), y2).Backward();
        double worst = 0;
        foreach (var (a, b) in ddp.Module.Parameters().Zip(local.Parameters()))
        {
            Dist.AllReduce(b.Grad!, ReduceOp.Avg);
            worst = Math.Max(worst, (a.Grad! - b.Grad!).Abs().Max().Item() / b.Grad!.Abs().Max().Item());
        }
        if (!(worst <= 1e-6)) throw new InvalidOperationException($"accumulated DDP gradients differ from the averaged local ones by {worst:E2}");
        return $"{ddp.BucketBytes.Count} buckets, max relative difference {worst:E2}";
    }
}
