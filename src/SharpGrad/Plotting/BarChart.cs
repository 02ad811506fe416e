namespace SharpGrad.Plotting;

/// <summary>
/// Bar charts over named categories (matplotlib's <c>ax.bar(categories, values, label=...)</c>), as SVG.
/// Several series are drawn side by side within each category, in tab10 colours; bars grow from zero,
/// so negative values point down. A NaN value draws no bar. Category labels that would not fit
/// their slot are drawn slanted.
/// </summary>
/// <example><code>
/// new BarChart(["0", "1", "2"]) { Title = "Per-class accuracy" }
///     .Add(trainAcc, "train").Add(testAcc, "test").Save("accuracy.svg");
/// </code></example>
public sealed class BarChart : Chart
{
    private readonly string[] _categories;
    private readonly List<(double[] Values, string? Label)> _series = [];

    /// <summary>A bar chart with one slot per category, in the given order.</summary>
    public BarChart(IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        if (categories.Count == 0) throw new ArgumentException("BarChart: at least one category is needed", nameof(categories));
        _categories = new string[categories.Count];
        for (int i = 0; i < categories.Count; i++)
            _categories[i] = categories[i] ?? throw new ArgumentException($"BarChart: category {i} is null", nameof(categories));
    }

    private protected override string Name => "BarChart";

    /// <summary>The category names, in order.</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>The number of series added so far.</summary>
    public int Count => _series.Count;

    /// <summary>Adds a series with one value per category (<c>ax.bar(x + offset, values, width, label=label)</c>).</summary>
    public BarChart Add(double[] values, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _categories.Length)
            throw new ArgumentException($"BarChart: {values.Length} values for {_categories.Length} categories{(label is null ? "" : $" (series '{label}')")}", nameof(values));
        foreach (double v in values)
            if (double.IsInfinity(v)) throw new ArgumentException($"BarChart: values must be finite or NaN, got {v}", nameof(values));
        _series.Add(((double[])values.Clone(), label));
        return this;
    }

    /// <summary>Adds a series from a 1-D tensor with one value per category.</summary>
    public BarChart Add(Tensor values, string? label = null) => Add(Values(values, nameof(values)), label);

    /// <inheritdoc/>
    public override string ToSvg()
    {
        CheckSize();
        double lo = 0, hi = 0;
        foreach (var (values, _) in _series)
            foreach (double v in values)
                if (!double.IsNaN(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (lo == hi) hi = 1;

        var legend = new List<LegendEntry>();
        for (int s = 0; s < _series.Count; s++)
            if (!string.IsNullOrEmpty(_series[s].Label)) legend.Add(new LegendEntry(_series[s].Label!, Palette.Color(s), LegendKind.Bar));
        var frame = new Frame(this, legend);
        frame.LayoutCategorical(_categories, lo, hi);
        return frame.Render(svg =>
        {
            double group = frame.Slot * 0.8, bar = group / Math.Max(1, _series.Count), zero = frame.PY(0);
            for (int s = 0; s < _series.Count; s++)
            {
                svg.Open("g", $"class=\"series\" data-label=\"{Svg.Escape(_series[s].Label ?? "")}\" fill=\"{Palette.Color(s)}\"");
                var values = _series[s].Values;
                for (int i = 0; i < values.Length; i++)
                {
                    if (double.IsNaN(values[i])) continue;
                    double x = frame.Left + i * frame.Slot + (frame.Slot - group) / 2 + s * bar, y = frame.PY(values[i]);
                    svg.Rect(x, Math.Min(y, zero), bar, Math.Abs(zero - y), "class=\"bar\"");
                }
                svg.Close("g");
            }
            if (lo < 0) svg.Line(frame.Left, zero, frame.Right, zero, "stroke=\"#333333\" stroke-width=\"1\"");
        });
    }
}
