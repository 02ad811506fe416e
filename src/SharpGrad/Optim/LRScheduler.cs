namespace SharpGrad.Optim;

/// <summary>
/// Base class of the learning-rate schedulers (PyTorch <c>torch.optim.lr_scheduler._LRScheduler</c>, 1.13 semantics):
/// each <see cref="Step()"/> advances <see cref="LastEpoch"/> by one and writes new learning rates into the
/// optimizer's groups. Call it once per epoch, after <c>optimizer.Step()</c>.
/// </summary>
/// <remarks>
/// Schedulers compute the next rate from the group's current "lr" (PyTorch's chainable form), so they compose with
/// other schedulers and with rates users set by hand. Creating one sets each group's "initial_lr" (when starting,
/// <c>lastEpoch = -1</c>) and takes one step, to epoch 0, as PyTorch does.
/// </remarks>
public abstract partial class LRScheduler
{
    private double[] _baseLrs = [];
    private double[] _lastLr;

    /// <summary>
    /// Starts a scheduler on <paramref name="optimizer"/>. Subclasses store their own settings, then call
    /// <see cref="InitialStep"/>. With <paramref name="lastEpoch"/> ≥ 0 (resuming) every group must already have "initial_lr".
    /// </summary>
    protected LRScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (lastEpoch < -1) throw new ArgumentException($"{GetType().Name}: lastEpoch must be -1 (start) or a completed epoch, got {lastEpoch}");
        Optimizer = optimizer;
        LastEpoch = lastEpoch;
        _lastLr = CurrentLrs();
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The index of the last epoch stepped (<c>scheduler.last_epoch</c>); 0 right after construction.</summary>
    public int LastEpoch { get; protected set; }

    /// <summary>The groups' initial learning rates, "initial_lr" (<c>scheduler.base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>How many times <see cref="Step()"/> has run, the initial step included (<c>scheduler._step_count</c>).</summary>
    protected int StepCount { get; private set; }

    /// <summary>The learning rates this scheduler last set, one per group (<c>scheduler.get_last_lr()</c>).</summary>
    public double[] GetLastLr() => (double[])_lastLr.Clone();

    /// <summary>Advances one epoch and sets each group's "lr" (<c>scheduler.step()</c>).</summary>
    public virtual void Step()
    {
        var groups = Optimizer.ParamGroups;
        if (_baseLrs.Length != groups.Count)
            throw new InvalidOperationException(
                $"{GetType().Name}.step: the optimizer has {groups.Count} parameter groups, but the scheduler was made for {_baseLrs.Length}");
        StepCount++;
        LastEpoch++;
        var lrs = GetLr();
        for (int i = 0; i < groups.Count; i++) groups[i].Lr = lrs[i];
        _lastLr = CurrentLrs();
    }

    /// <summary>
    /// The learning rates for the epoch <see cref="LastEpoch"/> has just advanced to, computed from the groups'
    /// current rates (<c>scheduler.get_lr()</c>).
    /// </summary>
    protected abstract double[] GetLr();

    /// <summary>Records "initial_lr" in the groups (or checks it when resuming), fixes <see cref="BaseLrs"/> and takes the first step.</summary>
    protected void InitialStep()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (LastEpoch == -1) groups[i].SetDefault("initial_lr", groups[i].Lr);
            else if (!groups[i].ContainsKey("initial_lr"))
                throw new ArgumentException($"{GetType().Name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        _baseLrs = groups.Select(g => g.GetDouble("initial_lr")).ToArray();
        StepCount = 0;
        Step();
    }

    /// <summary>Uses the groups' current rates as <see cref="BaseLrs"/>, for schedulers that take no initial step.</summary>
    private protected void UseCurrentLrsAsBase()
    {
        _baseLrs = CurrentLrs();
        _lastLr = CurrentLrs();
    }

    /// <summary>Records the groups' current rates as the last ones set.</summary>
    private protected void RecordLastLr() => _lastLr = CurrentLrs();

    /// <summary>The groups' current learning rates.</summary>
    protected double[] CurrentLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>The scheduler's state by PyTorch's attribute names (<c>scheduler.state_dict()</c>); the optimizer is not part of it.</summary>
    public LRSchedulerState StateDict()
    {
        var state = new LRSchedulerState();
        state.Values["last_epoch"] = LastEpoch;
        state.Values["_step_count"] = StepCount;
        state.Lists["base_lrs"] = (double[])_baseLrs.Clone();
        state.Lists["_last_lr"] = (double[])_lastLr.Clone();
        SaveState(state);
        return state;
    }

    /// <summary>Restores a state made by <see cref="StateDict"/> (<c>scheduler.load_state_dict</c>), settings included.</summary>
    public void LoadStateDict(LRSchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string owner = GetType().Name;
        int lastEpoch = (int)state.Value(owner, "last_epoch");
        int stepCount = (int)state.Value(owner, "_step_count");
        var baseLrs = state.List(owner, "base_lrs");
        var lastLr = state.List(owner, "_last_lr");
        LoadState(state);
        LastEpoch = lastEpoch;
        StepCount = stepCount;
        _baseLrs = baseLrs;
        _lastLr = lastLr;
    }

    /// <summary>Adds the subclass's settings and counters to a state being saved.</summary>
    protected virtual void SaveState(LRSchedulerState state) { }

    /// <summary>Reads the subclass's settings and counters back; throw before changing anything when a value is missing.</summary>
    protected virtual void LoadState(LRSchedulerState state) { }
}
