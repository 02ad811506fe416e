using SharpGrad.NN;

namespace SharpGrad.Training;

/// <summary>
/// Stops training when a monitored metric has stopped improving: the course's <c>EarlyStopping(monitor, mode, patience)</c>
/// (Keras' <c>EarlyStopping</c> for <paramref name="minDelta"/> and <paramref name="restoreBestWeights"/>). Call
/// <see cref="Step(double)"/> once per epoch with the validation metric; it returns true when training should stop.
/// </summary>
/// <remarks>
/// A value improves on the best so far when it is below best − minDelta ("min") or above best + minDelta ("max");
/// an improvement records the value and sets the counter to 0, anything else (including NaN) adds 1 to the counter,
/// and training should stop once the counter reaches <see cref="Patience"/>. The course compares with <c>&lt;=</c> /
/// <c>&gt;=</c>, so an exactly repeated value counted as an improvement there and a perfectly flat metric never stopped;
/// here a repeated value is not an improvement, as in Keras.
/// </remarks>
/// <param name="monitor">Metric read from the dictionary given to <see cref="Step(IReadOnlyDictionary{string, double})"/>.</param>
/// <param name="mode">"min" when the metric should fall (a loss), "max" when it should rise (an accuracy).</param>
/// <param name="patience">Epochs without improvement tolerated; at least 1.</param>
/// <param name="minDelta">How much better a value must be to count as an improvement; not negative.</param>
/// <param name="restoreBestWeights">Keep a copy of the model's state at the best epoch (when a model is given to Step),
/// for <see cref="RestoreBest"/>.</param>
public sealed class EarlyStopping(string monitor = "val_loss", string mode = "min", int patience = 5, double minDelta = 0,
    bool restoreBestWeights = false)
{
    private Dictionary<string, Tensor>? _bestWeights;

    /// <summary>Name of the monitored metric (<c>monitor</c>).</summary>
    public string Monitor { get; private set; } = CheckMonitor(monitor);

    /// <summary>"min" or "max" (<c>mode</c>).</summary>
    public string Mode { get; private set; } = CheckMode(mode);

    /// <summary>Epochs without improvement tolerated (<c>patience</c>).</summary>
    public int Patience { get; private set; } = CheckPatience(patience);

    /// <summary>How much better a value must be to count as an improvement (<c>min_delta</c>).</summary>
    public double MinDelta { get; private set; } = CheckMinDelta(minDelta);

    /// <summary>Whether the best weights are kept (<c>restore_best_weights</c>).</summary>
    public bool RestoreBestWeights { get; private set; } = restoreBestWeights;

    /// <summary>Best value so far; +∞ ("min") or −∞ ("max") before the first step.</summary>
    public double BestValue { get; private set; } = mode == "max" ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>Number of the step (1-based) that gave <see cref="BestValue"/>; 0 before any improvement.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Number of steps taken so far.</summary>
    public int Epoch { get; private set; }

    /// <summary>Steps since the last improvement (the course's <c>times</c>).</summary>
    public int Counter { get; private set; }

    /// <summary>Whether the counter has reached the patience, i.e. the last step returned true.</summary>
    public bool ShouldStop => Counter >= Patience;

    /// <summary>The copy of the model's state at the best epoch, or null when none was taken.</summary>
    public IReadOnlyDictionary<string, Tensor>? BestWeights => _bestWeights;

    /// <summary>Records one epoch's value (<c>early_stop(value)</c>) and returns true when training should stop.</summary>
    public bool Step(double value) => Step(value, null);

    /// <summary>
    /// Records one epoch's value and returns true when training should stop. With <see cref="RestoreBestWeights"/>, an
    /// improvement also copies <paramref name="model"/>'s state dict, which <see cref="RestoreBest"/> loads back.
    /// </summary>
    public bool Step(double value, Module? model)
    {
        Epoch++;
        if (IsImprovement(value))
        {
            BestValue = value;
            BestEpoch = Epoch;
            Counter = 0;
            if (RestoreBestWeights && model is not null) _bestWeights = CopyState(model);
        }
        else
        {
            Counter++;
        }
        return ShouldStop;
    }

    /// <summary>Records the <see cref="Monitor"/> entry of an epoch's metrics (<c>early_stop(metrics_dict)</c>).</summary>
    public bool Step(IReadOnlyDictionary<string, double> metrics) => Step(metrics, null);

    /// <summary>Records the <see cref="Monitor"/> entry of an epoch's metrics, copying the model's state on an improvement
    /// when <see cref="RestoreBestWeights"/> is set.</summary>
    public bool Step(IReadOnlyDictionary<string, double> metrics, Module? model) => Step(Lookup(metrics, Monitor, "EarlyStopping"), model);

    /// <summary>Whether <paramref name="value"/> would count as an improvement on <see cref="BestValue"/>.</summary>
    public bool IsImprovement(double value) =>
        Mode == "min" ? value < BestValue - MinDelta : value > BestValue + MinDelta;

    /// <summary>Loads the state copied at the best epoch into <paramref name="model"/>.</summary>
    public void RestoreBest(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_bestWeights is null)
            throw new InvalidOperationException(RestoreBestWeights
                ? "EarlyStopping.restore_best: no best weights recorded yet; pass the model to Step"
                : "EarlyStopping.restore_best: no best weights are kept; create the EarlyStopping with restoreBestWeights: true and pass the model to Step");
        model.LoadStateDict(_bestWeights);
    }

    /// <summary>Sets the counter back to 0 (<c>early_stop.reset()</c>), keeping the best value. The course's second listing
    /// sets it to 1, a slip.</summary>
    public void Reset() => Counter = 0;

    /// <summary>The settings and counters (<c>early_stop.state_dict()</c>), a copy.</summary>
    public EarlyStoppingState StateDict() => new()
    {
        Monitor = Monitor,
        Mode = Mode,
        Patience = Patience,
        MinDelta = MinDelta,
        RestoreBestWeights = RestoreBestWeights,
        Value = BestValue,
        Times = Counter,
        BestEpoch = BestEpoch,
        Epoch = Epoch,
    };

    /// <summary>Restores settings and counters saved by <see cref="StateDict"/> (<c>early_stop.load_state_dict(d)</c>);
    /// nothing changes when the state is invalid. Any copy of best weights is dropped.</summary>
    public void LoadStateDict(EarlyStoppingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (m, mode, patience, delta) = (CheckMonitor(state.Monitor), CheckMode(state.Mode), CheckPatience(state.Patience), CheckMinDelta(state.MinDelta));
        if (state.Times < 0 || state.BestEpoch < 0 || state.Epoch < state.BestEpoch)
            throw new ArgumentException($"EarlyStopping.load_state_dict: inconsistent counters (times={state.Times}, best_epoch={state.BestEpoch}, epoch={state.Epoch})");
        (Monitor, Mode, Patience, MinDelta, RestoreBestWeights) = (m, mode, patience, delta, state.RestoreBestWeights);
        (BestValue, Counter, BestEpoch, Epoch) = (state.Value, state.Times, state.BestEpoch, state.Epoch);
        _bestWeights = null;
    }

    internal static double Lookup(IReadOnlyDictionary<string, double> metrics, string key, string owner)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.TryGetValue(key, out var value)) return value;
        string available = metrics.Count == 0 ? "none" : string.Join(", ", metrics.Keys);
        throw new ArgumentException($"{owner}: the metrics have no '{key}'; available: {available}");
    }

    internal static string CheckMode(string mode) =>
        mode is "min" or "max" ? mode : throw new ArgumentException($"EarlyStopping: mode '{mode}' is unknown, use 'min' or 'max'");

    private static string CheckMonitor(string monitor) =>
        string.IsNullOrEmpty(monitor) ? throw new ArgumentException("EarlyStopping: monitor must name a metric") : monitor;

    private static int CheckPatience(int patience) =>
        patience >= 1 ? patience : throw new ArgumentException($"EarlyStopping: patience must be at least 1, got {patience}");

    private static double CheckMinDelta(double minDelta) =>
        minDelta >= 0 ? minDelta : throw new ArgumentException($"EarlyStopping: minDelta must be a non-negative number, got {minDelta}");

    private static Dictionary<string, Tensor> CopyState(Module model)
    {
        var copy = new Dictionary<string, Tensor>();
        using (Tensor.NoGrad())
            foreach (var (name, tensor) in model.StateDict()) copy[name] = tensor.Clone();
        return copy;
    }
}
