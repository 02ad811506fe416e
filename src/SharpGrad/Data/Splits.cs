namespace SharpGrad.Data;

/// <summary>Ways to divide a dataset into parts (<c>torch.utils.data.random_split</c> and the course's train/test split).</summary>
public static class Splits
{
    /// <summary>
    /// Splits <paramref name="dataset"/> into non-overlapping random subsets of the given lengths, which must add up to
    /// the dataset's size (<c>random_split(dataset, lengths, generator)</c>).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, int[] lengths, Generator? generator = null)
    {
        if (lengths.Any(l => l < 0)) throw new ArgumentException($"random_split: lengths must be non-negative, got [{string.Join(", ", lengths)}]");
        if (lengths.Sum() != dataset.Count)
            throw new ArgumentException($"random_split: sum of input lengths ({lengths.Sum()}) does not equal the length of the input dataset ({dataset.Count})");
        var perm = Tensor.Randperm(dataset.Count, generator).ToArray<long>();
        var result = new Subset<T>[lengths.Length];
        int offset = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            result[i] = new Subset<T>(dataset, perm.Skip(offset).Take(lengths[i]).Select(p => (int)p));
            offset += lengths[i];
        }
        return result;
    }

    /// <summary>
    /// Splits by fractions that add up to 1: each part gets floor(fraction * n) samples and the remainder is dealt
    /// one by one to the parts in order, as PyTorch does (<c>random_split(dataset, [0.8, 0.2], generator)</c>).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, double[] fractions, Generator? generator = null)
    {
        if (fractions.Any(f => f < 0 || f > 1) || Math.Abs(fractions.Sum() - 1) > 1e-9)
            throw new ArgumentException($"random_split: fractions must be in [0, 1] and sum to 1, got [{string.Join(", ", fractions)}]");
        int n = dataset.Count;
        var lengths = fractions.Select(f => (int)Math.Floor(n * f)).ToArray();
        int remainder = n - lengths.Sum();
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }

    /// <summary>
    /// The course's <c>train_test_split(dataset, train=0.6)</c>: moves randomly chosen items from a copy of the list
    /// into the training part until it holds at least <paramref name="trainFraction"/> of the items; the rest are the test part.
    /// The same seed gives the same split.
    /// </summary>
    public static (List<T> Train, List<T> Test) TrainTestSplit<T>(IReadOnlyList<T> dataset, double trainFraction = 0.6, long seed = 1)
    {
        if (trainFraction < 0 || trainFraction > 1) throw new ArgumentException($"train_test_split: train must be between 0 and 1, got {trainFraction}");
        var generator = new Generator(unchecked((ulong)seed));
        return TrainTestSplit(dataset, trainFraction, count => generator.NextInt64(0, count));
    }

    /// <summary>
    /// The course's <c>train_test_split</c> with CPython's <c>random</c>: after <c>new PythonRandom(666)</c> it gives exactly
    /// the parts that <c>random.seed(666); train_test_split(dataset, train)</c> prints in Python (it draws with
    /// <c>randrange(len(dataset_copy))</c>).
    /// </summary>
    /// <param name="dataset">The items to split; not modified.</param>
    /// <param name="trainFraction">Fraction of the items for the training part, in [0, 1].</param>
    /// <param name="random">CPython's generator, seeded as the Python program seeds it.</param>
    /// <exception cref="ArgumentException"><paramref name="trainFraction"/> is outside [0, 1].</exception>
    public static (List<T> Train, List<T> Test) TrainTestSplit<T>(IReadOnlyList<T> dataset, double trainFraction, PythonRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (trainFraction < 0 || trainFraction > 1) throw new ArgumentException($"train_test_split: train must be between 0 and 1, got {trainFraction}");
        return TrainTestSplit(dataset, trainFraction, count => random.RandRange(count));
    }

    private static (List<T> Train, List<T> Test) TrainTestSplit<T>(IReadOnlyList<T> dataset, double trainFraction, Func<int, long> randomIndex)
    {
        var train = new List<T>();
        var rest = dataset.ToList();
        double trainSize = trainFraction * dataset.Count;
        while (train.Count < trainSize)
        {
            int pick = (int)randomIndex(rest.Count);
            train.Add(rest[pick]);
            rest.RemoveAt(pick);
        }
        return (train, rest);
    }

    /// <summary><see cref="TrainTestSplit{T}(IReadOnlyList{T}, double, long)"/> for a dataset: two subsets.</summary>
    public static (Subset<T> Train, Subset<T> Test) TrainTestSplit<T>(Dataset<T> dataset, double trainFraction = 0.6, long seed = 1)
    {
        var (train, test) = TrainTestSplit(Enumerable.Range(0, dataset.Count).ToList(), trainFraction, seed);
        return (new Subset<T>(dataset, train), new Subset<T>(dataset, test));
    }
}
