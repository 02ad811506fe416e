namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Layer normalisation (<c>F.layer_norm(input, normalized_shape, weight, bias, eps)</c>): each sample is normalised
    /// over its last <c>normalizedShape.Length</c> dims to zero mean and unit (biased) variance, then scaled by
    /// <paramref name="weight"/> and shifted by <paramref name="bias"/> (both of shape <paramref name="normalizedShape"/>).
    /// </summary>
    /// <param name="input">Any tensor whose trailing dims equal <paramref name="normalizedShape"/>.</param>
    /// <param name="normalizedShape">The trailing shape to normalise over, e.g. [hidden] or [C, H, W].</param>
    /// <param name="weight">Element-wise scale of shape <paramref name="normalizedShape"/>, or null.</param>
    /// <param name="bias">Element-wise shift of shape <paramref name="normalizedShape"/>, or null.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <exception cref="ArgumentException">The input's trailing dims, the weight or the bias do not match <paramref name="normalizedShape"/>.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        int k = normalizedShape.Length;
        string expected = Core.Shape.Format(normalizedShape);
        if (k == 0) throw new ArgumentException("layer_norm: normalizedShape must have at least one dim, got []");
        bool fits = input.NDim >= k;
        for (int i = 0; fits && i < k; i++) fits = input.Size(input.NDim - k + i) == normalizedShape[i];
        if (!fits)
            throw new ArgumentException(
                $"layer_norm: given normalizedShape {expected}, expected input with shape [*, {string.Join(", ", normalizedShape)}], " +
                $"but got input of shape {Core.Shape.Format(input.Shape)}");
        CheckAffine("layer_norm", weight, bias, normalizedShape);
        var dims = Enumerable.Range(input.NDim - k, k).ToArray();
        var y = Normalize(input, dims, eps);
        if (weight is not null) y = y * weight;
        if (bias is not null) y = y + bias;
        return Named(y, "NativeLayerNormBackward0");
    }

    /// <summary>
    /// Group normalisation (<c>F.group_norm(input, num_groups, weight, bias, eps)</c>): the channels (dim 1) of each
    /// sample are split into <paramref name="numGroups"/> groups, each group normalised over its channels and all
    /// positions, then each channel scaled by <paramref name="weight"/>[c] and shifted by <paramref name="bias"/>[c].
    /// </summary>
    /// <param name="input">[N, C, *] with C divisible by <paramref name="numGroups"/>.</param>
    /// <param name="numGroups">Number of channel groups.</param>
    /// <param name="weight">Per-channel scale [C], or null.</param>
    /// <param name="bias">Per-channel shift [C], or null.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <exception cref="ArgumentException">The input has fewer than 2 dims, C is not divisible by <paramref name="numGroups"/>, or the weight or bias is not [C].</exception>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (input.NDim < 2)
            throw new ArgumentException($"group_norm: expected input of at least 2 dims [N, C, *], but got input of shape {Core.Shape.Format(input.Shape)}");
        int n = input.Size(0), c = input.Size(1);
        if (numGroups <= 0 || c % numGroups != 0)
            throw new ArgumentException(
                $"group_norm: expected the number of channels in the input to be divisible by numGroups, but got input of shape " +
                $"{Core.Shape.Format(input.Shape)} and numGroups={numGroups}");
        CheckAffine("group_norm", weight, bias, [c]);
        var grouped = input.Reshape(n, numGroups, -1);
        var y = Normalize(grouped, [2], eps).Reshape(input.Shape);
        var channelShape = Enumerable.Repeat(1, input.NDim).ToArray();
        channelShape[1] = c;
        if (weight is not null) y = y * weight.View(channelShape);
        if (bias is not null) y = y + bias.View(channelShape);
        return Named(y, "NativeGroupNormBackward0");
    }

    /// <summary>(x - mean) / sqrt(var + eps) over <paramref name="dims"/>, with the biased variance, as the normalisation layers use.</summary>
    private static Tensor Normalize(Tensor x, int[] dims, double eps)
    {
        if (!x.IsFloatingPoint()) throw new ArgumentException($"normalization: expected a floating-point input, but got {x.DType.TorchName()}");
        var centered = x - x.Mean(dims, keepDim: true);
        var variance = centered.Square().Mean(dims, keepDim: true);
        return centered * (variance + eps).Pow(-0.5);
    }

    private static void CheckAffine(string op, Tensor? weight, Tensor? bias, int[] shape)
    {
        if (weight is not null && !weight.Shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"{op}: expected weight of shape {Core.Shape.Format(shape)}, but got weight of shape {Core.Shape.Format(weight.Shape)}");
        if (bias is not null && !bias.Shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"{op}: expected bias of shape {Core.Shape.Format(shape)}, but got bias of shape {Core.Shape.Format(bias.Shape)}");
    }
}
