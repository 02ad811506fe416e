namespace SharpGrad;

/// <summary>
/// One entry of a basic index, <c>x[i, j, ...]</c> (PyTorch/NumPy basic indexing): an integer (picks one
/// element and removes the dimension; negative counts from the end), a <see cref="System.Index"/> such as
/// <c>^1</c>, a <see cref="System.Range"/> such as <c>1..^1</c> or <c>..</c> (clamped like a Python slice),
/// a stepped <see cref="Slice(int?, int?, int)"/>, <see cref="Ellipsis"/> (<c>...</c>) or <see cref="NewAxis"/> (<c>None</c>).
/// Ints, indices and ranges convert implicitly, so <c>x[.., 0]</c> and <c>x[1..^1, 2]</c> read as in Python.
/// </summary>
public readonly struct TensorIndex
{
    internal enum IndexKind { Integer, Slice, Ellipsis, NewAxis }

    private readonly int _value;
    private readonly bool _fromEnd;
    private readonly Range _range;

    private TensorIndex(IndexKind kind, int value, bool fromEnd, Range range, int step)
    {
        Kind = kind;
        _value = value;
        _fromEnd = fromEnd;
        _range = range;
        Step = step;
    }

    internal IndexKind Kind { get; }

    /// <summary>Step of a slice (1 for plain ranges).</summary>
    internal int Step { get; }

    /// <summary>All remaining dimensions, taken whole (Python <c>...</c>).</summary>
    public static TensorIndex Ellipsis { get; } = new(IndexKind.Ellipsis, 0, false, default, 1);

    /// <summary>A new dimension of size 1 at this position (Python <c>None</c>, <c>np.newaxis</c>).</summary>
    public static TensorIndex NewAxis { get; } = new(IndexKind.NewAxis, 0, false, default, 1);

    /// <summary>
    /// A Python slice <c>start:stop:step</c>: null bounds are open, negative bounds count from the end,
    /// bounds are clamped to the dimension, and the step must be positive (as in PyTorch).
    /// </summary>
    public static TensorIndex Slice(int? start = null, int? stop = null, int step = 1)
    {
        if (step <= 0) throw new ArgumentException($"index: slice step must be positive, got {step}");
        return new(IndexKind.Slice, 0, false, new Range(PythonBound(start, Index.Start), PythonBound(stop, Index.End)), step);
    }

    /// <summary>A range with a step, e.g. <c>TensorIndex.Slice(1.., 2)</c> for Python's <c>1::2</c>.</summary>
    public static TensorIndex Slice(Range range, int step)
    {
        if (step <= 0) throw new ArgumentException($"index: slice step must be positive, got {step}");
        return new(IndexKind.Slice, 0, false, range, step);
    }

    /// <summary>An integer index; negative values count from the end (<c>x[-1]</c> is the last element).</summary>
    public static implicit operator TensorIndex(int index) => new(IndexKind.Integer, index, false, default, 1);

    /// <summary>An index from the start or the end (<c>x[^1]</c> is the last element).</summary>
    public static implicit operator TensorIndex(Index index) => new(IndexKind.Integer, index.Value, index.IsFromEnd, default, 1);

    /// <summary>A range of elements, clamped to the dimension like a Python slice (<c>x[..7000]</c>).</summary>
    public static implicit operator TensorIndex(Range range) => new(IndexKind.Slice, 0, false, range, 1);

    /// <summary>The element picked by an integer index in a dimension of <paramref name="size"/>, or -1 when out of bounds.</summary>
    internal int Resolve(int size)
    {
        long i = _fromEnd ? (long)size - _value : _value < 0 ? (long)size + _value : _value;
        return i < 0 || i >= size ? -1 : (int)i;
    }

    /// <summary>Start, count and step of a slice over a dimension of <paramref name="size"/>, clamped like Python.</summary>
    internal (int Start, int Length, int Step) ResolveSlice(int size)
    {
        int start = Clamp(_range.Start, size), stop = Clamp(_range.End, size);
        int length = stop <= start ? 0 : (stop - start + Step - 1) / Step;
        return (start, length, Step);
    }

    /// <summary>The index as written: <c>3</c>, <c>^1</c>, <c>1..^1</c>, <c>::2</c>, <c>...</c>, <c>None</c>.</summary>
    public override string ToString() => Kind switch
    {
        IndexKind.Integer => _fromEnd ? "^" + _value : _value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IndexKind.Slice => Step == 1 ? _range.ToString() : $"{_range} step {Step}",
        IndexKind.Ellipsis => "...",
        _ => "None",
    };

    private static Index PythonBound(int? bound, Index open) => bound switch
    {
        null => open,
        int.MinValue => Index.FromEnd(int.MaxValue),
        < 0 => Index.FromEnd(-bound.Value),
        _ => Index.FromStart(bound.Value),
    };

    private static int Clamp(Index bound, int size)
    {
        long i = bound.IsFromEnd ? (long)size - bound.Value : bound.Value;
        return (int)Math.Clamp(i, 0, size);
    }
}
