namespace SharpGrad.Optim;

/// <summary>
/// A scheduler's state (PyTorch's <c>scheduler.state_dict()</c>) under PyTorch's attribute names: numbers in
/// <see cref="Values"/> ("last_epoch", "gamma", "best", ...), number lists in <see cref="Lists"/> ("base_lrs",
/// "milestones", ...) and words in <see cref="Strings"/> ("mode"). It serializes to JSON as is; ReduceLROnPlateau's
/// "best" starts infinite, so allow named floating-point literals when writing it.
/// </summary>
public sealed class LRSchedulerState
{
    /// <summary>Numeric settings and counters by name.</summary>
    public Dictionary<string, double> Values { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Lists of numbers by name, one entry per parameter group for the learning rates.</summary>
    public Dictionary<string, double[]> Lists { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Textual settings by name.</summary>
    public Dictionary<string, string> Strings { get; set; } = new(StringComparer.Ordinal);

    internal double Value(string owner, string key) =>
        Values.TryGetValue(key, out var v) ? v : throw Missing(owner, key);

    internal double[] List(string owner, string key) =>
        Lists.TryGetValue(key, out var v) && v is not null ? (double[])v.Clone() : throw Missing(owner, key);

    internal string Text(string owner, string key) =>
        Strings.TryGetValue(key, out var v) && v is not null ? v : throw Missing(owner, key);

    private static ArgumentException Missing(string owner, string key) =>
        new($"{owner}.load_state_dict: the state has no '{key}'");
}
