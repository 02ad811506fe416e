using SharpGrad.Data;
using SharpGrad.Distributed;

namespace SharpGrad.Tests.Distributed;

public class DistributedSamplerTests
{
    private sealed class Numbers(int n) : Dataset<long>
    {
        public override int Count => n;
        public override long this[int index] => CheckIndex(index);
    }

    // PyTorch 1.13: list(DistributedSampler(range(10), num_replicas=3, rank=r, shuffle=False)) and with drop_last=True.
    [Theory]
    [InlineData(0, false, new[] { 0, 3, 6, 9 })]
    [InlineData(1, false, new[] { 1, 4, 7, 0 })]
    [InlineData(2, false, new[] { 2, 5, 8, 1 })]
    [InlineData(0, true, new[] { 0, 3, 6 })]
    [InlineData(1, true, new[] { 1, 4, 7 })]
    [InlineData(2, true, new[] { 2, 5, 8 })]
    public void WithoutShuffle_TakesEveryNumReplicasThIndexAndPadsFromTheStart(int rank, bool dropLast, int[] expected)
    {
        var sampler = new DistributedSampler(new Numbers(10), numReplicas: 3, rank: rank, shuffle: false, dropLast: dropLast);
        Assert.Equal(expected, sampler.ToArray());
        Assert.Equal(expected.Length, sampler.Count);
        Assert.Equal(dropLast ? 9 : 12, sampler.TotalSize);
    }

    [Fact]
    public void PaddingLongerThanTheDataset_RepeatsTheWholeOrder()
    {
        // 2 samples over 5 replicas: total 5 = [0, 1, 0, 1, 0], one index per rank (PyTorch's padding_size > len case).
        var shares = Enumerable.Range(0, 5).Select(r => new DistributedSampler(new Numbers(2), 5, r, shuffle: false).Single()).ToArray();
        Assert.Equal([0, 1, 0, 1, 0], shares);
    }

    [Fact]
    public void Shuffled_RanksShareOnePermutationPerEpoch_AndSetEpochChangesIt()
    {
        var samplers = Enumerable.Range(0, 4).Select(r => new DistributedSampler(new Numbers(40), 4, r, seed: 9)).ToArray();
        int[] Epoch(int e)
        {
            foreach (var s in samplers) s.SetEpoch(e);
            return [.. samplers.SelectMany(s => s)];
        }
        var first = Epoch(0);
        Assert.Equal(Enumerable.Range(0, 40), first.Order());
        Assert.Equal(first, Epoch(0));
        var second = Epoch(1);
        Assert.Equal(Enumerable.Range(0, 40), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 10), samplers[0].Take(10));
    }

    [Fact]
    public void DataLoader_VisitsTheSamplersIndicesInBatches()
    {
        var data = new TensorDataset(Tensor.Arange(10));
        var sampler = new DistributedSampler(data, numReplicas: 3, rank: 1, shuffle: false);
        var loader = new DataLoader(data, batchSize: 3, sampler: sampler);
        Assert.Equal(2, loader.Count);
        Assert.Same(sampler, loader.Sampler);
        var seen = loader.SelectMany(b => b[0].ToArray<long>()).ToArray();
        Assert.Equal([1L, 4, 7, 0], seen);
        Check.Throws<ArgumentException>(() => new DataLoader(data, 2, shuffle: true, sampler: sampler), "sampler", "shuffle");
    }

    [Fact]
    public void BadArguments_NameTheValue()
    {
        Check.Throws<ArgumentException>(() => new DistributedSampler(new Numbers(4), numReplicas: 2, rank: 2), "invalid rank 2", "[0, 1]");
        Check.Throws<ArgumentException>(() => new DistributedSampler(new Numbers(4), numReplicas: 0, rank: 0), "num_replicas", "0");
        Check.Throws<InvalidOperationException>(() => new DistributedSampler(new Numbers(4)), "DistributedSampler", "InitProcessGroup");
    }
}
