namespace SharpGrad.NN;

/// <summary>Base of the loss modules (<c>nn.modules.loss._Loss</c>): a function of (input, target) with a reduction.</summary>
public abstract class Loss : Module
{
    /// <summary>Creates the loss with a reduction: "mean" (default), "sum" or "none".</summary>
    protected Loss(string reduction)
    {
        if (reduction is not ("mean" or "sum" or "none"))
            throw new ArgumentException($"{GetType().Name}: '{reduction}' is not a valid value for reduction; use 'none', 'mean' or 'sum'");
        Reduction = reduction;
    }

    /// <summary>How per-element losses are combined: "mean", "sum" or "none".</summary>
    public string Reduction { get; }

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (<c>loss_fn(input, target)</c>).</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>A loss needs a target: call <see cref="Forward(Tensor, Tensor)"/>.</summary>
    public override Tensor Forward(Tensor input)
        => throw new InvalidOperationException($"{GetType().Name}: a loss takes (input, target); call Forward(input, target)");
}

/// <summary>Squared error (<c>nn.MSELoss(reduction='mean')</c>).</summary>
public sealed class MSELoss(string reduction = "mean") : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Absolute error (<c>nn.L1Loss(reduction='mean')</c>).</summary>
public sealed class L1Loss(string reduction = "mean") : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>Quadratic below beta, linear above (<c>nn.SmoothL1Loss(reduction='mean', beta=1.0)</c>).</summary>
public sealed class SmoothL1Loss(string reduction = "mean", double beta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; } = beta;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>Huber loss (<c>nn.HuberLoss(reduction='mean', delta=1.0)</c>).</summary>
public sealed class HuberLoss(string reduction = "mean", double delta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; } = delta;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>Binary cross-entropy of probabilities (<c>nn.BCELoss(weight=None, reduction='mean')</c>).</summary>
public sealed class BCELoss(Tensor? weight = null, string reduction = "mean") : Loss(reduction)
{
    /// <summary>Per-element rescaling, broadcast to the input, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>Sigmoid + binary cross-entropy in one stable step (<c>nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)</c>).</summary>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, string reduction = "mean", Tensor? posWeight = null) : Loss(reduction)
{
    /// <summary>Per-element rescaling, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Weight of positive examples per class, or null.</summary>
    public Tensor? PosWeight { get; } = posWeight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}

/// <summary>
/// Log-softmax + negative log-likelihood of logits against class indices or probabilities
/// (<c>nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)</c>).
/// </summary>
public sealed class CrossEntropyLoss(Tensor? weight = null, int ignoreIndex = -100, string reduction = "mean", double labelSmoothing = 0.0) : Loss(reduction)
{
    /// <summary>Per-class weight, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Target value that is skipped.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <summary>Amount of the uniform distribution mixed into the target.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}

/// <summary>Negative log-likelihood of log-probabilities (<c>nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')</c>).</summary>
public sealed class NLLLoss(Tensor? weight = null, int ignoreIndex = -100, string reduction = "mean") : Loss(reduction)
{
    /// <summary>Per-class weight, or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Target value that is skipped.</summary>
    public int IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}
