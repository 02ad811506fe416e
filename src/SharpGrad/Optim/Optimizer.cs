using SharpGrad.Core;
using System.Text;

namespace SharpGrad.Optim;

/// <summary>
/// Base class of all optimizers (PyTorch <c>torch.optim.Optimizer</c>, 1.13 semantics): parameter groups with
/// hyper-parameters, per-parameter state, <see cref="ZeroGrad"/>, <see cref="Step()"/>, state dicts and PyTorch's repr.
/// </summary>
/// <remarks>
/// Subclasses pass their defaults (every hyper-parameter with its PyTorch name) to the constructor, validate a
/// group's values in <see cref="CheckGroup"/>, and update the parameters in <see cref="Step()"/> under
/// <c>using (Tensor.NoGrad())</c> with in-place ops, skipping parameters whose <see cref="Tensor.Grad"/> is null.
/// </remarks>
public abstract partial class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<string, object?> _defaults = new(StringComparer.Ordinal);
    private readonly Dictionary<Tensor, Dictionary<string, Tensor>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>An optimizer over one group holding <paramref name="parameters"/> (e.g. <c>model.Parameters()</c>).</summary>
    /// <param name="parameters">The tensors to optimize; must not be empty, each must be a leaf.</param>
    /// <param name="defaults">Every hyper-parameter by its PyTorch name, with the value groups get unless they set their own.</param>
    protected Optimizer(IEnumerable<Tensor> parameters, IReadOnlyDictionary<string, object?> defaults)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], defaults)
    {
        if (_groups[0].Params.Count == 0) throw new ArgumentException($"{GetType().Name}: optimizer got an empty parameter list");
    }

    /// <summary>An optimizer over several parameter groups, each overriding some of the defaults.</summary>
    /// <param name="paramGroups">The groups; must not be empty, and no parameter may be in two groups.</param>
    /// <param name="defaults">Every hyper-parameter by its PyTorch name, with the value groups get unless they set their own.</param>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IReadOnlyDictionary<string, object?> defaults)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        ArgumentNullException.ThrowIfNull(defaults);
        foreach (var (key, value) in defaults) _defaults[key] = ParamGroup.Normalize(key, value);
        var groups = paramGroups.ToList();
        if (groups.Count == 0) throw new ArgumentException($"{GetType().Name}: optimizer got an empty parameter list");
        foreach (var group in groups) AddParamGroup(group);
    }

    /// <summary>The parameter groups (<c>optimizer.param_groups</c>); change hyper-parameters through their indexer.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The default hyper-parameters given at construction (<c>optimizer.defaults</c>).</summary>
    public IReadOnlyDictionary<string, object?> Defaults => _defaults;

    /// <summary>Per-parameter state buffers by name, e.g. "exp_avg" (<c>optimizer.state</c>); parameters never stepped are absent.</summary>
    public IReadOnlyDictionary<Tensor, Dictionary<string, Tensor>> State => _state;

    /// <summary>
    /// Clears the gradients of all parameters (<c>optimizer.zero_grad()</c>). With <paramref name="setToNone"/> (the
    /// default here, as in PyTorch 2.x; PyTorch 1.13 defaulted to False) the gradients become null, which frees them and
    /// makes the next Step skip parameters that get no gradient; otherwise they are filled with zeros in place and the
    /// buffers are kept: the next backward accumulates into them (a Linear layer's weight gradient is added by the GEMM
    /// directly, with no new buffer), and references to <see cref="Tensor.Grad"/> held by the caller see the new values.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        using var noGrad = Tensor.NoGrad();
        foreach (var group in _groups)
            foreach (var p in group.Params)
            {
                var g = p.Grad;
                if (g is null) continue;
                if (setToNone) { p.Grad = null; continue; }
                if (g.GradFn is not null) p.Grad = g = g.Detach();
                else if (g.RequiresGrad) g.RequiresGrad_(false);
                g.Zero_();
            }
    }

    /// <summary>Performs one optimization step on every parameter that has a gradient (<c>optimizer.step()</c>).</summary>
    public abstract void Step();

    /// <summary>
    /// Re-evaluates the loss with <paramref name="closure"/> (with gradients enabled), then performs one step
    /// (<c>optimizer.step(closure)</c>). Returns the closure's loss.
    /// </summary>
    public Tensor? Step(Func<Tensor> closure)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (Tensor.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>
    /// Adds a parameter group (<c>optimizer.add_param_group</c>), e.g. to train layers that were frozen.
    /// Hyper-parameters the group does not set take the optimizer's defaults.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        string name = GetType().Name;
        if (_groups.Any(g => ReferenceEquals(g, group)))
            throw new ArgumentException($"{name}: this parameter group was already added to the optimizer");
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Params)
        {
            if (!p.IsLeaf)
                throw new ArgumentException($"{name}: can't optimize a non-leaf Tensor (shape {Core.Shape.Format(p.Shape)}, grad_fn={p.GradFn}); use a leaf such as a module's parameters");
            if (!seen.Add(p))
                throw new ArgumentException($"{name}: optimizer contains a parameter group with duplicate parameters (shape {Core.Shape.Format(p.Shape)})");
        }
        foreach (var other in _groups)
            foreach (var p in other.Params)
                if (seen.Contains(p))
                    throw new ArgumentException($"{name}: some parameters appear in more than one parameter group (shape {Core.Shape.Format(p.Shape)})");
        foreach (var (key, value) in _defaults) group.SetDefault(key, value);
        CheckGroup(group);
        _groups.Add(group);
    }

    /// <summary>
    /// A snapshot of the optimizer (<c>optimizer.state_dict()</c>): copies of the per-parameter state, keyed by the
    /// parameter's index over all groups in order, and each group's hyper-parameters with its parameter indices.
    /// Unlike PyTorch the tensors are copies, so stepping on does not change a snapshot already taken.
    /// </summary>
    public OptimizerState StateDict()
    {
        var result = new OptimizerState();
        int index = 0;
        using var noGrad = Tensor.NoGrad();
        foreach (var group in _groups)
        {
            var ids = new List<int>();
            foreach (var p in group.Params)
            {
                if (_state.TryGetValue(p, out var entries) && entries.Count > 0)
                    result.State[index] = entries.ToDictionary(e => e.Key, e => e.Value.Clone(), StringComparer.Ordinal);
                ids.Add(index++);
            }
            result.ParamGroups.Add(new ParamGroupState(group.Options, ids));
        }
        return result;
    }

    /// <summary>
    /// Restores a snapshot made by <see cref="StateDict"/> (<c>optimizer.load_state_dict</c>): groups must match in number
    /// and size; the state tensors are copied (converted to each parameter's dtype, except "step") and the groups take the
    /// saved hyper-parameters. Nothing changes when the snapshot does not fit.
    /// </summary>
    public void LoadStateDict(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string op = $"{GetType().Name}.load_state_dict";
        if (state.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"{op}: loaded state dict has a different number of parameter groups ({state.ParamGroups.Count}) than the optimizer ({_groups.Count})");
        var byIndex = new Dictionary<int, Tensor>();
        var options = new List<Dictionary<string, object?>>();
        for (int i = 0; i < _groups.Count; i++)
        {
            var saved = state.ParamGroups[i];
            if (saved.Params.Count != _groups[i].Params.Count)
                throw new ArgumentException(
                    $"{op}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group {i}: {saved.Params.Count} saved parameters, {_groups[i].Params.Count} here)");
            for (int j = 0; j < saved.Params.Count; j++)
                if (!byIndex.TryAdd(saved.Params[j], _groups[i].Params[j]))
                    throw new ArgumentException($"{op}: parameter index {saved.Params[j]} appears twice in the saved groups");
            var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in saved.Options) if (key != "params") merged[key] = ParamGroup.Normalize(key, value);
            foreach (var (key, value) in _defaults) merged.TryAdd(key, value);
            CheckGroup(new ParamGroup([], merged));
            options.Add(merged);
        }

        var loaded = new Dictionary<Tensor, Dictionary<string, Tensor>>(ReferenceEqualityComparer.Instance);
        using (Tensor.NoGrad())
            foreach (var (index, entries) in state.State)
            {
                if (!byIndex.TryGetValue(index, out var p))
                    throw new ArgumentException($"{op}: the state has an entry for parameter {index}, but the saved groups list no such parameter");
                var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                foreach (var (key, t) in entries)
                {
                    if (t is null) throw new ArgumentException($"{op}: state '{key}' of parameter {index} is null");
                    if (key == "step") { copy[key] = t.Clone(); continue; }
                    if (!t.Shape.AsSpan().SequenceEqual(p.Shape))
                        throw new ArgumentException(
                            $"{op}: state '{key}' of parameter {index} has shape {Core.Shape.Format(t.Shape)}, but the parameter has shape {Core.Shape.Format(p.Shape)}");
                    copy[key] = t.To(p.DType).Clone();
                }
                loaded[p] = copy;
            }

        _state.Clear();
        foreach (var (p, entries) in loaded) _state[p] = entries;
        for (int i = 0; i < _groups.Count; i++) _groups[i].ReplaceOptions(options[i]);
    }

    /// <summary>PyTorch's repr: the class name, then each group's hyper-parameters sorted by name.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(GetType().Name).Append(" (");
        for (int i = 0; i < _groups.Count; i++)
        {
            sb.Append('\n').Append("Parameter Group ").Append(i).Append('\n');
            foreach (var key in _groups[i].Options.Keys.Order(StringComparer.Ordinal))
                sb.Append("    ").Append(key).Append(": ").Append(PyFormat.Value(_groups[i].Options[key])).Append('\n');
        }
        return sb.Append(')').ToString();
    }

    /// <summary>
    /// Validates a group's hyper-parameters, throwing <see cref="ArgumentException"/> with PyTorch's message
    /// ("Invalid learning rate: -0.1"). Called for the defaults, for each added group and for loaded groups;
    /// overrides must only read the group.
    /// </summary>
    protected virtual void CheckGroup(ParamGroup group) { }

    /// <summary>The state entries of a parameter, created empty on first use (<c>self.state[p]</c>).</summary>
    protected Dictionary<string, Tensor> StateFor(Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var entries))
            _state[parameter] = entries = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>
    /// The gradient the update rule uses: the parameter's gradient, negated when maximizing, plus
    /// <paramref name="weightDecay"/>·θ (L2 penalty) when that is nonzero. <paramref name="owned"/> tells whether the
    /// result is a new tensor the caller may overwrite (otherwise it is the parameter's gradient itself).
    /// </summary>
    protected static Tensor DecayedGradient(Tensor parameter, Tensor grad, double weightDecay, bool maximize, out bool owned)
    {
        if (weightDecay != 0)
        {
            owned = true;
            var g = parameter.Mul(weightDecay);
            return maximize ? g.Sub_(grad) : g.Add_(grad);
        }
        owned = maximize;
        return maximize ? grad.Neg() : grad;
    }

    /// <summary>A new step counter as PyTorch keeps it: a 0-d float32 tensor holding 0 (<c>torch.tensor(0.)</c>).</summary>
    protected static Tensor NewStepCounter() => Tensor.Zeros([], DType.Float32);

    /// <summary>Adds one to the state's "step" counter and returns the new count.</summary>
    protected static double IncrementStep(Dictionary<string, Tensor> state)
    {
        var counter = state["step"];
        double step = counter.Item() + 1;
        counter.Fill_(step);
        return step;
    }

    /// <summary>The value as PyTorch prints it in messages ("0.2", "1e-05", "-1").</summary>
    protected static string Repr(double value) => PyFormat.Number(value);
}
