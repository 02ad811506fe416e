namespace SharpGrad.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum (PyTorch <c>torch.optim.SGD</c>, 1.13 semantics).
/// </summary>
/// <remarks>
/// For each parameter θ with gradient ∇ (γ = lr, μ = momentum, τ = dampening, λ = weight_decay):
/// <code>
/// g ← ∇                      (g ← −∇ when maximize)
/// if λ ≠ 0:  g ← g + λθ
/// if μ ≠ 0:  b ← g at the first step, else b ← μb + (1 − τ)g      (state "momentum_buffer")
///            g ← g + μb if nesterov, else g ← b
/// θ ← θ − γg
/// </code>
/// Unlike Sutskever et al. the learning rate multiplies the whole velocity, as in PyTorch.
/// </remarks>
public class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters (<c>optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False)</c>).</summary>
    /// <param name="parameters">The tensors to optimize, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="momentum">Momentum factor μ.</param>
    /// <param name="dampening">Dampening τ of the momentum.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    /// <summary>SGD over parameter groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    /// <param name="paramGroups">The groups, e.g. with their own "lr".</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="momentum">Momentum factor μ.</param>
    /// <param name="dampening">Dampening τ of the momentum.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public SGD(IEnumerable<ParamGroup> paramGroups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    /// <inheritdoc/>
    public override void Step()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, momentum = group.GetDouble("momentum"), dampening = group.GetDouble("dampening");
            double weightDecay = group.GetDouble("weight_decay");
            bool nesterov = group.GetBool("nesterov"), maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor grad) continue;
                Tensor? buf = null;
                bool first = false;
                if (momentum != 0)
                {
                    var state = StateFor(p);
                    first = !state.TryGetValue("momentum_buffer", out buf);
                    if (first) state["momentum_buffer"] = buf = Tensor.ZerosLike(p);
                }
                if (FusedUpdates.IsFloat64("SGD", p))
                    Tensor.FusedUpdate_<double, SgdUpdate<double>>("SGD", new(lr, momentum, dampening, weightDecay, nesterov, maximize, first), p, grad, buf);
                else
                    Tensor.FusedUpdate_<float, SgdUpdate<float>>("SGD", new(lr, momentum, dampening, weightDecay, nesterov, maximize, first), p, grad, buf);
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckGroup(ParamGroup group) => Validate(group);

    private static void Validate(ParamGroup group)
    {
        double lr = group.Lr, momentum = group.GetDouble("momentum"), dampening = group.GetDouble("dampening");
        double weightDecay = group.GetDouble("weight_decay");
        if (lr < 0) throw new ArgumentException($"SGD: Invalid learning rate: {Repr(lr)}");
        if (momentum < 0) throw new ArgumentException($"SGD: Invalid momentum value: {Repr(momentum)}");
        if (weightDecay < 0) throw new ArgumentException($"SGD: Invalid weightDecay value: {Repr(weightDecay)}");
        if (group.GetBool("nesterov") && (momentum <= 0 || dampening != 0))
            throw new ArgumentException($"SGD: Nesterov momentum requires a momentum and zero dampening (momentum={Repr(momentum)}, dampening={Repr(dampening)})");
        group.GetBool("maximize");
    }

    private static Dictionary<string, object?> MakeDefaults(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var defaults = new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov, ["maximize"] = maximize, ["foreach"] = null, ["differentiable"] = false,
        };
        // PyTorch checks the arguments before it looks at the parameters.
        Validate(new ParamGroup([], defaults));
        return defaults;
    }
}
