using SharpGrad.Data;
using SharpGrad.Distributed;

namespace SharpGrad.MpiWorker;

/// <summary>Each rank's DistributedSampler share, gathered: together the shares must cover the dataset as PyTorch's do.</summary>
internal static class SamplerChecks
{
    public static string Run()
    {
        int size = Dist.GetWorldSize();
        foreach (int n in new[] { 100, 103 })
            foreach (bool dropLast in new[] { false, true })
                for (int epoch = 0; epoch < 2; epoch++)
                {
                    var sampler = new DistributedSampler(new CountingDataset(n), shuffle: true, seed: 5, dropLast: dropLast);
                    sampler.SetEpoch(epoch);
                    var mine = Tensor.FromBuffer(sampler.Select(i => (long)i).ToArray(), sampler.Count);
                    var all = Enumerable.Range(0, size).Select(_ => Tensor.Zeros([sampler.Count], DType.Int64)).ToList();
                    Dist.AllGather(all, mine);
                    var counts = new int[n];
                    foreach (var share in all) foreach (long i in share.ToArray<long>()) counts[i]++;
                    string what = $"n {n}, dropLast {dropLast}, epoch {epoch}";
                    int padding = sampler.TotalSize - n;
                    if (n % size == 0 || dropLast)
                    {
                        // Every sample exactly once (dropLast: all but the dropped tail, none twice).
                        if (counts.Any(c => c > 1)) throw new InvalidOperationException($"{what}: a sample was drawn twice");
                        if (counts.Count(c => c == 1) != sampler.TotalSize) throw new InvalidOperationException($"{what}: {counts.Count(c => c == 1)} samples drawn, expected {sampler.TotalSize}");
                    }
                    else if (counts.Any(c => c == 0) || counts.Sum() != n + padding || counts.Count(c => c == 2) != padding)
                        throw new InvalidOperationException($"{what}: shares do not cover every sample once plus {padding} padding");
                }
        return "shares cover every sample";
    }

    private sealed class CountingDataset(int n) : Dataset<long>
    {
        public override int Count => n;
        public override long this[int index] => CheckIndex(index);
    }
}
