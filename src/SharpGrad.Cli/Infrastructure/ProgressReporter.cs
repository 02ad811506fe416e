using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Advances a progress bar and shows the latest loss and the speed in its description. Without a bar
/// (quiet or redirected output) it only counts, so loops call it unconditionally.
/// </summary>
internal sealed class ProgressReporter
{
    private readonly ProgressTask? _task;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastRefreshTicks;

    /// <summary>Wraps <paramref name="task"/> (null: no bar).</summary>
    public ProgressReporter(ProgressTask? task, long total)
    {
        _task = task;
        Total = total;
    }

    /// <summary>The bar's title, shown before the loss and speed.</summary>
    public string Title { get; init; } = "";

    /// <summary>Units expected in total.</summary>
    public long Total { get; }

    /// <summary>Units done so far.</summary>
    public long Done { get; private set; }

    /// <summary>Units per second since the start.</summary>
    public double Speed => Done / Math.Max(1e-9, _clock.Elapsed.TotalSeconds);

    /// <summary>Adds <paramref name="units"/> done units and, when given, the latest loss.</summary>
    public void Advance(long units = 1, double? loss = null, string unit = "it")
    {
        Done += units;
        if (_task is null) return;
        _task.Increment(units);
        // Updating the description costs a string per call: at most every 100 ms.
        long now = _clock.ElapsedTicks;
        if (now - _lastRefreshTicks < Stopwatch.Frequency / 10 && Done < Total) return;
        _lastRefreshTicks = now;
        string lossText = loss is double l ? $" loss {l.ToString("F4", CultureInfo.InvariantCulture)}" : "";
        _task.Description = Markup.Escape($"{Title}{lossText}  {Speed.ToString("F0", CultureInfo.InvariantCulture)} {unit}/s");
    }
}
