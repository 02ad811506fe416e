namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>Mean (or sum, or per-element) squared error (<c>F.mse_loss</c>). Input and target shapes must match.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, string reduction = "mean")
    {
        CheckSameShape("mse_loss", input, target);
        var d = input - target;
        return Named(Reduce(d * d, reduction, "mse_loss"), "MseLossBackward0");
    }

    /// <summary>Mean (or sum, or per-element) absolute error (<c>F.l1_loss</c>).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, string reduction = "mean")
    {
        CheckSameShape("l1_loss", input, target);
        return Named(Reduce((input - target).Abs(), reduction, "l1_loss"), "L1LossBackward0");
    }

    /// <summary>0.5 d^2 / beta where |d| &lt; beta, |d| - 0.5 beta elsewhere (<c>F.smooth_l1_loss</c>).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, string reduction = "mean", double beta = 1.0)
    {
        CheckSameShape("smooth_l1_loss", input, target);
        if (beta < 0) throw new ArgumentException($"smooth_l1_loss: beta must be non-negative, got {beta}");
        var d = (input - target).Abs();
        var loss = beta == 0 ? d : Tensor.Where(d.Lt(beta), 0.5 * d * d / beta, d - 0.5 * beta);
        return Named(Reduce(loss, reduction, "smooth_l1_loss"), "SmoothL1LossBackward0");
    }

    /// <summary>0.5 d^2 where |d| &lt; delta, delta (|d| - 0.5 delta) elsewhere (<c>F.huber_loss</c>).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, string reduction = "mean", double delta = 1.0)
    {
        CheckSameShape("huber_loss", input, target);
        if (delta <= 0) throw new ArgumentException($"huber_loss: delta must be positive, got {delta}");
        var d = (input - target).Abs();
        var loss = Tensor.Where(d.Lt(delta), 0.5 * d * d, delta * (d - 0.5 * delta));
        return Named(Reduce(loss, reduction, "huber_loss"), "HuberLossBackward0");
    }

    /// <summary>
    /// Binary cross-entropy of probabilities: -w [y log x + (1 - y) log(1 - x)], each log clamped at -100
    /// as in PyTorch (<c>F.binary_cross_entropy</c>). Inputs outside [0, 1] are an error.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean")
    {
        CheckSameShape("binary_cross_entropy", input, target);
        using (Tensor.NoGrad())
        {
            if (input.Lt(0.0).LogicalOr(input.Gt(1.0)).Sum().Item<long>() > 0)
                throw new ArgumentException($"binary_cross_entropy: all elements of input should be between 0 and 1 (min {input.Min().Item()}, max {input.Max().Item()})");
        }
        var loss = -(target * input.Log().ClampMin(-100) + (1.0 - target) * (1.0 - input).Log().ClampMin(-100));
        if (weight is not null) loss = loss * weight;
        return Named(Reduce(loss, reduction, "binary_cross_entropy"), "BinaryCrossEntropyBackward0");
    }

    /// <summary>
    /// Sigmoid + binary cross-entropy in the stable form
    /// (1 - y) x + (1 + (pw - 1) y) (log(1 + e^-|x|) + max(-x, 0)) (<c>F.binary_cross_entropy_with_logits</c>).
    /// <paramref name="posWeight"/> weighs the positive term per class (broadcast over the last dim).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, string reduction = "mean", Tensor? posWeight = null)
    {
        CheckSameShape("binary_cross_entropy_with_logits", input, target);
        var softplusNeg = (1.0 + (-input.Abs()).Exp()).Log() + (-input).ClampMin(0);
        var logWeight = posWeight is null ? null : 1.0 + (posWeight - 1.0) * target;
        var loss = (1.0 - target) * input + (logWeight is null ? softplusNeg : logWeight * softplusNeg);
        if (weight is not null) loss = loss * weight;
        return Named(Reduce(loss, reduction, "binary_cross_entropy_with_logits"), "BinaryCrossEntropyWithLogitsBackward0");
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities [N, C] (or [N, C, d1, ...], or [C]) at int64 class targets
    /// (<c>F.nll_loss</c>). Targets equal to <paramref name="ignoreIndex"/> contribute nothing; with a class
    /// <paramref name="weight"/>, the mean divides by the summed weights of the targets.
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, string reduction = "mean")
    {
        var logp = ClassLast("nll_loss", input, target, weight);
        return Named(NllCore("nll_loss", logp, target, weight, ignoreIndex, reduction), "NllLossBackward0");
    }

    /// <summary>
    /// Cross-entropy of unnormalised logits (<c>F.cross_entropy</c>): log-softmax over the class dim (1, or 0 for
    /// unbatched input) then NLL. The target is int64 class indices, or class probabilities of the input's shape.
    /// <paramref name="labelSmoothing"/> mixes the target with the uniform distribution as PyTorch does.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100,
        string reduction = "mean", double labelSmoothing = 0.0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentException($"cross_entropy: labelSmoothing must be between 0.0 and 1.0, got {labelSmoothing}");
        if (target.IsFloatingPoint())
        {
            if (target.NDim == input.NDim - 1 || (input.NDim == 1 && target.NDim == 0))
                throw new ArgumentException(
                    $"cross_entropy: expected target dtype int64 (class indices) but got {target.DType.TorchName()} for a target of shape " +
                    $"{Core.Shape.Format(target.Shape)} with input {Core.Shape.Format(input.Shape)}; convert the labels with target.Long() " +
                    "(a floating-point target must hold class probabilities of the input's shape)");
            CheckSameShape("cross_entropy", input, target);
            var logpSoft = ClassLast("cross_entropy", input, null, weight).LogSoftmax(-1);
            var p = target.NDim >= 2 ? target.Movedim(1, -1) : target;
            int classes = logpSoft.Size(-1);
            if (labelSmoothing > 0) p = p * (1 - labelSmoothing) + labelSmoothing / classes;
            var weighted = weight is null ? logpSoft : logpSoft * weight;
            var perSample = -(weighted * p).Sum(-1);
            var reduced = reduction == "mean" ? perSample.Sum() / Math.Max(1, perSample.Numel()) : Reduce(perSample, reduction, "cross_entropy");
            return Named(reduced, "CrossEntropyLossBackward0");
        }
        var logp = ClassLast("cross_entropy", input, target, weight).LogSoftmax(-1);
        var nll = NllCore("cross_entropy", logp, target, weight, ignoreIndex, reduction);
        if (labelSmoothing > 0)
        {
            int classes = logp.Size(-1);
            var valid = target.Ne((double)ignoreIndex);
            var smooth = -(weight is null ? logp : logp * weight).Sum(-1) * valid;
            Tensor smoothReduced = reduction switch
            {
                "none" => smooth,
                "sum" => smooth.Sum(),
                _ => smooth.Sum() / (weight is null ? valid.Sum().Double() : TargetWeights(weight, target, valid).Sum()),
            };
            nll = (1 - labelSmoothing) * nll + smoothReduced.To(nll.DType) * (labelSmoothing / classes);
        }
        return Named(nll, "CrossEntropyLossBackward0");
    }

    private static Tensor NllCore(string op, Tensor logp, Tensor target, Tensor? weight, int ignoreIndex, string reduction)
    {
        int classes = logp.Size(-1);
        var valid = target.Ne((double)ignoreIndex);
        var safeTarget = Tensor.Where(valid, target, Tensor.ZerosLike(target));
        if (safeTarget.Numel() > 0)
        {
            long min = safeTarget.Min().Item<long>(), max = safeTarget.Max().Item<long>();
            long bad = min < 0 ? min : max;
            if (min < 0 || max >= classes)
                throw new ArgumentException($"{op}: target {bad} is out of bounds for {classes} classes (valid targets are 0..{classes - 1}, or ignoreIndex {ignoreIndex})");
        }
        // logp[..., target]: a gather of one element per sample rather than a [N, C] one-hot mask times logp.
        var picked = logp.Gather(-1, safeTarget.Unsqueeze(-1)).Squeeze(-1);
        var w = weight is null ? valid.To(logp.DType) : TargetWeights(weight, safeTarget, valid).To(logp.DType);
        var loss = -picked * w;
        return reduction switch
        {
            "none" => loss,
            "sum" => loss.Sum(),
            "mean" => loss.Sum() / w.Sum(),
            _ => throw BadReduction(op, reduction),
        };
    }

    /// <summary>weight[target] for each sample, zero where the target is ignored.</summary>
    private static Tensor TargetWeights(Tensor weight, Tensor target, Tensor valid)
    {
        var safe = Tensor.Where(valid, target, Tensor.ZerosLike(target));
        return weight.IndexSelect(0, safe.Reshape(-1)).Reshape(safe.Shape) * valid;
    }

    /// <summary>Checks shapes for class-index losses and moves the class dim last: [N, C, d...] → [N, d..., C].</summary>
    private static Tensor ClassLast(string op, Tensor input, Tensor? target, Tensor? weight)
    {
        if (!input.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected floating point input, got {input.DType.TorchName()}");
        if (input.NDim == 0) throw new ArgumentException($"{op}: input must have at least 1 dimension (classes), got a 0-d tensor");
        int classDim = input.NDim == 1 ? 0 : 1;
        int classes = input.Size(classDim);
        if (weight is not null && (weight.NDim != 1 || weight.Size(0) != classes))
            throw new ArgumentException($"{op}: weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape {Core.Shape.Format(weight.Shape)}");
        if (target is not null)
        {
            if (target.DType != DType.Int64)
                throw new ArgumentException($"{op}: expected target of dtype torch.int64 (class indices), got {target.DType.TorchName()}; call Long() on the labels");
            var expected = input.Shape.Where((_, d) => d != classDim).ToArray();
            if (!target.Shape.AsSpan().SequenceEqual(expected))
                throw new ArgumentException(
                    $"{op}: expected target of shape {Core.Shape.Format(expected)} for input of shape {Core.Shape.Format(input.Shape)}, " +
                    $"but got target of shape {Core.Shape.Format(target.Shape)}" +
                    (input.NDim >= 2 && target.NDim >= 1 ? $" (batch sizes {input.Size(0)} and {target.Size(0)})" : ""));
        }
        return input.NDim >= 2 ? input.Movedim(1, -1) : input;
    }

    private static Tensor Reduce(Tensor loss, string reduction, string op) => reduction switch
    {
        "mean" => loss.Mean(),
        "sum" => loss.Sum(),
        "none" => loss,
        _ => throw BadReduction(op, reduction),
    };

    private static ArgumentException BadReduction(string op, string reduction)
        => new($"{op}: '{reduction}' is not a valid value for reduction; use 'none', 'mean' or 'sum'");

    private static void CheckSameShape(string op, Tensor input, Tensor target)
    {
        if (!input.Shape.AsSpan().SequenceEqual(target.Shape))
            throw new ArgumentException(
                $"{op}: target shape {Core.Shape.Format(target.Shape)} differs from input shape {Core.Shape.Format(input.Shape)}; " +
                "they would broadcast silently. Reshape one of them (e.g. target.View(-1, 1) or input.Squeeze(1))");
    }
}
