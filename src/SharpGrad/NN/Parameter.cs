namespace SharpGrad.NN;

/// <summary>
/// A tensor that is a module's learnable parameter (PyTorch <c>nn.Parameter</c>): a leaf sharing the
/// given tensor's storage, requiring grad by default, and picked up by <see cref="Module.Parameters"/>.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (detached; storage shared) as a parameter (<c>nn.Parameter(data, requires_grad)</c>).</summary>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Storage, data.Layout)
    {
        if (requiresGrad) RequiresGrad_();
    }

    /// <summary>PyTorch's form: <c>Parameter containing:</c> then the tensor.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
