namespace SharpGrad.Vision.Transforms;

/// <summary>A transform made from a function (<c>torchvision.transforms.Lambda</c>).</summary>
public sealed class Lambda : ITransform
{
    /// <summary>Wraps <paramref name="lambd"/> as a transform (<c>Lambda(lambd)</c>).</summary>
    public Lambda(Func<Tensor, Tensor> lambd)
    {
        ArgumentNullException.ThrowIfNull(lambd);
        Lambd = lambd;
    }

    /// <summary>The wrapped function (<c>lambda_transform.lambd</c>).</summary>
    public Func<Tensor, Tensor> Lambd { get; }

    /// <summary>Calls the function on the image.</summary>
    public Tensor Apply(Tensor input) => Lambd(input);

    /// <summary>torchvision's repr: <c>Lambda()</c>.</summary>
    public override string ToString() => "Lambda()";
}
