namespace SharpGrad.Optim;

/// <summary>
/// Anneals each group's learning rate along a cosine from its initial value down to <see cref="EtaMin"/> over
/// <see cref="TMax"/> epochs, then back up, and so on (PyTorch <c>torch.optim.lr_scheduler.CosineAnnealingLR</c>).
/// </summary>
/// <remarks>
/// When nothing else changes the rate, it follows η_t = η_min + (η₀ − η_min)(1 + cos(π t / T_max)) / 2. Like PyTorch
/// it is computed recursively from the current rate:
/// η_t = η_min + (η_{t−1} − η_min)(1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max)),
/// with the rising half-period started by η_t = η_{t−1} + (η₀ − η_min)(1 − cos(π / T_max)) / 2.
/// </remarks>
public class CosineAnnealingLR : LRScheduler
{
    /// <summary>Starts the schedule (<c>CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1)</c>) and takes the step to epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose learning rates to set.</param>
    /// <param name="tMax">Epochs of a half period; positive.</param>
    /// <param name="etaMin">The minimum learning rate.</param>
    /// <param name="lastEpoch">The last completed epoch when resuming, -1 to start.</param>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: T_max must be a positive number of epochs, got {tMax}");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>Epochs of a half period (<c>T_max</c>).</summary>
    public int TMax { get; private set; }

    /// <summary>The minimum learning rate (<c>eta_min</c>).</summary>
    public double EtaMin { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        int t = LastEpoch;
        for (int i = 0; i < lrs.Length; i++)
        {
            double lr = groups[i].Lr, baseLr = BaseLrs[i];
            if (t == 0) lrs[i] = lr;
            else if (StepCount == 1 && t > 0)
                lrs[i] = EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(t * Math.PI / TMax)) / 2;
            else if ((t - 1 - TMax) % (2 * TMax) == 0)
                lrs[i] = lr + (baseLr - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                lrs[i] = (1 + Math.Cos(Math.PI * t / TMax)) / (1 + Math.Cos(Math.PI * (t - 1) / TMax)) * (lr - EtaMin) + EtaMin;
        }
        return lrs;
    }

    /// <inheritdoc/>
    protected override void SaveState(LRSchedulerState state)
    {
        state.Values["T_max"] = TMax;
        state.Values["eta_min"] = EtaMin;
    }

    /// <inheritdoc/>
    protected override void LoadState(LRSchedulerState state)
    {
        int tMax = (int)state.Value(nameof(CosineAnnealingLR), "T_max");
        double etaMin = state.Value(nameof(CosineAnnealingLR), "eta_min");
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR.load_state_dict: T_max must be positive, got {tMax}");
        (TMax, EtaMin) = (tMax, etaMin);
    }
}
