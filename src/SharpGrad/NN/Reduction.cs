namespace SharpGrad.NN;

/// <summary>
/// The values of a loss's <c>reduction</c> argument, as constants so that IntelliSense lists them and a typo is a
/// compile error: <c>F.MseLoss(a, b, Reduction.Sum)</c> is <c>F.mse_loss(a, b, reduction="sum")</c>. The strings work too.
/// </summary>
public static class Reduction
{
    /// <summary>The average over the elements (or over the weights, for weighted losses): PyTorch's default.</summary>
    public const string Mean = "mean";

    /// <summary>The sum over the elements.</summary>
    public const string Sum = "sum";

    /// <summary>No reduction: one loss per element (or per sample).</summary>
    public const string None = "none";
}

/// <summary>The values of the <c>mode</c> argument of <see cref="Init.KaimingUniform_"/> and <see cref="Init.KaimingNormal_"/>.</summary>
public static class FanMode
{
    /// <summary>Scale by the number of inputs (PyTorch's default): keeps the variance of the activations in the forward pass.</summary>
    public const string FanIn = "fan_in";

    /// <summary>Scale by the number of outputs: keeps the variance of the gradients in the backward pass.</summary>
    public const string FanOut = "fan_out";
}
