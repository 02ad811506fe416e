namespace SharpGrad.NN;

/// <summary>
/// Layer normalisation over the last dims of each sample (<c>nn.LayerNorm(normalized_shape, eps=1e-05,
/// elementwise_affine=True)</c>): y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, the statistics taken per
/// sample (the same in training and eval), weight starting at ones and bias at zeros, both of shape normalizedShape.
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>Normalises over the last dim of size <paramref name="normalizedShape"/> (<c>nn.LayerNorm(512)</c>).</summary>
    /// <param name="normalizedShape">Size of the last dim.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="elementwiseAffine">Whether to learn a per-element weight and bias.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>Normalises over the trailing dims <paramref name="normalizedShape"/> (<c>nn.LayerNorm([C, H, W])</c>).</summary>
    /// <param name="normalizedShape">The trailing shape, e.g. [C, H, W].</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="elementwiseAffine">Whether to learn a per-element weight and bias.</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <exception cref="ArgumentException">The shape is empty or has a negative size.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 0))
            throw new ArgumentException($"LayerNorm: normalizedShape must be a non-empty list of non-negative sizes, got {Core.Shape.Format(normalizedShape)}");
        (NormalizedShape, Eps, ElementwiseAffine) = ((int[])normalizedShape.Clone(), eps, elementwiseAffine);
        if (elementwiseAffine)
        {
            Weight = new Parameter(Tensor.Ones(normalizedShape, dtype));
            Bias = new Parameter(Tensor.Zeros(normalizedShape, dtype));
        }
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
    }

    /// <summary>The trailing shape normalised over (<c>normalized_shape</c>).</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Whether there are a learnable weight and bias.</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>Scale of shape normalizedShape (<c>ln.weight</c>), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift of shape normalizedShape (<c>ln.bias</c>), or null without affine.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    public override string ExtraRepr()
        => $"{Repr.Tuple(NormalizedShape)}, eps={Repr.Float(Eps)}, elementwise_affine={Repr.Bool(ElementwiseAffine)}";
}

/// <summary>
/// Group normalisation (<c>nn.GroupNorm(num_groups, num_channels, eps=1e-05, affine=True)</c>): the channels of each
/// sample are split into groups, each normalised over its channels and positions, then scaled and shifted per
/// channel. Independent of the batch size, so the same in training and eval.
/// </summary>
public sealed class GroupNorm : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numGroups">Number of groups the channels are split into.</param>
    /// <param name="numChannels">Number of channels (dim 1 of the input); divisible by <paramref name="numGroups"/>.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <param name="affine">Whether to learn a per-channel weight (ones) and bias (zeros).</param>
    /// <param name="dtype">Dtype of the parameters.</param>
    /// <exception cref="ArgumentException"><paramref name="numChannels"/> is not divisible by <paramref name="numGroups"/>.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType dtype = DType.Float32)
    {
        if (numGroups <= 0 || numChannels < 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: numChannels ({numChannels}) must be divisible by numGroups ({numGroups})");
        (NumGroups, NumChannels, Eps, Affine) = (numGroups, numChannels, eps, affine);
        if (affine)
        {
            Weight = new Parameter(Tensor.Ones([numChannels], dtype));
            Bias = new Parameter(Tensor.Zeros([numChannels], dtype));
        }
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
    }

    /// <summary>Number of groups.</summary>
    public int NumGroups { get; }

    /// <summary>Number of channels.</summary>
    public int NumChannels { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Whether there are a learnable weight and bias.</summary>
    public bool Affine { get; }

    /// <summary>Per-channel scale [C] (<c>gn.weight</c>), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>Per-channel shift [C] (<c>gn.bias</c>), or null without affine.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.NDim >= 2 && input.Size(1) != NumChannels)
            throw new ArgumentException($"GroupNorm: expected {NumChannels} channels in dim 1, but got input of shape {Core.Shape.Format(input.Shape)}");
        return Functional.GroupNorm(input, NumGroups, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Repr.Float(Eps)}, affine={Repr.Bool(Affine)}";
}
