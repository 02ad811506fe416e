using System.Collections;

namespace SharpGrad.Data;

/// <summary>
/// Iterates over a dataset in batches (<c>torch.utils.data.DataLoader</c>): optionally shuffled with a fresh
/// permutation each epoch, optionally dropping a short last batch, optionally preparing the next batch on a
/// background thread while the current one is used. <c>foreach (var (x, y) in loader)</c>.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Func<IReadOnlyList<object?>, Tensor[]>? _collate;

    /// <summary>Creates the loader (<c>DataLoader(dataset, batch_size=1, shuffle=False, drop_last=False, generator=None, collate_fn=None)</c>).</summary>
    /// <param name="dataset">Where samples come from.</param>
    /// <param name="batchSize">Samples per batch.</param>
    /// <param name="shuffle">Visit samples in a new random order each epoch.</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="generator">Source of the shuffling order; the default generator when null. The same seed gives the same order.</param>
    /// <param name="collateFn">Turns a list of samples into batch tensors; when null, the dataset's own (fast) batching is used.</param>
    /// <param name="prefetch">Prepare the next batch on a background thread while the caller works on the current one.</param>
    /// <param name="sampler">The indices to visit each epoch (e.g. a <c>DistributedSampler</c>), instead of 0..n-1 or a
    /// shuffle; not together with <paramref name="shuffle"/> (<c>sampler=</c>).</param>
    /// <exception cref="ArgumentException">batchSize not positive, or both a sampler and shuffle.</exception>
    public DataLoader(Dataset dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false, Generator? generator = null,
        Func<IReadOnlyList<object?>, Tensor[]>? collateFn = null, bool prefetch = false, Sampler? sampler = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentException($"DataLoader: batchSize should be a positive integer value, but got batchSize={batchSize}");
        if (sampler is not null && shuffle) throw new ArgumentException("DataLoader: sampler option is mutually exclusive with shuffle");
        (Dataset, BatchSize, Shuffle, DropLast, Generator, _collate, Prefetch, Sampler) = (dataset, batchSize, shuffle, dropLast, generator, collateFn, prefetch, sampler);
    }

    /// <summary>The sampler that orders the samples, or null (<c>loader.sampler</c>).</summary>
    public Sampler? Sampler { get; }

    /// <summary>The dataset (<c>loader.dataset</c>; <c>len(loader.dataset)</c> is <c>loader.Dataset.Count</c>).</summary>
    public Dataset Dataset { get; }

    /// <summary>Samples per batch (<c>loader.batch_size</c>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a short last batch is skipped (<c>loader.drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>The generator that orders the samples, or null for the default generator.</summary>
    public Generator? Generator { get; }

    /// <summary>Whether the next batch is prepared in the background.</summary>
    public bool Prefetch { get; }

    /// <summary>Number of batches in an epoch (<c>len(loader)</c>).</summary>
    public int Count => DropLast ? Samples / BatchSize : (Samples + BatchSize - 1) / BatchSize;

    private int Samples => Sampler?.Count ?? Dataset.Count;

    /// <summary>One epoch of batches.</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        var order = Order();
        int batches = Count;
        if (!Prefetch)
        {
            for (int b = 0; b < batches; b++) yield return Load(order, b);
            yield break;
        }
        Task<Batch>? next = batches > 0 ? Task.Run(() => Load(order, 0)) : null;
        for (int b = 0; b < batches; b++)
        {
            var current = next!.GetAwaiter().GetResult();
            int following = b + 1;
            next = following < batches ? Task.Run(() => Load(order, following)) : null;
            yield return current;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The sample indices of one epoch: the sampler's, 0..n-1, or a permutation drawn from the generator.</summary>
    private int[] Order()
    {
        if (Sampler is not null) return [.. Sampler];
        int n = Dataset.Count;
        if (!Shuffle) return Enumerable.Range(0, n).ToArray();
        var perm = Tensor.Randperm(n, Generator).ToArray<long>();
        return Array.ConvertAll(perm, i => (int)i);
    }

    private Batch Load(int[] order, int b)
    {
        int start = b * BatchSize, count = Math.Min(BatchSize, order.Length - start);
        var indices = order.AsSpan(start, count).ToArray();
        if (_collate is null) return new Batch(Dataset.GetBatch(indices));
        var samples = new object?[count];
        for (int i = 0; i < count; i++) samples[i] = Dataset.GetItem(indices[i]);
        return new Batch(_collate(samples));
    }
}
