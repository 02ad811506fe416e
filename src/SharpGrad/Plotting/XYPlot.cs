namespace SharpGrad.Plotting;

/// <summary>A series drawn as a line or as markers.</summary>
internal sealed record XYSeries(double[] X, double[] Y, string? Label, string Color, bool Markers);

/// <summary>
/// The numeric-axes plot behind <see cref="LineChart"/> and <see cref="ScatterChart"/>: series storage,
/// range computation, log-scale checks and drawing of lines (with NaN gaps and min/max thinning) and markers.
/// </summary>
internal sealed class XYPlot(string name)
{
    /// <summary>Runs with more points than this many per pixel column are thinned by <see cref="Downsample"/>.</summary>
    private const int ThinningFactor = 2;

    /// <summary>A line with fewer points than this also gets a marker on each point, so that a short run (5 epochs) shows where its values are.</summary>
    internal const int MarkedLineLimit = 30;

    public List<XYSeries> Series { get; } = [];

    public void Add(double[] x, double[] y, string? label, bool markers)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
            throw new ArgumentException($"{name}: x has {x.Length} values but y has {y.Length}{Of(label)}");
        Series.Add(new XYSeries((double[])x.Clone(), (double[])y.Clone(), label, Palette.Color(Series.Count), markers));
    }

    private static string Of(string? label) => string.IsNullOrEmpty(label) ? "" : $" (series '{label}')";

    private static bool Finite(double x, double y) => double.IsFinite(x) && double.IsFinite(y);

    /// <summary>Renders the series; <paramref name="xLim"/> and <paramref name="yLim"/>, when given, replace the data ranges.</summary>
    public string Render(Chart chart, bool logY, (double Lo, double Hi)? xLim = null, (double Lo, double Hi)? yLim = null)
    {
        if (logY && yLim is { Lo: <= 0 } bad)
            throw new InvalidOperationException($"{name}: log-scale y needs positive limits, but YLim is ({bad.Lo}, {bad.Hi})");
        double xLo = double.PositiveInfinity, xHi = double.NegativeInfinity, yLo = double.PositiveInfinity, yHi = double.NegativeInfinity;
        foreach (var s in Series)
        {
            for (int i = 0; i < s.X.Length; i++)
            {
                double x = s.X[i], y = s.Y[i];
                if (!Finite(x, y)) continue;
                if (logY && y <= 0)
                    throw new InvalidOperationException(
                        $"{name}: log-scale y needs positive values, but series {(string.IsNullOrEmpty(s.Label) ? "#" + Series.IndexOf(s) : "'" + s.Label + "'")} has y = {y} at index {i}; drop or clamp non-positive values, or turn LogY off");
                xLo = Math.Min(xLo, x); xHi = Math.Max(xHi, x);
                yLo = Math.Min(yLo, y); yHi = Math.Max(yHi, y);
            }
        }
        if (xLo > xHi) { xLo = 0; xHi = 1; }
        if (yLo > yHi) { yLo = logY ? 1 : 0; yHi = logY ? 10 : 1; }
        if (xLim is { } xl) (xLo, xHi) = xl;
        if (yLim is { } yl) (yLo, yHi) = yl;

        var legend = new List<LegendEntry>();
        foreach (var s in Series)
            if (!string.IsNullOrEmpty(s.Label)) legend.Add(new LegendEntry(s.Label, s.Color, s.Markers ? LegendKind.Marker : LegendKind.Line));
        var frame = new Frame(chart, legend);
        frame.LayoutNumeric(xLo, xHi, yLo, yHi, logY, xLim is not null, yLim is not null, integerX: AllWholeNumbers());
        return frame.Render(svg =>
        {
            // Markers first, so fitted lines stay visible on top of dense point clouds.
            foreach (var s in Series) if (s.Markers) DrawMarkers(svg, frame, s);
            foreach (var s in Series) if (!s.Markers) DrawLine(svg, frame, s);
        });
    }

    /// <summary>True when every finite x is a whole number (epochs, steps) and there is at least one.</summary>
    private bool AllWholeNumbers()
    {
        bool any = false;
        foreach (var s in Series)
            for (int i = 0; i < s.X.Length; i++)
            {
                if (!Finite(s.X[i], s.Y[i])) continue;
                if (s.X[i] != Math.Round(s.X[i])) return false;
                any = true;
            }
        return any;
    }

    private static string SeriesAttributes(XYSeries s) =>
        $"class=\"series\" data-label=\"{Svg.Escape(s.Label ?? "")}\"";

    private static void DrawLine(Svg svg, Frame frame, XYSeries s)
    {
        svg.Open("g", SeriesAttributes(s));
        int points = 0;
        for (int i = 0; i < s.X.Length; i++) if (Finite(s.X[i], s.Y[i])) points++;
        bool marked = points < MarkedLineLimit;
        int limit = (int)(frame.Right - frame.Left) * ThinningFactor;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i <= s.X.Length; i++)
        {
            if (i < s.X.Length && Finite(s.X[i], s.Y[i]))
            {
                xs.Add(frame.PX(s.X[i]));
                ys.Add(frame.PY(s.Y[i]));
                continue;
            }
            // A non-finite value (or the end) closes the current run: NaN leaves a gap, as in matplotlib.
            if (xs.Count == 1)
                svg.Circle(xs[0], ys[0], 2.5, $"fill=\"{s.Color}\"");
            else if (xs.Count > 1)
            {
                var (px, py) = xs.Count > limit ? Downsample.MinMaxPerColumn(xs, ys) : (xs, ys);
                svg.Polyline(px, py, $"stroke=\"{s.Color}\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
                if (marked)
                    for (int k = 0; k < xs.Count; k++) svg.Circle(xs[k], ys[k], 2.5, $"fill=\"{s.Color}\" class=\"point\"");
            }
            xs.Clear();
            ys.Clear();
        }
        svg.Close("g");
    }

    private static void DrawMarkers(Svg svg, Frame frame, XYSeries s)
    {
        svg.Open("g", SeriesAttributes(s) + $" fill=\"{s.Color}\" fill-opacity=\"0.75\"");
        // Points landing on the same half-pixel are drawn once: a 100,000-point cloud stays a small file.
        var seen = new HashSet<long>();
        for (int i = 0; i < s.X.Length; i++)
        {
            if (!Finite(s.X[i], s.Y[i])) continue;
            double px = frame.PX(s.X[i]), py = frame.PY(s.Y[i]);
            long key = ((long)Math.Round(px * 2) << 32) ^ (long)Math.Round(py * 2);
            if (seen.Add(key)) svg.Circle(px, py, 3, "");
        }
        svg.Close("g");
    }
}
