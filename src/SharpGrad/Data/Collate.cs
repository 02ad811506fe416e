using System.Runtime.CompilerServices;

namespace SharpGrad.Data;

/// <summary>Turns a list of samples into batch tensors (PyTorch <c>torch.utils.data.default_collate</c>).</summary>
public static class Collate
{
    /// <summary>
    /// Stacks samples field by field: a sample may be a Tensor, a Tensor[] or a value tuple of tensors and numbers;
    /// numbers become 1-D tensors (long/int → int64, double → float64, float → float32, bool → bool), tensors are
    /// stacked along a new first dim.
    /// </summary>
    public static Tensor[] Default(IReadOnlyList<object?> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("collate: cannot collate an empty batch");
        var first = Fields(samples[0]);
        var columns = new object?[first.Length][];
        for (int f = 0; f < first.Length; f++) columns[f] = new object?[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            var fields = Fields(samples[i]);
            if (fields.Length != first.Length)
                throw new ArgumentException($"collate: sample {i} has {fields.Length} fields but sample 0 has {first.Length}");
            for (int f = 0; f < fields.Length; f++) columns[f][i] = fields[f];
        }
        return columns.Select((c, f) => Column(c, f)).ToArray();
    }

    private static object?[] Fields(object? sample) => sample switch
    {
        Tensor t => [t],
        Tensor[] ts => ts,
        ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => tuple[i]).ToArray(),
        _ => [sample],
    };

    private static Tensor Column(object?[] values, int field)
    {
        switch (values[0])
        {
            case Tensor:
                var tensors = new Tensor[values.Length];
                for (int i = 0; i < values.Length; i++)
                    tensors[i] = values[i] as Tensor ?? throw new ArgumentException($"collate: field {field} of sample {i} is not a tensor");
                using (Tensor.NoGrad()) return Tensor.Stack(tensors);
            case long or int:
                return Tensor.FromBuffer(values.Select(v => Convert.ToInt64(v)).ToArray(), values.Length);
            case double:
                return Tensor.FromBuffer(values.Select(v => Convert.ToDouble(v)).ToArray(), values.Length);
            case float:
                return Tensor.FromBuffer(values.Select(v => Convert.ToSingle(v)).ToArray(), values.Length);
            case bool:
                return Tensor.FromBuffer(values.Select(v => (bool)v!).ToArray(), values.Length);
            default:
                throw new ArgumentException($"collate: don't know how to batch field {field} of type {values[0]?.GetType().Name ?? "null"}; pass a collate function to the DataLoader");
        }
    }
}
