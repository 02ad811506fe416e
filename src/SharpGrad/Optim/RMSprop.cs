namespace SharpGrad.Optim;

/// <summary>
/// RMSprop (PyTorch <c>torch.optim.RMSprop</c>, 1.13 semantics), optionally centered and with momentum.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient ∇ (γ = lr, α = alpha, ε = eps, λ = weight_decay, μ = momentum):
/// <code>
/// g ← ∇                        (g ← −∇ when maximize)
/// if λ ≠ 0:   g ← g + λθ
/// v ← αv + (1 − α)g²           (state "square_avg", starts at 0)
/// if centered: a ← αa + (1 − α)g (state "grad_avg", starts at 0); d ← √(v − a²) + ε
/// else:        d ← √v + ε
/// if μ &gt; 0:  b ← μb + g / d (state "momentum_buffer", starts at 0); θ ← θ − γb
/// else:        θ ← θ − γ g / d
/// </code>
/// </remarks>
public class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group (<c>optim.RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False)</c>).</summary>
    /// <param name="parameters">The tensors to optimize, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="alpha">Smoothing constant α of the running averages.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="momentum">Momentum factor μ.</param>
    /// <param name="centered">Normalize by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    /// <summary>RMSprop over parameter groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    /// <param name="paramGroups">The groups, e.g. with their own "lr".</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="alpha">Smoothing constant α of the running averages.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="momentum">Momentum factor μ.</param>
    /// <param name="centered">Normalize by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public RMSprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    /// <inheritdoc/>
    public override void Step()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, alpha = group.GetDouble("alpha"), eps = group.GetDouble("eps");
            double weightDecay = group.GetDouble("weight_decay"), momentum = group.GetDouble("momentum");
            bool centered = group.GetBool("centered"), maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor grad) continue;
                var state = StateFor(p);
                if (state.Count == 0)
                {
                    state["step"] = NewStepCounter();
                    state["square_avg"] = Tensor.ZerosLike(p);
                }
                if (momentum > 0 && !state.ContainsKey("momentum_buffer")) state["momentum_buffer"] = Tensor.ZerosLike(p);
                if (centered && !state.ContainsKey("grad_avg")) state["grad_avg"] = Tensor.ZerosLike(p);
                IncrementStep(state);

                var (squareAvg, gradAvg, buf) = (state["square_avg"], centered ? state["grad_avg"] : null, momentum > 0 ? state["momentum_buffer"] : null);
                if (FusedUpdates.IsFloat64("RMSprop", p))
                    Tensor.FusedUpdate_<double, RMSpropUpdate<double>>("RMSprop", new(lr, alpha, eps, weightDecay, momentum, centered, maximize), p, grad, squareAvg, gradAvg, buf);
                else
                    Tensor.FusedUpdate_<float, RMSpropUpdate<float>>("RMSprop", new(lr, alpha, eps, weightDecay, momentum, centered, maximize), p, grad, squareAvg, gradAvg, buf);
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckGroup(ParamGroup group) => Validate(group);

    private static void Validate(ParamGroup group)
    {
        double lr = group.Lr, alpha = group.GetDouble("alpha"), eps = group.GetDouble("eps");
        double weightDecay = group.GetDouble("weight_decay"), momentum = group.GetDouble("momentum");
        if (!(0 <= lr)) throw new ArgumentException($"RMSprop: Invalid learning rate: {Repr(lr)}");
        if (!(0 <= eps)) throw new ArgumentException($"RMSprop: Invalid epsilon value: {Repr(eps)}");
        if (!(0 <= momentum)) throw new ArgumentException($"RMSprop: Invalid momentum value: {Repr(momentum)}");
        if (!(0 <= weightDecay)) throw new ArgumentException($"RMSprop: Invalid weightDecay value: {Repr(weightDecay)}");
        if (!(0 <= alpha)) throw new ArgumentException($"RMSprop: Invalid alpha value: {Repr(alpha)}");
        group.GetBool("centered");
        group.GetBool("maximize");
    }

    private static Dictionary<string, object?> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        var defaults = new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered,
            ["weight_decay"] = weightDecay, ["foreach"] = null, ["maximize"] = maximize, ["differentiable"] = false,
        };
        Validate(new ParamGroup([], defaults));
        return defaults;
    }
}
