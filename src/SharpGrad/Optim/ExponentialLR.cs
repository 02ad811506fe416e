namespace SharpGrad.Optim;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> every epoch
/// (PyTorch <c>torch.optim.lr_scheduler.ExponentialLR</c>): lr = initial_lr · γ^epoch when nothing else changes it.
/// </summary>
public class ExponentialLR : LRScheduler
{
    /// <summary>Starts the schedule (<c>ExponentialLR(optimizer, gamma, last_epoch=-1)</c>) and takes the step to epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rates to set.</param>
    /// <param name="gamma">Multiplicative factor per epoch.</param>
    /// <param name="lastEpoch">The last completed epoch when resuming, -1 to start.</param>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Multiplicative factor per epoch (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        Optimizer.ParamGroups.Select(g => LastEpoch == 0 ? g.Lr : g.Lr * Gamma).ToArray();

    /// <inheritdoc/>
    protected override void SaveState(LRSchedulerState state) => state.Values["gamma"] = Gamma;

    /// <inheritdoc/>
    protected override void LoadState(LRSchedulerState state) => Gamma = state.Value(nameof(ExponentialLR), "gamma");
}
