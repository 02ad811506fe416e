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
                var g = DecayedGradient(p, grad, weightDecay, h.Maximize, out _);
                Update(p, g, StateFor(p), h);
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

    /// <summary>The moment updates and the parameter step shared by Adam and AdamW, for the gradient <paramref name="g"/>.</summary>
    internal static void Update(Tensor p, Tensor g, Dictionary<string, Tensor> state, Hyper h)
    {
        if (state.Count == 0)
        {
            state["step"] = NewStepCounter();
            state["exp_avg"] = Tensor.ZerosLike(p);
            state["exp_avg_sq"] = Tensor.ZerosLike(p);
        }
        if (h.Amsgrad && !state.ContainsKey("max_exp_avg_sq")) state["max_exp_avg_sq"] = Tensor.ZerosLike(p);
        double step = IncrementStep(state);
        var m = state["exp_avg"];
        var v = state["exp_avg_sq"];

        // m ← β₁m + (1 − β₁)g, written as a move of m toward g so that no temporary is needed.
        m.Sub_(g).Mul_(h.Beta1).Add_(g);
        var scratch = g.Mul(g);
        v.Mul_(h.Beta2).Add_(scratch.Mul_(1 - h.Beta2));
        var second = v;
        if (h.Amsgrad)
        {
            second = state["max_exp_avg_sq"];
            second.Copy_(second.Maximum(v));
        }
        double biasCorrection1 = 1 - Math.Pow(h.Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(h.Beta2, step);
        var denom = second.Sqrt().Div_(Math.Sqrt(biasCorrection2)).Add_(h.Eps);
        p.Sub_(scratch.Copy_(m).Div_(denom).Mul_(h.Lr / biasCorrection1));
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
        if (!(0 <= weightDecay)) throw new ArgumentException($"{name}: Invalid weight_decay value: {Repr(weightDecay)}");
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
