namespace SharpGrad.Optim;

/// <summary>
/// Adam with decoupled weight decay (PyTorch <c>torch.optim.AdamW</c>, 1.13 semantics): the parameters shrink by
/// γλ each step instead of λθ being added to the gradient.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient ∇ at step t = 1, 2, ... (γ = lr, (β₁, β₂) = betas, ε = eps, λ = weight_decay):
/// <code>
/// g ← ∇                      (g ← −∇ when maximize)
/// θ ← θ(1 − γλ)
/// m ← β₁m + (1 − β₁)g        (state "exp_avg", starts at 0)
/// v ← β₂v + (1 − β₂)g²       (state "exp_avg_sq", starts at 0)
/// if amsgrad: v̂ ← max(v̂, v) (state "max_exp_avg_sq"), else v̂ ← v
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// PyTorch 1.13's AdamW has no "differentiable" or "fused" options, so its repr lists neither.
/// </remarks>
public class AdamW : Optimizer
{
    /// <summary>AdamW over one group (<c>optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False)</c>).</summary>
    /// <param name="parameters">The tensors to optimize, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="betas">Decay rates (β₁, β₂) of the running averages of the gradient and its square; default (0.9, 0.999).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay λ.</param>
    /// <param name="amsgrad">Use the maximum of the second-moment estimates (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>AdamW over parameter groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    /// <param name="paramGroups">The groups, e.g. with their own "weight_decay".</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="betas">Decay rates (β₁, β₂) of the running averages of the gradient and its square; default (0.9, 0.999).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay λ.</param>
    /// <param name="amsgrad">Use the maximum of the second-moment estimates (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <inheritdoc/>
    public override void Step()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
        {
            var h = Adam.Hyper.Of(group);
            double weightDecay = group.GetDouble("weight_decay");
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor grad) continue;
                Adam.Update("AdamW", p, grad, StateFor(p), h, shrink: weightDecay != 0 ? 1 - h.Lr * weightDecay : 1, weightDecay: 0);
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckGroup(ParamGroup group) => Adam.Validate("AdamW", group);

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        var defaults = new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = new[] { betas.Item1, betas.Item2 }, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize, ["foreach"] = null, ["capturable"] = false,
        };
        Adam.Validate("AdamW", new ParamGroup([], defaults));
        return defaults;
    }
}
