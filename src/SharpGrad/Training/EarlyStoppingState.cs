namespace SharpGrad.Training;

/// <summary>
/// The state of an <see cref="EarlyStopping"/> (the course's <c>early_stop.state_dict()</c>, whose keys were
/// monitor, mode, patience, value and times), plus the settings and counters SharpGrad adds. It serializes to JSON as is;
/// <see cref="Value"/> starts infinite, so allow named floating-point literals when writing it.
/// The copy of the best weights is not part of it: save the model itself for that.
/// </summary>
public sealed class EarlyStoppingState
{
    /// <summary>Name of the monitored metric (<c>monitor</c>).</summary>
    public string Monitor { get; set; } = "val_loss";

    /// <summary>"min" or "max" (<c>mode</c>).</summary>
    public string Mode { get; set; } = "min";

    /// <summary>Steps without improvement tolerated (<c>patience</c>).</summary>
    public int Patience { get; set; }

    /// <summary>How much better a value must be to count as an improvement (Keras' <c>min_delta</c>).</summary>
    public double MinDelta { get; set; }

    /// <summary>Whether the best weights are kept for <see cref="EarlyStopping.RestoreBest"/>.</summary>
    public bool RestoreBestWeights { get; set; }

    /// <summary>Best value seen so far (<c>value</c>).</summary>
    public double Value { get; set; }

    /// <summary>Steps since the last improvement (<c>times</c>).</summary>
    public int Times { get; set; }

    /// <summary>Number of the step that gave the best value (1-based; 0 before any step).</summary>
    public int BestEpoch { get; set; }

    /// <summary>Number of steps taken.</summary>
    public int Epoch { get; set; }
}
