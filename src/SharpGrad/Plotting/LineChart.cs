namespace SharpGrad.Plotting;

/// <summary>
/// Line plots of one or more series (matplotlib's <c>ax.plot(x, y, label=...)</c> with
/// <c>ax.legend()</c>), as SVG. Colours follow the tab10 cycle; axes get 1-2-5 ticks, or ticks at
/// powers of ten with <see cref="LogY"/>. A NaN or infinite value leaves a gap in its line; a run of a
/// single point is drawn as a dot. Very long series are thinned per pixel column (first, min, max and
/// last point of each column), so a 100,000-point loss curve stays a small file and looks the same.
/// </summary>
/// <example><code>
/// new LineChart { Title = "Loss", XLabel = "step", YLabel = "loss", LogY = true }
///     .Add(trainLoss, "train").Add(steps, validLoss, "valid").Save("loss.svg");
/// </code></example>
public sealed class LineChart : Chart
{
    private readonly XYPlot _plot = new("LineChart");

    private protected override string Name => "LineChart";

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

    /// <summary>The number of series added so far.</summary>
    public int Count => _plot.Series.Count;

    /// <summary>Adds a series through the points (x[i], y[i]) (<c>ax.plot(x, y, label=label)</c>); unlabelled series get no legend entry.</summary>
    public LineChart Add(double[] x, double[] y, string? label = null)
    {
        _plot.Add(x, y, label, markers: false);
        return this;
    }

    /// <summary>Adds a series with x = 0, 1, 2, ... (<c>ax.plot(y, label=label)</c>).</summary>
    public LineChart Add(double[] y, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Add(Indices(y.Length), y, label);
    }

    /// <summary>Adds a series from two 1-D tensors of equal length, any dtype (<c>ax.plot(x, y)</c>).</summary>
    public LineChart Add(Tensor x, Tensor y, string? label = null) => Add(Values(x, nameof(x)), Values(y, nameof(y)), label);

    /// <summary>Adds a series from a 1-D tensor with x = 0, 1, 2, ... (<c>ax.plot(y)</c>).</summary>
    public LineChart Add(Tensor y, string? label = null) => Add(Values(y, nameof(y)), label);

    /// <inheritdoc/>
    public override string ToSvg()
    {
        CheckSize();
        return _plot.Render(this, LogY, XLim, YLim);
    }

    internal static double[] Indices(int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }
}
