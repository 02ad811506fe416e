namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Pads (or, with negative amounts, crops) the last dims of <paramref name="input"/> (<c>F.pad(input, pad, mode,
    /// value)</c>). <paramref name="pad"/> lists (before, after) pairs starting from the last dim: (left, right) pads the
    /// width, (left, right, top, bottom) also the height, and so on. Modes: "constant" fills with <paramref name="value"/>
    /// and works on any number of dims; "reflect" mirrors without repeating the edge, "replicate" repeats the edge,
    /// "circular" wraps around; these three pad the last 1, 2 or 3 dims of an input with one or two more dims (as PyTorch).
    /// </summary>
    /// <param name="input">The tensor to pad.</param>
    /// <param name="pad">(before, after) pairs, last dim first; an even count of at most 2 * input.NDim.</param>
    /// <param name="mode">"constant", "reflect", "replicate" or "circular".</param>
    /// <param name="value">Fill value of constant padding.</param>
    /// <exception cref="ArgumentException">The pad list, the mode, or a pad amount does not fit the input.</exception>
    public static Tensor Pad(Tensor input, int[] pad, string mode = "constant", double value = 0)
    {
        string shape = Core.Shape.Format(input.Shape);
        if (pad.Length % 2 != 0) throw new ArgumentException($"pad: padding length must be divisible by 2, but got {pad.Length} values ({string.Join(", ", pad)})");
        if (pad.Length / 2 > input.NDim)
            throw new ArgumentException($"pad: padding length {pad.Length} is too large for input of shape {shape}; at most 2 values per dim");
        int dims = pad.Length / 2;
        if (mode == "constant") return Named(ConstantPad(input, pad, value), "ConstantPadNdBackward0");
        if (mode is not ("reflect" or "replicate" or "circular"))
            throw new ArgumentException($"pad: unknown mode '{mode}'; use 'constant', 'reflect', 'replicate' or 'circular'");
        if (value != 0) throw new ArgumentException($"pad: a fill value ({value}) is only used by constant padding, not '{mode}'");
        if (dims is < 1 or > 3 || input.NDim < dims + 1 || input.NDim > dims + 2)
            throw new ArgumentException(
                $"pad: {mode} padding of the last {dims} dim(s) needs a {dims + 1}-D or {dims + 2}-D input, but got input of shape {shape} " +
                "(PyTorch pads the last 1, 2 or 3 dims of a [C, *] or [N, C, *] input in this mode)");
        var x = input;
        for (int i = 0; i < dims; i++)
        {
            int d = input.NDim - 1 - i, n = input.Size(d), before = pad[2 * i], after = pad[2 * i + 1];
            string where = $"padding ({before}, {after}) at dim {d} of input of shape {shape}";
            if (n + before + after < 0) throw new ArgumentException($"pad: {where} leaves a negative size");
            if (mode == "reflect" && (before >= n || after >= n))
                throw new ArgumentException($"pad: reflect padding must be less than the size of the padded dim, but got {where}");
            if (mode == "circular" && (before > n || after > n))
                throw new ArgumentException($"pad: circular padding wraps around more than once: {where}");
            if (mode == "replicate" && n == 0 && before + after > 0)
                throw new ArgumentException($"pad: replicate padding of an empty dim: {where}");
            x = x.IndexSelect(d, PadSourceIndex(mode, n, before, after));
        }
        return mode switch
        {
            "reflect" => Named(x, $"ReflectionPad{dims}DBackward0"),
            "replicate" => Named(x, $"ReplicationPad{dims}DBackward0"),
            _ => x,
        };
    }

    /// <summary>For each output position along a padded dim, the input position it copies (int64).</summary>
    private static Tensor PadSourceIndex(string mode, int n, int before, int after)
    {
        var index = new long[n + before + after];
        for (int k = 0; k < index.Length; k++)
        {
            int i = k - before;
            index[k] = mode switch
            {
                "reflect" => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i,
                "replicate" => Math.Clamp(i, 0, n - 1),
                _ => ((i % n) + n) % n,
            };
        }
        return Tensor.From(index);
    }

    /// <summary>Constant padding: crops with Narrow, then concatenates blocks filled with <paramref name="value"/>.</summary>
    private static Tensor ConstantPad(Tensor input, int[] pad, double value)
    {
        var x = input;
        for (int i = 0; i < pad.Length / 2; i++)
        {
            int d = input.NDim - 1 - i, before = pad[2 * i], after = pad[2 * i + 1], n = x.Size(d);
            if (n + before + after < 0)
                throw new ArgumentException(
                    $"pad: padding ({before}, {after}) at dim {d} leaves a negative size for input of shape {Core.Shape.Format(input.Shape)}");
            int start = Math.Max(-before, 0), length = n - start - Math.Max(-after, 0);
            if (length < 0)
                throw new ArgumentException(
                    $"pad: padding ({before}, {after}) at dim {d} crops more than the size {n} of input of shape {Core.Shape.Format(input.Shape)}");
            if (start > 0 || length < n) x = x.Narrow(d, start, length);
            if (before <= 0 && after <= 0) continue;
            var parts = new List<Tensor>(3);
            if (before > 0) parts.Add(Filled(x, d, before, value));
            parts.Add(x);
            if (after > 0) parts.Add(Filled(x, d, after, value));
            x = Tensor.Cat([.. parts], d);
        }
        return x;
    }

    private static Tensor Filled(Tensor like, int dim, int size, double value)
    {
        var shape = like.Shape;
        shape[dim] = size;
        return Tensor.Full(shape, value, like.DType);
    }
}
