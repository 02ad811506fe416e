using System.Collections;

namespace SharpGrad.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: one tensor per sample field, e.g. inputs and labels.
/// Deconstructs, so <c>foreach (var (x, y) in loader)</c> works as <c>for x, y in loader:</c> does in Python.
/// </summary>
public sealed class Batch(Tensor[] fields) : IReadOnlyList<Tensor>
{
    /// <summary>Field <paramref name="index"/> of the batch (<c>batch[i]</c>).</summary>
    public Tensor this[int index] => fields[index];

    /// <summary>Number of fields.</summary>
    public int Count => fields.Length;

    /// <summary>Number of samples in the batch (the first dim of the first field).</summary>
    public int Size => fields.Length == 0 || fields[0].NDim == 0 ? 0 : fields[0].Size(0);

    /// <summary>Splits a one-field batch.</summary>
    public void Deconstruct(out Tensor x)
    {
        CheckFields(1);
        x = fields[0];
    }

    /// <summary>Splits a two-field batch: <c>var (x, y) = batch</c>.</summary>
    public void Deconstruct(out Tensor x, out Tensor y)
    {
        CheckFields(2);
        (x, y) = (fields[0], fields[1]);
    }

    /// <summary>Splits a three-field batch.</summary>
    public void Deconstruct(out Tensor x, out Tensor y, out Tensor z)
    {
        CheckFields(3);
        (x, y, z) = (fields[0], fields[1], fields[2]);
    }

    /// <inheritdoc/>
    public IEnumerator<Tensor> GetEnumerator() => ((IEnumerable<Tensor>)fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void CheckFields(int wanted)
    {
        if (fields.Length != wanted)
            throw new InvalidOperationException($"Batch: cannot deconstruct a batch of {fields.Length} fields into {wanted} variables");
    }
}
