namespace SharpGrad.Optim;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> when the epoch reaches a milestone
/// (PyTorch <c>torch.optim.lr_scheduler.MultiStepLR</c>); a milestone listed k times multiplies by γᵏ.
/// </summary>
public class MultiStepLR : LRScheduler
{
    private Dictionary<int, int> _counts = [];

    /// <summary>Starts the schedule (<c>MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1)</c>) and takes the step to epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rates to set.</param>
    /// <param name="milestones">Epochs at which to decay.</param>
    /// <param name="gamma">Multiplicative factor of each decay.</param>
    /// <param name="lastEpoch">The last completed epoch when resuming, -1 to start.</param>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _counts = Count(milestones);
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The milestones in increasing order, repeated ones repeated.</summary>
    public IReadOnlyList<int> Milestones => _counts.OrderBy(e => e.Key).SelectMany(e => Enumerable.Repeat(e.Key, e.Value)).ToArray();

    /// <summary>Multiplicative factor of each decay (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        double factor = _counts.TryGetValue(LastEpoch, out int k) ? Math.Pow(Gamma, k) : 1;
        return Optimizer.ParamGroups.Select(g => k > 0 ? g.Lr * factor : g.Lr).ToArray();
    }

    /// <inheritdoc/>
    protected override void SaveState(LRSchedulerState state)
    {
        state.Lists["milestones"] = Milestones.Select(m => (double)m).ToArray();
        state.Values["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(LRSchedulerState state)
    {
        var milestones = state.List(nameof(MultiStepLR), "milestones");
        double gamma = state.Value(nameof(MultiStepLR), "gamma");
        _counts = Count(milestones.Select(m => (int)m));
        Gamma = gamma;
    }

    private static Dictionary<int, int> Count(IEnumerable<int> milestones)
    {
        var counts = new Dictionary<int, int>();
        foreach (int m in milestones) counts[m] = counts.GetValueOrDefault(m) + 1;
        return counts;
    }
}
