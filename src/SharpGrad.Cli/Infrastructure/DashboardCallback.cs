using SharpGrad.Dashboard;
using SharpGrad.Training;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Streams a training loop to the live dashboard as the course's visdom calls do: every step's loss to the
/// <c>train_loss</c> window (<c>viz.line([loss.item()], [global_step], win='train_loss', update='append')</c>) and, per
/// epoch, chosen metrics as the series of further line windows (<see cref="PerEpoch"/>). Each call only copies a few
/// numbers; the dashboard renders elsewhere.
/// </summary>
internal sealed class DashboardCallback : IFitCallback
{
    private readonly Visdom _visdom;
    private readonly List<(string Win, string[] Metrics, string[] Legend)> _epochWindows = [];

    /// <summary>Creates the (empty) train-loss window, as the course's <c>viz.line([0.], [0.], win='train_loss')</c>.</summary>
    public DashboardCallback(Visdom visdom, string lossTitle = "train loss")
    {
        _visdom = visdom;
        visdom.Line(Array.Empty<double>(), [], win: TrainingDashboard.TrainLossWindow, title: lossTitle, xLabel: "step", yLabel: "loss");
    }

    /// <summary>
    /// Adds a window <paramref name="win"/> with one series per metric (named by <paramref name="legend"/>), appended after
    /// each epoch at x = epoch; returns this callback.
    /// </summary>
    public DashboardCallback PerEpoch(string win, string title, string[] metrics, string[] legend, string? yLabel = null)
    {
        if (metrics.Length != legend.Length) throw new ArgumentException($"dashboard: {metrics.Length} metrics but {legend.Length} legend names");
        _visdom.Line(new double[0, metrics.Length], [], win: win, title: title, legend: legend, xLabel: "epoch", yLabel: yLabel);
        _epochWindows.Add((win, metrics, legend));
        return this;
    }

    /// <inheritdoc/>
    public void OnBatchEnd(int step, double loss) => _visdom.Line(loss, step, win: TrainingDashboard.TrainLossWindow);

    /// <summary>Appends the epoch's metrics to every per-epoch window (a missing metric is a gap, NaN).</summary>
    public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (win, names, legend) in _epochWindows)
        {
            var row = new double[1, names.Length];
            for (int j = 0; j < names.Length; j++) row[0, j] = metrics.TryGetValue(names[j], out double v) ? v : double.NaN;
            _visdom.Line(row, [epoch], win: win, legend: legend, update: "append");
        }
        return false;
    }
}
