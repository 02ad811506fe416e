namespace SharpGrad.NN;

/// <summary>
/// Affine map y = x W^T + b (<c>nn.Linear</c>). Weight [out, in] starts Kaiming-uniform with a = sqrt(5),
/// bias uniform in ±1/sqrt(in), as in PyTorch.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer (<c>nn.Linear(in_features, out_features, bias)</c>).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentException($"Linear: in_features and out_features must be non-negative, got {inFeatures} and {outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(Tensor.Empty([outFeatures, inFeatures], dtype));
        Bias = bias ? new Parameter(Tensor.Empty([outFeatures], dtype)) : null;
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        ResetParameters(generator);
    }

    /// <summary>Size of each input sample (<c>in_features</c>).</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample (<c>out_features</c>).</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, shape [out, in] (<c>linear.weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, shape [out], or null (<c>linear.bias</c>).</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the weights with PyTorch's default initialisation (<c>linear.reset_parameters()</c>).</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.KaimingUniform_(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is not null)
        {
            double bound = InFeatures > 0 ? 1 / Math.Sqrt(InFeatures) : 0;
            Init.Uniform_(Bias, -bound, bound, generator);
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Repr.Bool(Bias is not null)}";
}

/// <summary>Returns its input unchanged (<c>nn.Identity</c>).</summary>
public sealed class Identity : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>Flattens dims startDim..endDim into one; by default all but the batch dim (<c>nn.Flatten(start_dim=1, end_dim=-1)</c>).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>First dim to flatten.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last dim to flatten.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

/// <summary>Python-style formatting for module printouts (the shared rules live in <see cref="Core.PyFormat"/>).</summary>
internal static class Repr
{
    public static string Bool(bool value) => Core.PyFormat.Value(value);

    /// <summary>A float as Python prints it: 0.01, 1e-05, 1.0, 0.5.</summary>
    public static string Float(double value) => Core.PyFormat.Float(value);

    /// <summary>A pair as a Python tuple: (5, 5).</summary>
    public static string Pair((int, int) p) => $"({p.Item1}, {p.Item2})";

    /// <summary>Sizes as a Python tuple: (4,), (3, 4).</summary>
    public static string Tuple(int[] sizes) => sizes.Length == 1 ? $"({sizes[0]},)" : $"({string.Join(", ", sizes)})";
}
