using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class DataLoaderTests
{
    /// <summary>A dataset without a fast path: samples are (feature row, label) tuples, collated one by one.</summary>
    private sealed class PairDataset(int n) : Dataset<(Tensor X, long Y)>
    {
        public override int Count => n;
        public override (Tensor X, long Y) this[int index] => (Tensor.Full([2], CheckIndex(index)), index % 3);
    }

    private static TensorDataset Numbered(int n)
        => new(Tensor.Arange(n).Float().Unsqueeze(1).Expand(n, 3).Contiguous(), Tensor.Arange(n));

    [Fact]
    public void TensorDataset_ChecksSizesAndIndexes()
    {
        var ds = Numbered(5);
        Assert.Equal(5, ds.Count);
        var sample = ds[3];
        Check.Close(sample[0], [3, 3, 3]);
        Assert.Equal(3L, sample[1].Item<long>());
        Check.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(4, 2), Tensor.Zeros(3)), "size mismatch", "4", "3");
        Check.Throws<ArgumentOutOfRangeException>(() => _ = ds[5], "index 5 is out of range", "5 samples");
    }

    [Theory]
    [InlineData(10, 3, false, 4)]
    [InlineData(10, 3, true, 3)]
    [InlineData(9, 3, true, 3)]
    [InlineData(0, 4, false, 0)]
    public void EverySampleAppearsOncePerEpoch(int n, int batchSize, bool dropLast, int batches)
    {
        var loader = new DataLoader(Numbered(n), batchSize, shuffle: true, dropLast: dropLast, generator: new Generator(3));
        Assert.Equal(batches, loader.Count);
        var seen = new List<long>();
        int count = 0;
        foreach (var (x, y) in loader)
        {
            count++;
            Assert.Equal(x.Size(0), y.Size(0));
            Assert.True(x.Size(0) == batchSize || (!dropLast && count == batches));
            Check.Close(x.Select(1, 0), y.ToArray<double>());
            seen.AddRange(y.ToArray<long>());
        }
        Assert.Equal(batches, count);
        int expected = dropLast ? n / batchSize * batchSize : n;
        Assert.Equal(expected, seen.Count);
        Assert.Equal(expected, seen.Distinct().Count());
    }

    [Fact]
    public void SameSeed_GivesTheSameOrder_AndEpochsDiffer()
    {
        static List<long[]> Epochs(Generator g)
        {
            var loader = new DataLoader(Numbered(20), 5, shuffle: true, generator: g);
            return [.. loader.Select(b => b[1].ToArray<long>()).Concat(loader.Select(b => b[1].ToArray<long>()))];
        }
        var a = Epochs(new Generator(42));
        var b = Epochs(new Generator(42));
        Assert.Equal(a, b);
        Assert.NotEqual(a.Take(4).SelectMany(x => x), a.Skip(4).SelectMany(x => x));
        Assert.NotEqual(a, Epochs(new Generator(43)));
        Assert.NotEqual(Enumerable.Range(0, 20).Select(i => (long)i), a.Take(4).SelectMany(x => x));
    }

    [Fact]
    public void WithoutShuffle_BatchesComeInOrder()
    {
        var batches = new DataLoader(Numbered(7), 3).Select(b => b[1].ToArray<long>()).ToList();
        Assert.Equal([[0L, 1, 2], [3L, 4, 5], [6L]], batches);
    }

    [Fact]
    public void GeneralDataset_IsCollatedSampleBySample()
    {
        var loader = new DataLoader(new PairDataset(5), 2);
        var (x, y) = loader.First();
        Check.Close(x, [2, 2], [0, 0, 1, 1]);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([0L, 1], y.ToArray<long>());
        var custom = new DataLoader(new PairDataset(4), 4, collateFn: items => [Tensor.From((long)items.Count)]);
        Assert.Equal(4L, custom.Single()[0].Item<long>());
    }

    [Fact]
    public void Prefetch_GivesTheSameBatchesAsDirectLoading()
    {
        var plain = new DataLoader(Numbered(50), 8, shuffle: true, generator: new Generator(1));
        var prefetched = new DataLoader(Numbered(50), 8, shuffle: true, generator: new Generator(1), prefetch: true);
        Assert.Equal(plain.Select(b => b[1].ToArray<long>()), prefetched.Select(b => b[1].ToArray<long>()));
    }

    [Fact]
    public void Batch_DeconstructsOnlyIntoItsFieldCount()
    {
        var batch = new DataLoader(Numbered(2), 2).First();
        Assert.Equal(2, batch.Count);
        Assert.Equal(2, batch.Size);
        Check.Throws<InvalidOperationException>(() => { var (a, b, c) = batch; }, "2 fields into 3 variables");
        Check.Throws<ArgumentException>(() => new DataLoader(Numbered(2), 0), "batchSize", "0");
    }

    [Fact]
    public void RandomSplit_PartitionsTheDataset()
    {
        var ds = Numbered(10);
        var parts = Splits.RandomSplit(ds, [7, 3], new Generator(5));
        Assert.Equal([7, 3], parts.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(0, 10), parts.SelectMany(p => p.Indices).Order());
        var again = Splits.RandomSplit(ds, [7, 3], new Generator(5));
        Assert.Equal(parts[0].Indices, again[0].Indices);
        var byFraction = Splits.RandomSplit(ds, [0.55, 0.45], new Generator(5));
        Assert.Equal([6, 4], byFraction.Select(p => p.Count));
        Check.Throws<ArgumentException>(() => Splits.RandomSplit(ds, [5, 3]), "sum of input lengths (8) does not equal the length of the input dataset (10)");
        // A subset batches through its parent's fast path.
        var (x, y) = new DataLoader(parts[1], 3).First();
        Assert.Equal(parts[1].Indices.Select(i => (long)i), y.ToArray<long>());
        Check.Close(x.Select(1, 0), y.ToArray<double>());
    }

    [Fact]
    public void TrainTestSplit_FollowsTheCourseAlgorithm()
    {
        var data = Enumerable.Range(0, 10).ToList();
        var (train, test) = Splits.TrainTestSplit(data, 0.8, seed: 1);
        Assert.Equal(8, train.Count);
        Assert.Equal(2, test.Count);
        Assert.Equal(data, train.Concat(test).Order());
        Assert.Equal(train, Splits.TrainTestSplit(data, 0.8, seed: 1).Train);
        var (train6, _) = Splits.TrainTestSplit(data);
        Assert.Equal(6, train6.Count);
        // Test items keep their original relative order, as list.pop leaves them.
        Assert.Equal(test.Order(), test);
    }

    [Fact]
    public void MlpTrainsThroughTheLoader()
    {
        // Two separable blobs through TensorDataset + DataLoader, as course 000's binary task feeds its net.
        var g = new Generator(11);
        var x = Tensor.Cat([Tensor.Normal(2, 1, [100, 5], g), Tensor.Normal(-2, 1, [100, 5], g)]);
        var y = Tensor.Cat([Tensor.Ones(100), Tensor.Zeros(100)]);
        var net = new Sequential(new Linear(5, 8, generator: g), new ReLU(), new Linear(8, 1, generator: g), new Flatten(0, 1));
        var loader = new DataLoader(new TensorDataset(x, y), 20, shuffle: true, generator: g);
        for (int epoch = 0; epoch < 5; epoch++)
            foreach (var (xb, yb) in loader)
            {
                var loss = F.BinaryCrossEntropyWithLogits(net.Forward(xb), yb);
                net.ZeroGrad();
                loss.Backward();
                using (Tensor.NoGrad()) foreach (var p in net.Parameters()) p.Sub_(0.1 * p.Grad!);
            }
        var accuracy = net.Forward(x).Gt(0.0).Float().Eq(y).Float().Mean().Item();
        Assert.True(accuracy > 0.97, $"accuracy {accuracy}");
    }
}
