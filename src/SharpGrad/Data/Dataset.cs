namespace SharpGrad.Data;

/// <summary>
/// A collection of samples the <see cref="DataLoader"/> can draw batches from (PyTorch <c>torch.utils.data.Dataset</c>).
/// Subclass <see cref="Dataset{T}"/>; override <see cref="GetBatch"/> when a whole batch can be gathered faster than
/// sample by sample (as <see cref="TensorDataset"/> does).
/// </summary>
public abstract class Dataset
{
    /// <summary>Number of samples (<c>len(dataset)</c>).</summary>
    public abstract int Count { get; }

    /// <summary>Sample <paramref name="index"/>, boxed (the loader's general path).</summary>
    public abstract object? GetItem(int index);

    /// <summary>
    /// The samples at <paramref name="indices"/> collated into one tensor per field (the default: each sample
    /// fetched and <see cref="Collate.Default"/>-ed). Datasets that can gather a batch at once override this.
    /// </summary>
    public virtual Tensor[] GetBatch(int[] indices)
    {
        var items = new object?[indices.Length];
        for (int i = 0; i < indices.Length; i++) items[i] = GetItem(CheckIndex(indices[i]));
        return Collate.Default(items);
    }

    /// <summary>Throws an ArgumentOutOfRangeException naming the dataset when <paramref name="index"/> is not a sample.</summary>
    protected int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(null, $"{GetType().Name}: index {index} is out of range for a dataset of {Count} samples");
        return index;
    }
}

/// <summary>A dataset whose samples are of type <typeparamref name="T"/> (<c>Dataset[T]</c>).</summary>
public abstract class Dataset<T> : Dataset
{
    /// <summary>Sample <paramref name="index"/> (<c>dataset[index]</c>).</summary>
    public abstract T this[int index] { get; }

    /// <inheritdoc/>
    public override object? GetItem(int index) => this[index];
}

/// <summary>The samples of another dataset at the given indices (<c>torch.utils.data.Subset</c>).</summary>
public sealed class Subset<T> : Dataset<T>
{
    private readonly int[] _indices;

    /// <summary>A view of <paramref name="dataset"/> holding its samples at <paramref name="indices"/>, in that order.</summary>
    public Subset(Dataset<T> dataset, IEnumerable<int> indices)
    {
        Dataset = dataset;
        _indices = indices.ToArray();
        foreach (int i in _indices)
            if ((uint)i >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(null, $"Subset: index {i} is out of range for a dataset of {dataset.Count} samples");
    }

    /// <summary>The dataset the samples come from (<c>subset.dataset</c>).</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>Indices into <see cref="Dataset"/> (<c>subset.indices</c>).</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override T this[int index] => Dataset[_indices[CheckIndex(index)]];

    /// <inheritdoc/>
    public override Tensor[] GetBatch(int[] indices)
    {
        var mapped = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++) mapped[i] = _indices[CheckIndex(indices[i])];
        return Dataset.GetBatch(mapped);
    }
}
