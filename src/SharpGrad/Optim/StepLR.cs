namespace SharpGrad.Optim;

/// <summary>
/// Multiplies each group's learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> epochs
/// (PyTorch <c>torch.optim.lr_scheduler.StepLR</c>): lr = initial_lr · γ^⌊epoch / step_size⌋ when nothing else changes it.
/// </summary>
public class StepLR : LRScheduler
{
    /// <summary>Starts the schedule (<c>StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1)</c>) and takes the step to epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rates to set.</param>
    /// <param name="stepSize">Epochs between decays; positive.</param>
    /// <param name="gamma">Multiplicative factor of each decay.</param>
    /// <param name="lastEpoch">The last completed epoch when resuming, -1 to start.</param>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentException($"StepLR: stepSize must be a positive number of epochs, got {stepSize}");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>Epochs between decays (<c>step_size</c>).</summary>
    public int StepSize { get; private set; }

    /// <summary>Multiplicative factor of each decay (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        bool decay = LastEpoch != 0 && LastEpoch % StepSize == 0;
        return Optimizer.ParamGroups.Select(g => decay ? g.Lr * Gamma : g.Lr).ToArray();
    }

    /// <inheritdoc/>
    protected override void SaveState(LRSchedulerState state)
    {
        state.Values["step_size"] = StepSize;
        state.Values["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(LRSchedulerState state)
    {
        int stepSize = (int)state.Value(nameof(StepLR), "step_size");
        double gamma = state.Value(nameof(StepLR), "gamma");
        if (stepSize <= 0) throw new ArgumentException($"StepLR.load_state_dict: stepSize must be positive, got {stepSize}");
        (StepSize, Gamma) = (stepSize, gamma);
    }
}
