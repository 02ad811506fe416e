namespace SharpGrad.Optim;

/// <summary>
/// Adagrad (PyTorch <c>torch.optim.Adagrad</c>, 1.13 semantics): per-element learning rates scaled by the root of the
/// summed squared gradients.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient ∇ at step t = 1, 2, ... (γ = lr, η = lr_decay, λ = weight_decay, τ = initial_accumulator_value):
/// <code>
/// g ← ∇                      (g ← −∇ when maximize)
/// if λ ≠ 0:  g ← g + λθ
/// γ̃ ← γ / (1 + (t − 1)η)
/// s ← s + g²                 (state "sum", starts at τ)
/// θ ← θ − γ̃ g / (√s + ε)
/// </code>
/// As in PyTorch the state ("step" and "sum") exists for every parameter from construction on.
/// </remarks>
public class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group (<c>optim.Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False)</c>).</summary>
    /// <param name="parameters">The tensors to optimize, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="lrDecay">Learning-rate decay η.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value τ of the sum of squared gradients.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(parameters, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize))
    {
        InitializeState();
    }

    /// <summary>Adagrad over parameter groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    /// <param name="paramGroups">The groups, e.g. with their own "lr".</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="lrDecay">Learning-rate decay η.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value τ of the sum of squared gradients.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adagrad(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize))
    {
        InitializeState();
    }

    /// <inheritdoc/>
    public override void Step()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
        {
            double lr = group.Lr, lrDecay = group.GetDouble("lr_decay"), eps = group.GetDouble("eps");
            double weightDecay = group.GetDouble("weight_decay");
            bool maximize = group.GetBool("maximize");
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor grad) continue;
                var state = StateFor(p);
                // Groups added after construction get their state on first use.
                if (state.Count == 0) Initialize(state, p, group);
                double step = IncrementStep(state);
                double clr = lr / (1 + (step - 1) * lrDecay);
                if (FusedUpdates.IsFloat64("Adagrad", p))
                    Tensor.FusedUpdate_<double, AdagradUpdate<double>>("Adagrad", new(clr, eps, weightDecay, maximize), p, grad, state["sum"]);
                else
                    Tensor.FusedUpdate_<float, AdagradUpdate<float>>("Adagrad", new(clr, eps, weightDecay, maximize), p, grad, state["sum"]);
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckGroup(ParamGroup group) => Validate(group);

    private void InitializeState()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
            foreach (var p in group.Params)
                Initialize(StateFor(p), p, group);
    }

    private static void Initialize(Dictionary<string, Tensor> state, Tensor p, ParamGroup group)
    {
        state["step"] = NewStepCounter();
        state["sum"] = Tensor.FullLike(p, group.GetDouble("initial_accumulator_value"));
    }

    private static void Validate(ParamGroup group)
    {
        double lr = group.Lr, lrDecay = group.GetDouble("lr_decay"), weightDecay = group.GetDouble("weight_decay");
        double initial = group.GetDouble("initial_accumulator_value"), eps = group.GetDouble("eps");
        if (!(0 <= lr)) throw new ArgumentException($"Adagrad: Invalid learning rate: {Repr(lr)}");
        if (!(0 <= lrDecay)) throw new ArgumentException($"Adagrad: Invalid lrDecay value: {Repr(lrDecay)}");
        if (!(0 <= weightDecay)) throw new ArgumentException($"Adagrad: Invalid weightDecay value: {Repr(weightDecay)}");
        if (!(0 <= initial)) throw new ArgumentException($"Adagrad: Invalid initialAccumulatorValue value: {Repr(initial)}");
        if (!(0 <= eps)) throw new ArgumentException($"Adagrad: Invalid epsilon value: {Repr(eps)}");
        group.GetBool("maximize");
    }

    private static Dictionary<string, object?> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize)
    {
        var defaults = new Dictionary<string, object?>
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue, ["foreach"] = null, ["maximize"] = maximize,
        };
        Validate(new ParamGroup([], defaults));
        return defaults;
    }
}
