using SharpGrad.Core;
namespace SharpGrad.Optim;

/// <summary>
/// Gradient clipping (PyTorch <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>, 1.13 semantics).
/// Call between <c>loss.Backward()</c> and <c>optimizer.Step()</c>; parameters without a gradient are skipped.
/// </summary>
public static class ClipGrad
{
    /// <summary>
    /// Scales all gradients together so that their total norm is at most <paramref name="maxNorm"/>
    /// (<c>torch.nn.utils.clip_grad_norm_</c>). The total norm is the <paramref name="normType"/>-norm of the
    /// per-parameter norms, as if all gradients were one vector; every gradient is multiplied by
    /// min(1, maxNorm / (total + 1e-6)).
    /// </summary>
    /// <param name="parameters">The parameters whose gradients to clip, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="maxNorm">The largest total norm allowed.</param>
    /// <param name="normType">The p of the p-norm: 2 (default), 1, any positive p, 0 (count of nonzeros), or ±∞ (largest/smallest magnitude).</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite instead of scaling by it.</param>
    /// <returns>The total norm before clipping, as a 0-d tensor of the gradients' dtype (float32 zero when no parameter has a gradient).</returns>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = new List<Tensor>();
        foreach (var p in parameters)
            if (p?.Grad is Tensor g) grads.Add(g);
        if (grads.Count == 0) return Tensor.From(0.0);

        double total;
        using (Tensor.NoGrad())
        {
            var norms = new double[grads.Count];
            for (int i = 0; i < norms.Length; i++) norms[i] = Norm(grads[i], normType);
            total = Norm(norms, normType);
        }
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException(
                $"clip_grad_norm_: The total norm of order {PyFormat.Float(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`");

        double coef = maxNorm / (total + 1e-6);
        // Scaling by exactly 1 changes nothing; NaN is applied, as PyTorch's clamp keeps it.
        if (coef < 1 || double.IsNaN(coef))
            using (Tensor.NoGrad())
                foreach (var g in grads) g.Detach().Mul_(coef);
        return Tensor.From(total, grads[0].DType);
    }

    /// <summary>Clips the gradient of one parameter by norm (<c>clip_grad_norm_(tensor, ...)</c>).</summary>
    /// <param name="parameter">The parameter whose gradient to clip.</param>
    /// <param name="maxNorm">The largest norm allowed.</param>
    /// <param name="normType">The p of the p-norm.</param>
    /// <param name="errorIfNonfinite">Throw when the norm is NaN or infinite.</param>
    /// <returns>The norm before clipping.</returns>
    public static Tensor ClipGradNorm_(Tensor parameter, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return ClipGradNorm_([parameter], maxNorm, normType, errorIfNonfinite);
    }

    /// <summary>
    /// Limits every gradient element to [−clipValue, clipValue] in place (<c>torch.nn.utils.clip_grad_value_</c>).
    /// </summary>
    /// <param name="parameters">The parameters whose gradients to clip.</param>
    /// <param name="clipValue">The largest magnitude allowed.</param>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var noGrad = Tensor.NoGrad();
        foreach (var p in parameters)
            if (p?.Grad is Tensor g) g.Detach().Clamp_(-clipValue, clipValue);
    }

    /// <summary>Clips the gradient of one parameter by value (<c>clip_grad_value_(tensor, clip_value)</c>).</summary>
    /// <param name="parameter">The parameter whose gradient to clip.</param>
    /// <param name="clipValue">The largest magnitude allowed.</param>
    public static void ClipGradValue_(Tensor parameter, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ClipGradValue_([parameter], clipValue);
    }

    /// <summary>The p-norm of one gradient, computed with tensor reductions (<c>torch.norm(g, p)</c>).</summary>
    private static double Norm(Tensor g, double p)
    {
        if (g.Numel() == 0) return 0;
        if (double.IsPositiveInfinity(p)) return g.Abs().Max().Item();
        if (double.IsNegativeInfinity(p)) return g.Abs().Min().Item();
        if (p == 0) return g.Ne(0.0).Double().Sum().Item();
        if (p == 1) return g.Abs().Sum().Item();
        if (p == 2) return Math.Sqrt(g.Mul(g).Sum().Item());
        return Math.Pow(g.Abs().Pow(p).Sum().Item(), 1 / p);
    }

    /// <summary>The p-norm of the per-gradient norms, as PyTorch takes it of their stack.</summary>
    private static double Norm(double[] norms, double p)
    {
        if (double.IsPositiveInfinity(p)) return norms.Max();
        if (double.IsNegativeInfinity(p)) return norms.Min();
        if (p == 0) return norms.Count(n => n != 0);
        double sum = 0;
        foreach (double n in norms) sum += Math.Pow(Math.Abs(n), p);
        return Math.Pow(sum, 1 / p);
    }
}
