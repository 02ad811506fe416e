namespace SharpGrad.NN;

/// <summary>
/// Shared part of the padding layers (<c>nn.modules.padding</c>): a fixed (before, after) list, last dim first, and a
/// mode, applied by <see cref="Functional.Pad"/>.
/// </summary>
public abstract class PadNd : Module
{
    private readonly string _mode;

    private protected PadNd(string name, int[] padding, string mode, double value)
    {
        if (mode != "constant" && padding.Any(p => p < 0))
            throw new ArgumentException($"{name}: padding must be non-negative, got {Repr.Tuple(padding)}");
        (Padding, _mode, Value) = (padding, mode, value);
    }

    /// <summary>(before, after) pairs, last dim first (<c>padding</c>).</summary>
    public int[] Padding { get; }

    /// <summary>Fill value of constant padding (<c>value</c>).</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Pad(input, Padding, _mode, Value);

    /// <inheritdoc/>
    public override string ExtraRepr() => Repr.Tuple(Padding);

    private protected static int[] Same(int padding, int pairs) => Enumerable.Repeat(padding, 2 * pairs).ToArray();
}

/// <summary>Pads the width of [N, C, W] with a constant (<c>nn.ConstantPad1d(padding, value)</c>).</summary>
public sealed class ConstantPad1d : PadNd
{
    /// <summary>The same amount on both sides.</summary>
    /// <param name="padding">Amount before and after.</param>
    /// <param name="value">Fill value.</param>
    public ConstantPad1d(int padding, double value) : base("ConstantPad1d", Same(padding, 1), "constant", value) { }

    /// <summary>(left, right).</summary>
    /// <param name="padding">(left, right).</param>
    /// <param name="value">Fill value.</param>
    public ConstantPad1d((int, int) padding, double value) : base("ConstantPad1d", [padding.Item1, padding.Item2], "constant", value) { }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"padding={Repr.Tuple(Padding)}, value={Repr.Float(Value)}";
}

/// <summary>Pads height and width of [N, C, H, W] with a constant (<c>nn.ConstantPad2d(padding, value)</c>).</summary>
public sealed class ConstantPad2d : PadNd
{
    /// <summary>The same amount on all four sides.</summary>
    /// <param name="padding">Amount on each side.</param>
    /// <param name="value">Fill value.</param>
    public ConstantPad2d(int padding, double value) : base("ConstantPad2d", Same(padding, 2), "constant", value) { }

    /// <summary>(left, right, top, bottom).</summary>
    /// <param name="padding">(left, right, top, bottom).</param>
    /// <param name="value">Fill value.</param>
    public ConstantPad2d((int, int, int, int) padding, double value)
        : base("ConstantPad2d", [padding.Item1, padding.Item2, padding.Item3, padding.Item4], "constant", value) { }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"padding={Repr.Tuple(Padding)}, value={Repr.Float(Value)}";
}

/// <summary>Pads height and width of [N, C, H, W] with zeros (<c>nn.ZeroPad2d(padding)</c>).</summary>
public sealed class ZeroPad2d : PadNd
{
    /// <summary>The same amount on all four sides.</summary>
    /// <param name="padding">Amount on each side.</param>
    public ZeroPad2d(int padding) : base("ZeroPad2d", Same(padding, 2), "constant", 0) { }

    /// <summary>(left, right, top, bottom).</summary>
    /// <param name="padding">(left, right, top, bottom).</param>
    public ZeroPad2d((int, int, int, int) padding) : base("ZeroPad2d", [padding.Item1, padding.Item2, padding.Item3, padding.Item4], "constant", 0) { }
}

/// <summary>Pads the width of [N, C, W] or [C, W] by mirroring, without repeating the edge (<c>nn.ReflectionPad1d(padding)</c>).</summary>
public sealed class ReflectionPad1d : PadNd
{
    /// <summary>The same amount on both sides.</summary>
    /// <param name="padding">Amount before and after.</param>
    public ReflectionPad1d(int padding) : base("ReflectionPad1d", Same(padding, 1), "reflect", 0) { }

    /// <summary>(left, right).</summary>
    /// <param name="padding">(left, right).</param>
    public ReflectionPad1d((int, int) padding) : base("ReflectionPad1d", [padding.Item1, padding.Item2], "reflect", 0) { }
}

/// <summary>Pads height and width of [N, C, H, W] or [C, H, W] by mirroring (<c>nn.ReflectionPad2d(padding)</c>).</summary>
public sealed class ReflectionPad2d : PadNd
{
    /// <summary>The same amount on all four sides.</summary>
    /// <param name="padding">Amount on each side.</param>
    public ReflectionPad2d(int padding) : base("ReflectionPad2d", Same(padding, 2), "reflect", 0) { }

    /// <summary>(left, right, top, bottom).</summary>
    /// <param name="padding">(left, right, top, bottom).</param>
    public ReflectionPad2d((int, int, int, int) padding) : base("ReflectionPad2d", [padding.Item1, padding.Item2, padding.Item3, padding.Item4], "reflect", 0) { }
}

/// <summary>Pads the width of [N, C, W] or [C, W] by repeating the edge value (<c>nn.ReplicationPad1d(padding)</c>).</summary>
public sealed class ReplicationPad1d : PadNd
{
    /// <summary>The same amount on both sides.</summary>
    /// <param name="padding">Amount before and after.</param>
    public ReplicationPad1d(int padding) : base("ReplicationPad1d", Same(padding, 1), "replicate", 0) { }

    /// <summary>(left, right).</summary>
    /// <param name="padding">(left, right).</param>
    public ReplicationPad1d((int, int) padding) : base("ReplicationPad1d", [padding.Item1, padding.Item2], "replicate", 0) { }
}

/// <summary>Pads height and width of [N, C, H, W] or [C, H, W] by repeating the edge values (<c>nn.ReplicationPad2d(padding)</c>).</summary>
public sealed class ReplicationPad2d : PadNd
{
    /// <summary>The same amount on all four sides.</summary>
    /// <param name="padding">Amount on each side.</param>
    public ReplicationPad2d(int padding) : base("ReplicationPad2d", Same(padding, 2), "replicate", 0) { }

    /// <summary>(left, right, top, bottom).</summary>
    /// <param name="padding">(left, right, top, bottom).</param>
    public ReplicationPad2d((int, int, int, int) padding) : base("ReplicationPad2d", [padding.Item1, padding.Item2, padding.Item3, padding.Item4], "replicate", 0) { }
}
