namespace SharpGrad.Plotting;

/// <summary>
/// Scatter plots (matplotlib's <c>ax.scatter(x, y, label=...)</c>) with optional line series on top,
/// typically a fitted line (<c>ax.plot(xs, w * xs + b)</c>), as SVG. Points that land on the same
/// half-pixel are drawn once, so large clouds stay small files.
/// </summary>
/// <example><code>
/// new ScatterChart { Title = "Linear regression" }
///     .Add(x, y, "data").AddLine([0, 10], [b, 10 * w + b], "fit").Save("fit.svg");
/// </code></example>
public sealed class ScatterChart : Chart
{
    private readonly XYPlot _plot = new("ScatterChart");

    private protected override string Name => "ScatterChart";

    /// <summary>Log-scale y axis (<c>ax.set_yscale("log")</c>); every finite y must then be positive.</summary>
    public bool LogY { get; set; }

    /// <summary>
    /// Fixed x-axis limits (<c>ax.set_xlim(lo, hi)</c>): the axis spans exactly [lo, hi] and what lies outside is clipped.
    /// Null (the default) fits the axis to the data with 5% margins.
    /// </summary>
    public (double Lo, double Hi)? XLim { get => _xLim; set => _xLim = CheckLimits(value, nameof(XLim)); }

    /// <summary>
    /// Fixed y-axis limits (<c>ax.set_ylim(lo, hi)</c>): the axis spans exactly [lo, hi] (a log axis rounds out to whole
    /// decades) and what lies outside is clipped. Null (the default) fits the axis to the data with 5% margins.
    /// </summary>
    public (double Lo, double Hi)? YLim { get => _yLim; set => _yLim = CheckLimits(value, nameof(YLim)); }

    private (double Lo, double Hi)? _xLim, _yLim;

    /// <summary>The number of series (point sets and lines) added so far.</summary>
    public int Count => _plot.Series.Count;

    /// <summary>Adds points (x[i], y[i]) drawn as dots (<c>ax.scatter(x, y, label=label)</c>); non-finite points are skipped.</summary>
    public ScatterChart Add(double[] x, double[] y, string? label = null)
    {
        _plot.Add(x, y, label, markers: true);
        return this;
    }

    /// <summary>Adds points from two 1-D tensors of equal length (<c>ax.scatter(x, y)</c>).</summary>
    public ScatterChart Add(Tensor x, Tensor y, string? label = null) => Add(Values(x, nameof(x)), Values(y, nameof(y)), label);

    /// <summary>Adds a line through (x[i], y[i]), e.g. a fitted model (<c>ax.plot(x, y, label=label)</c>).</summary>
    public ScatterChart AddLine(double[] x, double[] y, string? label = null)
    {
        _plot.Add(x, y, label, markers: false);
        return this;
    }

    /// <summary>Adds a line from two 1-D tensors of equal length (<c>ax.plot(x, y)</c>).</summary>
    public ScatterChart AddLine(Tensor x, Tensor y, string? label = null) => AddLine(Values(x, nameof(x)), Values(y, nameof(y)), label);

    /// <inheritdoc/>
    public override string ToSvg()
    {
        CheckSize();
        return _plot.Render(this, LogY, XLim, YLim);
    }
}
