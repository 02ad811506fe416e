using SharpGrad.Core;
namespace SharpGrad.Optim;

/// <summary>
/// Adam (PyTorch <c>torch.optim.Adam</c>, 1.13 semantics), with the AMSGrad variant and an L2 penalty added to the gradient.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient ∇ at step t = 1, 2, ... (γ = lr, (β₁, β₂) = betas, ε = eps, λ = weight_decay):
/// <code>
/// g ← ∇                      (g ← −∇ when maximize)
/// if λ ≠ 0:  g ← g + λθ
/// m ← β₁m + (1 − β₁)g        (state "exp_avg", starts at 0)
/// v ← β₂v + (1 − β₂)g²       (state "exp_avg_sq", starts at 0)
/// if amsgrad: v̂ ← max(v̂, v) (state "max_exp_avg_sq"), else v̂ ← v
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// The step count t is the state's "step", a 0-d float32 tensor as in PyTorch.
/// </remarks>
public class Adam : Optimizer
{
    /// <summary>Adam over one group (<c>optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False)</c>).</summary>
    /// <param name="parameters">The tensors to optimize, e.g. <c>model.Parameters()</c>.</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="betas">Decay rates (β₁, β₂) of the running averages of the gradient and its square; default (0.9, 0.999).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="amsgrad">Use the maximum of the second-moment estimates (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>Adam over parameter groups; the arguments are the defaults for hyper-parameters a group does not set.</summary>
    /// <param name="paramGroups">The groups, e.g. with their own "lr".</param>
    /// <param name="lr">Learning rate γ.</param>
    /// <param name="betas">Decay rates (β₁, β₂) of the running averages of the gradient and its square; default (0.9, 0.999).</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ added to the gradient.</param>
    /// <param name="amsgrad">Use the maximum of the second-moment estimates (AMSGrad).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing it.</param>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <inheritdoc/>
    public override void Step()
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in ParamGroups)
        {
            var h = Hyper.Of(group);
            double weightDecay = group.GetDouble("weight_decay");
            foreach (var p in group.Params)
            {
                if (p.Grad is not Tensor grad) continue;
                Update("Adam", p, grad, StateFor(p), h, shrink: 1, weightDecay);
            }
        }
    }

    /// <inheritdoc/>
    protected override void CheckGroup(ParamGroup group) => Validate("Adam", group);

    /// <summary>The Adam hyper-parameters of a group, read once per step.</summary>
    internal readonly record struct Hyper(double Lr, double Beta1, double Beta2, double Eps, bool Amsgrad, bool Maximize)
    {
        public static Hyper Of(ParamGroup group)
        {
            var betas = group.GetDoubles("betas");
            return new(group.Lr, betas[0], betas[1], group.GetDouble("eps"), group.GetBool("amsgrad"), group.GetBool("maximize"));
        }
    }

    /// <summary>
    /// One step of Adam or AdamW on <paramref name="p"/> in one fused pass: AdamW's decoupled decay (θ ← θ·<paramref name="shrink"/>),
    /// Adam's L2 term (<paramref name="weightDecay"/>), the moment updates and the parameter step.
    /// </summary>
    internal static void Update(string op, Tensor p, Tensor grad, Dictionary<string, Tensor> state, Hyper h, double shrink, double weightDecay)
    {
        if (state.Count == 0)
        {
            state["step"] = NewStepCounter();
            state["exp_avg"] = Tensor.ZerosLike(p);
            state["exp_avg_sq"] = Tensor.ZerosLike(p);
        }
        if (h.Amsgrad && !state.ContainsKey("max_exp_avg_sq")) state["max_exp_avg_sq"] = Tensor.ZerosLike(p);
        double step = IncrementStep(state);
        var (m, v) = (state["exp_avg"], state["exp_avg_sq"]);
        var vMax = h.Amsgrad ? state["max_exp_avg_sq"] : null;
        if (FusedUpdates.IsFloat64(op, p))
            Tensor.FusedUpdate_<double, AdamUpdate<double>>(op, new(shrink, weightDecay, h.Beta1, h.Beta2, h.Eps, step, h.Lr, h.Amsgrad, h.Maximize), p, grad, m, v, vMax);
        else
            Tensor.FusedUpdate_<float, AdamUpdate<float>>(op, new(shrink, weightDecay, h.Beta1, h.Beta2, h.Eps, step, h.Lr, h.Amsgrad, h.Maximize), p, grad, m, v, vMax);
    }

    /// <summary>PyTorch's argument checks for Adam and AdamW, in its order.</summary>
    internal static void Validate(string name, ParamGroup group)
    {
        double lr = group.Lr, eps = group.GetDouble("eps"), weightDecay = group.GetDouble("weight_decay");
        var betas = group.GetDoubles("betas");
        if (!(0 <= lr)) throw new ArgumentException($"{name}: Invalid learning rate: {Repr(lr)}");
        if (!(0 <= eps)) throw new ArgumentException($"{name}: Invalid epsilon value: {Repr(eps)}");
        if (betas.Length != 2) throw new ArgumentException($"{name}: betas must be a pair of numbers, got {PyFormat.Tuple(betas)}");
        if (!(0 <= betas[0] && betas[0] < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 0: {Repr(betas[0])}");
        if (!(0 <= betas[1] && betas[1] < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 1: {Repr(betas[1])}");
        if (!(0 <= weightDecay)) throw new ArgumentException($"{name}: Invalid weightDecay value: {Repr(weightDecay)}");
        group.GetBool("amsgrad");
        group.GetBool("maximize");
    }

    private static Dictionary<string, object?> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        var defaults = new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = new[] { betas.Item1, betas.Item2 }, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize, ["foreach"] = null, ["capturable"] = false,
            ["differentiable"] = false, ["fused"] = false,
        };
        Validate("Adam", new ParamGroup([], defaults));
        return defaults;
    }
}
