using SharpGrad.Core;
namespace SharpGrad.Optim;

/// <summary>
/// Reduces the learning rates when a monitored metric stops improving (PyTorch
/// <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>, 1.13 semantics). Call <see cref="Step(double)"/> once per epoch
/// with the metric, e.g. the validation loss.
/// </summary>
/// <remarks>
/// A value improves on the best so far when it is below best·(1 − threshold) ("min", "rel"), below best − threshold
/// ("min", "abs"), above best·(1 + threshold) ("max", "rel") or above best + threshold ("max", "abs"). After more than
/// <see cref="Patience"/> epochs without improvement every rate becomes max(lr·factor, min_lr) (a change smaller than
/// eps is skipped), and the following <see cref="Cooldown"/> epochs do not count as bad.
/// </remarks>
public class ReduceLROnPlateau : LRScheduler
{
    private double[] _minLrs;

    /// <summary>A scheduler with one minimum learning rate for all groups
    /// (<c>ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)</c>).</summary>
    /// <param name="optimizer">The optimizer whose learning rates to reduce.</param>
    /// <param name="mode">"min" when the metric should fall (a loss), "max" when it should rise (an accuracy).</param>
    /// <param name="factor">Factor the rates are multiplied by; below 1.</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">How much better a value must be to count as an improvement.</param>
    /// <param name="thresholdMode">"rel" (relative to the best) or "abs".</param>
    /// <param name="cooldown">Epochs after a reduction during which bad epochs are not counted.</param>
    /// <param name="minLr">Lower bound of every group's rate.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10, double threshold = 1e-4,
        string thresholdMode = "rel", int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, Enumerable.Repeat(minLr, optimizer?.ParamGroups.Count ?? 0).ToArray(), mode, factor, patience, threshold, thresholdMode, cooldown, eps) { }

    /// <summary>A scheduler with a minimum learning rate per group (<c>min_lr=[...]</c>).</summary>
    /// <param name="optimizer">The optimizer whose learning rates to reduce.</param>
    /// <param name="minLrs">Lower bound of each group's rate, one per group.</param>
    /// <param name="mode">"min" when the metric should fall (a loss), "max" when it should rise (an accuracy).</param>
    /// <param name="factor">Factor the rates are multiplied by; below 1.</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">How much better a value must be to count as an improvement.</param>
    /// <param name="thresholdMode">"rel" (relative to the best) or "abs".</param>
    /// <param name="cooldown">Epochs after a reduction during which bad epochs are not counted.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    public ReduceLROnPlateau(Optimizer optimizer, IReadOnlyList<double> minLrs, string mode = "min", double factor = 0.1, int patience = 10,
        double threshold = 1e-4, string thresholdMode = "rel", int cooldown = 0, double eps = 1e-8)
        : base(optimizer, 0)
    {
        ArgumentNullException.ThrowIfNull(minLrs);
        if (!(factor < 1)) throw new ArgumentException($"ReduceLROnPlateau: Factor should be < 1.0, got {PyFormat.Number(factor)}");
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLROnPlateau: expected {optimizer.ParamGroups.Count} minLrs, got {minLrs.Count}");
        CheckModes(mode, thresholdMode);
        _minLrs = minLrs.ToArray();
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Best = ModeWorse;
        UseCurrentLrsAsBase();
    }

    /// <summary>"min" or "max" (<c>mode</c>).</summary>
    public string Mode { get; private set; }

    /// <summary>Factor the rates are multiplied by (<c>factor</c>).</summary>
    public double Factor { get; private set; }

    /// <summary>Epochs without improvement tolerated before reducing (<c>patience</c>).</summary>
    public int Patience { get; private set; }

    /// <summary>How much better a value must be to count as an improvement (<c>threshold</c>).</summary>
    public double Threshold { get; private set; }

    /// <summary>"rel" or "abs" (<c>threshold_mode</c>).</summary>
    public string ThresholdMode { get; private set; }

    /// <summary>Epochs after a reduction during which bad epochs are not counted (<c>cooldown</c>).</summary>
    public int Cooldown { get; private set; }

    /// <summary>Lower bound of each group's rate (<c>min_lrs</c>).</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>Reductions smaller than this are skipped (<c>eps</c>).</summary>
    public double Eps { get; private set; }

    /// <summary>The best metric value so far (<c>best</c>); starts at +∞ in "min" mode and −∞ in "max" mode.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement (<c>num_bad_epochs</c>).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left (<c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>True while a cooldown is running (<c>in_cooldown</c>).</summary>
    public bool InCooldown => CooldownCounter > 0;

    private double ModeWorse => Mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Not available: this scheduler needs the monitored value; call <see cref="Step(double)"/>.</summary>
    public override void Step() =>
        throw new InvalidOperationException("ReduceLROnPlateau.step: needs the monitored metric; call Step(metric) with e.g. the validation loss");

    /// <summary>Records one epoch's metric and reduces the rates after too many epochs without improvement (<c>scheduler.step(metrics)</c>).</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (InCooldown)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs in cooldown do not count
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        RecordLastLr();
    }

    /// <summary>Records one epoch's metric given as a one-element tensor (e.g. a loss).</summary>
    public void Step(Tensor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Step(metric.Item());
    }

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> under the mode and threshold (<c>is_better</c>).</summary>
    public bool IsBetter(double value, double best) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => value < best * (1 - Threshold),
        ("min", _) => value < best - Threshold,
        (_, "rel") => value > best * (Threshold + 1),
        _ => value > best + Threshold,
    };

    /// <inheritdoc/>
    protected override double[] GetLr() => CurrentLrs();

    /// <inheritdoc/>
    protected override void SaveState(LRSchedulerState state)
    {
        state.Strings["mode"] = Mode;
        state.Strings["threshold_mode"] = ThresholdMode;
        state.Values["factor"] = Factor;
        state.Values["patience"] = Patience;
        state.Values["threshold"] = Threshold;
        state.Values["cooldown"] = Cooldown;
        state.Values["eps"] = Eps;
        state.Values["best"] = Best;
        state.Values["num_bad_epochs"] = NumBadEpochs;
        state.Values["cooldown_counter"] = CooldownCounter;
        state.Values["mode_worse"] = ModeWorse;
        state.Lists["min_lrs"] = (double[])_minLrs.Clone();
    }

    /// <inheritdoc/>
    protected override void LoadState(LRSchedulerState state)
    {
        const string owner = nameof(ReduceLROnPlateau);
        string mode = state.Text(owner, "mode"), thresholdMode = state.Text(owner, "threshold_mode");
        CheckModes(mode, thresholdMode);
        double factor = state.Value(owner, "factor"), threshold = state.Value(owner, "threshold"), eps = state.Value(owner, "eps");
        double best = state.Value(owner, "best");
        int patience = (int)state.Value(owner, "patience"), cooldown = (int)state.Value(owner, "cooldown");
        int bad = (int)state.Value(owner, "num_bad_epochs"), counter = (int)state.Value(owner, "cooldown_counter");
        var minLrs = state.List(owner, "min_lrs");
        (Mode, ThresholdMode, Factor, Threshold, Eps, Best) = (mode, thresholdMode, factor, threshold, eps, best);
        (Patience, Cooldown, NumBadEpochs, CooldownCounter, _minLrs) = (patience, cooldown, bad, counter, minLrs);
    }

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        if (groups.Count != _minLrs.Length)
            throw new InvalidOperationException(
                $"ReduceLROnPlateau.step: the optimizer has {groups.Count} parameter groups, but the scheduler was made for {_minLrs.Length}");
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].Lr;
            double newLr = Math.Max(oldLr * Factor, _minLrs[i]);
            if (oldLr - newLr > Eps) groups[i].Lr = newLr;
        }
    }

    private static void CheckModes(string mode, string thresholdMode)
    {
        if (mode is not ("min" or "max")) throw new ArgumentException($"ReduceLROnPlateau: mode {mode} is unknown! (use \"min\" or \"max\")");
        if (thresholdMode is not ("rel" or "abs"))
            throw new ArgumentException($"ReduceLROnPlateau: threshold mode {thresholdMode} is unknown! (use \"rel\" or \"abs\")");
    }
}
