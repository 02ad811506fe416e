using System.Globalization;
using SharpGrad.NN;

namespace SharpGrad.Training;

/// <summary>
/// Saves the model whenever the monitored metric improves (Keras' <c>ModelCheckpoint(save_best_only=True)</c>,
/// Lightning's <c>ModelCheckpoint</c>), with <see cref="Module.Save"/>: an atomic safetensors file, so a crash never leaves
/// a half-written checkpoint. The metadata records the epoch and the metric.
/// </summary>
/// <param name="model">The model to save.</param>
/// <param name="path">The safetensors file to write; its directory must exist.</param>
/// <param name="monitor">The metric to watch.</param>
/// <param name="mode">"min" when the metric should fall (a loss), "max" when it should rise (an accuracy).</param>
public sealed class ModelCheckpoint(Module model, string path, string monitor = "val_loss", string mode = "min") : IFitCallback
{
    private readonly Module _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The file written on each improvement.</summary>
    public string Path { get; } = string.IsNullOrEmpty(path) ? throw new ArgumentException("ModelCheckpoint: path must name a file") : path;

    /// <summary>The watched metric.</summary>
    public string Monitor { get; } = string.IsNullOrEmpty(monitor) ? throw new ArgumentException("ModelCheckpoint: monitor must name a metric") : monitor;

    /// <summary>"min" or "max".</summary>
    public string Mode { get; } = EarlyStopping.CheckMode(mode);

    /// <summary>Best value saved so far; ±∞ before the first save.</summary>
    public double BestValue { get; private set; } = mode == "max" ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>Epoch of the last save, or null when nothing was saved.</summary>
    public int? BestEpoch { get; private set; }

    /// <summary>Saves the model when the monitored value is strictly better than the best so far; never asks to stop.</summary>
    public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        double value = EarlyStopping.Lookup(metrics, Monitor, "ModelCheckpoint");
        if (Mode == "min" ? value < BestValue : value > BestValue)
        {
            _model.Save(Path, new Dictionary<string, string>
            {
                ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
                ["monitor"] = Monitor,
                [Monitor] = value.ToString("R", CultureInfo.InvariantCulture),
            });
            BestValue = value;
            BestEpoch = epoch;
        }
        return false;
    }
}
