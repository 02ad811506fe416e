using SharpGrad.Training;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// The observers of a hand-written training loop: the loop reports each step's loss and each epoch's metrics once, here,
/// and every attached <see cref="IFitCallback"/> (progress bar, course log lines, a live view) receives them. The same
/// hooks as <see cref="Fit.Run"/> calls, so a callback written for one works for the other.
/// </summary>
internal sealed class Observers : IFitCallback
{
    private readonly List<IFitCallback> _callbacks = [];

    /// <summary>Creates the list with <paramref name="callbacks"/> in calling order.</summary>
    public Observers(params IEnumerable<IFitCallback> callbacks) => _callbacks.AddRange(callbacks);

    /// <summary>Adds a callback after the ones already attached; returns this list.</summary>
    public Observers Add(IFitCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _callbacks.Add(callback);
        return this;
    }

    /// <summary>The attached callbacks.</summary>
    public IReadOnlyList<IFitCallback> Callbacks => _callbacks;

    /// <inheritdoc/>
    public void OnEpochStart(int epoch)
    {
        foreach (var cb in _callbacks) cb.OnEpochStart(epoch);
    }

    /// <inheritdoc/>
    public void OnBatchEnd(int step, double loss)
    {
        foreach (var cb in _callbacks) cb.OnBatchEnd(step, loss);
    }

    /// <summary>
    /// Tells every callback (none is skipped) and returns true when any asks to stop, or when Ctrl-C / SIGTERM asked the
    /// run to stop: the loop ends after this epoch and the command writes what exists.
    /// </summary>
    public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        bool stop = false;
        foreach (var cb in _callbacks) stop |= cb.OnEpochEnd(epoch, metrics);
        return stop || Interruption.Requested;
    }

    /// <inheritdoc/>
    public void OnTrainEnd(History history)
    {
        foreach (var cb in _callbacks) cb.OnTrainEnd(history);
    }
}

/// <summary>Advances a progress bar by one unit per step, showing the step's loss.</summary>
internal sealed class ProgressCallback(ProgressReporter progress, string unit = "it") : IFitCallback
{
    /// <inheritdoc/>
    public void OnBatchEnd(int step, double loss) => progress.Advance(1, loss, unit);
}

/// <summary>Prints one course-format log line per epoch (hidden by <c>--quiet</c>).</summary>
internal sealed class EpochLogCallback(RunContext run, Func<int, IReadOnlyDictionary<string, double>, string?> format) : IFitCallback
{
    /// <summary>Logs the line <c>format</c> makes of the epoch; a null line prints nothing.</summary>
    public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        if (format(epoch, metrics) is string line) run.Log(line);
        return false;
    }
}
