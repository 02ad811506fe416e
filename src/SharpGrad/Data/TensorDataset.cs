namespace SharpGrad.Data;

/// <summary>
/// Samples are the rows of several tensors that share their first dimension (<c>torch.utils.data.TensorDataset</c>):
/// sample i is <c>[t0[i], t1[i], ...]</c>. Batches are gathered with one IndexSelect per tensor.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>A dataset over <paramref name="tensors"/> (<c>TensorDataset(features, labels)</c>).</summary>
    public TensorDataset(params Tensor[] tensors)
    {
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: at least one tensor is required");
        foreach (var t in tensors)
            if (t.NDim == 0) throw new ArgumentException("TensorDataset: tensors must have at least one dimension (the sample dimension), got a 0-d tensor");
        int n = tensors[0].Size(0);
        for (int i = 1; i < tensors.Length; i++)
            if (tensors[i].Size(0) != n)
                throw new ArgumentException(
                    $"TensorDataset: size mismatch between tensors: tensor 0 has {n} samples (shape {Core.Shape.Format(tensors[0].Shape)}) " +
                    $"but tensor {i} has {tensors[i].Size(0)} (shape {Core.Shape.Format(tensors[i].Shape)})");
        _tensors = tensors.Select(t => t.Detach()).ToArray();
    }

    /// <summary>The tensors, detached (<c>dataset.tensors</c>).</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count => _tensors[0].Size(0);

    /// <inheritdoc/>
    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            return _tensors.Select(t => t.Select(0, index)).ToArray();
        }
    }

    /// <inheritdoc/>
    public override Tensor[] GetBatch(int[] indices)
    {
        foreach (int i in indices) CheckIndex(i);
        var index = Tensor.FromBuffer(Array.ConvertAll(indices, i => (long)i), indices.Length);
        using (Tensor.NoGrad()) return _tensors.Select(t => t.IndexSelect(0, index)).ToArray();
    }
}
