using SharpGrad.Data;

namespace SharpGrad.Distributed;

/// <summary>
/// Gives each rank its own share of a dataset every epoch (PyTorch <c>torch.utils.data.distributed.DistributedSampler</c>),
/// as a <see cref="DataLoader"/>'s <c>sampler</c>. Every rank draws the same permutation (seeded with
/// <c>seed + epoch</c>), pads it by repeating its start until it divides evenly (or, with <c>dropLast</c>, cuts the tail),
/// and takes every <c>numReplicas</c>-th index from position <c>rank</c>. Call <see cref="SetEpoch"/> before each epoch,
/// or every epoch repeats the same order.
/// </summary>
public sealed class DistributedSampler : Sampler
{
    private readonly Dataset _dataset;

    /// <summary>
    /// Creates the sampler (<c>DistributedSampler(dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False)</c>);
    /// <paramref name="numReplicas"/> and <paramref name="rank"/> default to the process group's world size and rank.
    /// </summary>
    /// <exception cref="ArgumentException">numReplicas below 1, or rank outside [0, numReplicas - 1].</exception>
    /// <exception cref="InvalidOperationException">numReplicas or rank left out while the process group is not initialised.</exception>
    public DistributedSampler(Dataset dataset, int? numReplicas = null, int? rank = null, bool shuffle = true, ulong seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int replicas = numReplicas ?? Dist.Group("DistributedSampler").Size;
        int r = rank ?? Dist.Group("DistributedSampler").Rank;
        if (replicas < 1) throw new ArgumentException($"DistributedSampler: num_replicas must be at least 1, got {replicas}");
        if (r < 0 || r >= replicas)
            throw new ArgumentException($"DistributedSampler: invalid rank {r}, rank should be in the interval [0, {replicas - 1}]");
        (_dataset, NumReplicas, Rank, Shuffle, Seed, DropLast) = (dataset, replicas, r, shuffle, seed, dropLast);
        int n = dataset.Count;
        NumSamples = dropLast && n % replicas != 0
            ? (int)Math.Ceiling((double)(n - replicas) / replicas)
            : (n + replicas - 1) / replicas;
        TotalSize = NumSamples * replicas;
    }

    /// <summary>Number of ranks the dataset is split across (<c>sampler.num_replicas</c>).</summary>
    public int NumReplicas { get; }

    /// <summary>The share this sampler yields (<c>sampler.rank</c>).</summary>
    public int Rank { get; }

    /// <summary>Whether each epoch uses a new permutation (<c>sampler.shuffle</c>).</summary>
    public bool Shuffle { get; }

    /// <summary>Base seed of the permutation; epoch e uses seed + e (<c>sampler.seed</c>).</summary>
    public ulong Seed { get; }

    /// <summary>Whether the tail that does not divide evenly is dropped instead of padded (<c>sampler.drop_last</c>).</summary>
    public bool DropLast { get; }

    /// <summary>The epoch whose order the next enumeration yields (<c>sampler.epoch</c>).</summary>
    public int Epoch { get; private set; }

    /// <summary>Indices per rank and epoch (<c>sampler.num_samples</c>).</summary>
    public int NumSamples { get; }

    /// <summary>Indices over all ranks per epoch, padding included (<c>sampler.total_size</c>).</summary>
    public int TotalSize { get; }

    /// <inheritdoc/>
    public override int Count => NumSamples;

    /// <summary>Selects the permutation of <paramref name="epoch"/> for the next enumeration (<c>sampler.set_epoch(epoch)</c>).</summary>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        int n = _dataset.Count;
        int[] indices;
        if (Shuffle)
        {
            var perm = Tensor.Randperm(n, new Generator(unchecked(Seed + (ulong)Epoch))).ToArray<long>();
            indices = Array.ConvertAll(perm, i => (int)i);
        }
        else indices = [.. Enumerable.Range(0, n)];
        var all = new int[TotalSize];
        if (DropLast) Array.Copy(indices, all, TotalSize);
        else
            for (int i = 0; i < TotalSize; i++) all[i] = indices[i % n]; // padding repeats the order from its start
        for (int i = Rank; i < TotalSize; i += NumReplicas) yield return all[i];
    }
}
