namespace SharpGrad.NN;

/// <summary>max(x, 0) (<c>nn.ReLU(inplace=False)</c>).</summary>
public sealed class ReLU(bool inplace = false) : Module
{
    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Relu(input, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

/// <summary>x for x &gt; 0, negativeSlope * x otherwise (<c>nn.LeakyReLU(negative_slope=0.01)</c>).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : Module
{
    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"negative_slope={Repr.Float(NegativeSlope)}" + (Inplace ? ", inplace=True" : "");
}

/// <summary>Logistic sigmoid (<c>nn.Sigmoid</c>).</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

/// <summary>Hyperbolic tangent (<c>nn.Tanh</c>).</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}

/// <summary>Softmax along a dim (<c>nn.Softmax(dim)</c>).</summary>
public sealed class Softmax(int dim) : Module
{
    /// <summary>The dim that sums to 1.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softmax(Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>Log-softmax along a dim (<c>nn.LogSoftmax(dim)</c>).</summary>
public sealed class LogSoftmax(int dim) : Module
{
    /// <summary>The dim normalised over.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LogSoftmax(Dim);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"dim={Dim}";
}

/// <summary>x clipped to [minVal, maxVal] (<c>nn.Hardtanh(min_val=-1.0, max_val=1.0)</c>).</summary>
public sealed class Hardtanh(double minVal = -1, double maxVal = 1, bool inplace = false) : Module
{
    /// <summary>Lower limit.</summary>
    public double MinVal { get; } = minVal;

    /// <summary>Upper limit.</summary>
    public double MaxVal { get; } = maxVal;

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, MinVal, MaxVal, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"min_val={Repr.Float(MinVal)}, max_val={Repr.Float(MaxVal)}" + (Inplace ? ", inplace=True" : "");
}

/// <summary>x for x &gt; 0, alpha (e^x - 1) otherwise (<c>nn.ELU(alpha=1.0)</c>).</summary>
public sealed class ELU(double alpha = 1, bool inplace = false) : Module
{
    /// <summary>Scale of the negative part.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; } = inplace;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Elu(input, Alpha, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"alpha={Repr.Float(Alpha)}" + (Inplace ? ", inplace=True" : "");
}

/// <summary>Gaussian error linear unit (<c>nn.GELU(approximate='none')</c>).</summary>
public sealed class GELU(string approximate = "none") : Module
{
    /// <summary>"none" (exact) or "tanh".</summary>
    public string Approximate { get; } = approximate is "none" or "tanh" ? approximate
        : throw new ArgumentException($"GELU: approximate must be 'none' or 'tanh', got '{approximate}'");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

/// <summary>Randomly zeroes elements with probability p in training, scaling the rest by 1/(1-p) (<c>nn.Dropout(p=0.5)</c>).</summary>
public sealed class Dropout : Module
{
    /// <summary>Creates the layer; p must be in [0, 1].</summary>
    public Dropout(double p = 0.5, bool inplace = false)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"Dropout: dropout probability has to be between 0 and 1, but got {p}");
        P = p;
        Inplace = inplace;
    }

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, Inplace);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={Repr.Float(P)}, inplace={Repr.Bool(Inplace)}";
}

/// <summary>Shared part of the channel-wise dropout layers (<c>nn.modules.dropout._DropoutNd</c>): the probability and the in-place flag.</summary>
public abstract class ChannelDropout : Module
{
    /// <summary>Checks and stores the arguments.</summary>
    /// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
    /// <param name="inplace">Overwrite the input.</param>
    /// <exception cref="ArgumentException">p is outside [0, 1].</exception>
    private protected ChannelDropout(double p, bool inplace)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"{GetType().Name}: dropout probability has to be between 0 and 1, but got {p}");
        (P, Inplace) = (p, inplace);
    }

    /// <summary>Probability of zeroing a channel.</summary>
    public double P { get; }

    /// <summary>Whether the input is overwritten.</summary>
    public bool Inplace { get; }

    /// <inheritdoc/>
    public override string ExtraRepr() => $"p={Repr.Float(P)}, inplace={Repr.Bool(Inplace)}";
}

/// <summary>
/// Randomly zeroes whole channels of [N, C, H, W] feature maps with probability p in training, scaling the rest by
/// 1/(1-p) (<c>nn.Dropout2d(p=0.5)</c>); a 3-D input is read as [N, C, L], as PyTorch 1.13 does.
/// </summary>
/// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
/// <param name="inplace">Overwrite the input.</param>
public sealed class Dropout2d(double p = 0.5, bool inplace = false) : ChannelDropout(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, Inplace);
}

/// <summary>Randomly zeroes whole channels of [N, C, L] signals with probability p in training (<c>nn.Dropout1d(p=0.5)</c>).</summary>
/// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
/// <param name="inplace">Overwrite the input.</param>
public sealed class Dropout1d(double p = 0.5, bool inplace = false) : ChannelDropout(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout1d(input, P, Training, Inplace);
}
