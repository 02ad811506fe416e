namespace SharpGrad.Plotting;

/// <summary>How a legend entry's swatch is drawn.</summary>
internal enum LegendKind { Line, Marker, Bar }

/// <summary>One legend row: the series label, its colour and swatch kind.</summary>
internal readonly record struct LegendEntry(string Label, string Color, LegendKind Kind);

/// <summary>
/// The layout shared by all charts: margins sized from the title, axis labels, tick labels and legend,
/// the plot area, the mapping from data to pixels, and the drawing of axes, grid, title and legend.
/// The legend sits right of the plot area, so it never hides data and never leaves the picture.
/// </summary>
internal sealed class Frame
{
    public const double TickFont = 12, LabelFont = 13, TitleFont = 15, LegendFont = 12, TickLength = 5;
    private const double LegendRow = 20, MaxLabelChars = 40;

    private readonly Chart _chart;
    private readonly List<LegendEntry> _legend = [];
    private readonly double _legendWidth;
    private string[]? _categories;
    private bool _rotateCategories;
    private bool _clip;

    public Frame(Chart chart, IEnumerable<LegendEntry> legend)
    {
        _chart = chart;
        foreach (var e in legend) _legend.Add(e with { Label = Shorten(e.Label, (int)MaxLabelChars) });
        if (_legend.Count > 0)
        {
            double text = 0;
            foreach (var e in _legend) text = Math.Max(text, Svg.TextWidth(e.Label, LegendFont));
            _legendWidth = 8 + 24 + 6 + text + 10;
        }
    }

    /// <summary>Left, right, top and bottom edges of the plot area in pixels.</summary>
    public double Left { get; private set; }
    public double Right { get; private set; }
    public double Top { get; private set; }
    public double Bottom { get; private set; }

    public Axis Y { get; private set; } = null!;
    public Axis? X { get; private set; }

    /// <summary>Pixel x of a data x (numeric axes).</summary>
    public double PX(double x) => Left + X!.Fraction(x) * (Right - Left);

    /// <summary>Pixel y of a data y (up is larger).</summary>
    public double PY(double y) => Bottom - Y.Fraction(y) * (Bottom - Top);

    /// <summary>Width in pixels of one category slot (categorical x).</summary>
    public double Slot => (Right - Left) / _categories!.Length;

    private static bool Has(string? s) => !string.IsNullOrEmpty(s);

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "\u2026";

    private double TopEdge() => 12 + (Has(_chart.Title) ? TitleFont + 12 : 0);

    private double RightMargin(double minimum) => Math.Max(minimum, _legend.Count > 0 ? _legendWidth + 24 : 16);

    private double LeftEdge() => 10 + (Has(_chart.YLabel) ? LabelFont + 10 : 0) + Y.MaxLabelWidth(TickFont) + 4 + TickLength;

    /// <summary>Pixels between neighbouring major ticks of a linear axis drawn <paramref name="length"/> pixels long.</summary>
    private static double Spacing(Axis a, double length) => length * a.StepFraction;

    private void LayoutY(double yLo, double yHi, bool logY, double marginLo = 0.05, double marginHi = 0.05)
    {
        double plotHeight = Bottom - Top;
        int maxIntervals = (int)(plotHeight / 45);
        Y = logY
            ? Ticks.Log(yLo, yHi, maxIntervals)
            : Ticks.Linear(yLo, yHi, maxIntervals, a => Spacing(a, plotHeight) >= TickFont + 8, marginLo, marginHi);
    }

    /// <summary>
    /// Lays out numeric x and y axes covering the data ranges, with 5% margins; an axis given fixed limits
    /// (<paramref name="fixedX"/>, <paramref name="fixedY"/>) gets no margin and its data are clipped to the plot area.
    /// With <paramref name="integerX"/> (whole-number x values: epochs, steps) the x ticks are whole numbers, never "1.5".
    /// </summary>
    public void LayoutNumeric(double xLo, double xHi, double yLo, double yHi, bool logY, bool fixedX = false, bool fixedY = false, bool integerX = false)
    {
        _clip = fixedX || fixedY;
        Top = TopEdge();
        Bottom = _chart.Height - (TickLength + 3 + TickFont + 8 + (Has(_chart.XLabel) ? LabelFont + 10 : 0));
        double yMargin = fixedY ? 0 : 0.05, xMargin = fixedX ? 0 : 0.05;
        LayoutY(yLo, yHi, logY, yMargin, yMargin);
        Left = LeftEdge();
        double rightMargin = RightMargin(16);
        for (int pass = 0; pass < 2; pass++)
        {
            Right = _chart.Width - rightMargin;
            double plotWidth = Right - Left;
            X = Ticks.Linear(xLo, xHi, (int)(plotWidth / 75),
                a => (!integerX || a.Step >= 1) && Spacing(a, plotWidth) >= a.MaxLabelWidth(TickFont) + 12, xMargin, xMargin);
            // The last tick label is centred on its tick near the right edge: keep its right half inside the picture.
            double needed = X.Labels[^1].Width(TickFont) / 2 + 4 - (Right - PX(X.Ticks[^1]));
            if (needed <= rightMargin) break;
            rightMargin = needed;
        }
        CheckRoom();
    }

    /// <summary>Lays out category slots along x and a numeric y axis.</summary>
    public void LayoutCategorical(string[] categories, double yLo, double yHi)
    {
        _categories = new string[categories.Length];
        for (int i = 0; i < categories.Length; i++) _categories[i] = Shorten(categories[i], 24);
        double widest = 0;
        foreach (var c in _categories) widest = Math.Max(widest, Svg.TextWidth(c, TickFont));
        Top = TopEdge();
        // First assume horizontal labels; rotate when they would not fit their slots.
        double xLabel = Has(_chart.XLabel) ? LabelFont + 10 : 0;
        double rightMargin = RightMargin(16);
        double guessLeft = 70;
        _rotateCategories = (_chart.Width - rightMargin - guessLeft) / Math.Max(1, _categories.Length) < widest + 6;
        double labelHeight = _rotateCategories ? widest * Math.Sin(Math.PI * 40 / 180) + TickFont : TickFont;
        Bottom = _chart.Height - (TickLength + 3 + labelHeight + 8 + xLabel);
        // Bars grow from zero: no margin on the zero side (matplotlib's sticky edges).
        LayoutY(yLo, yHi, logY: false, yLo == 0 ? 0 : 0.05, yHi == 0 ? 0 : 0.05);
        Left = Math.Max(LeftEdge(), _rotateCategories ? widest * Math.Cos(Math.PI * 40 / 180) - 10 : 0);
        Right = _chart.Width - rightMargin;
        CheckRoom();
    }

    private void CheckRoom()
    {
        if (Right - Left < 40 || Bottom - Top < 40)
            throw new InvalidOperationException(
                $"plot: a {_chart.Width}x{_chart.Height} chart leaves no room for the plot area after the title, labels and legend; make it larger");
    }

    /// <summary>Renders the whole chart; <paramref name="drawData"/> draws the series inside the plot area.</summary>
    public string Render(Action<Svg> drawData)
    {
        var svg = new Svg(_chart.Width, _chart.Height);
        DrawGrid(svg);
        // With fixed axis limits the data are clipped to the plot area by a nested svg viewport (no ids needed, so
        // several charts can share one document).
        if (_clip)
            svg.Open("svg", $"x=\"{Svg.N(Left)}\" y=\"{Svg.N(Top)}\" width=\"{Svg.N(Right - Left)}\" height=\"{Svg.N(Bottom - Top)}\" " +
                $"viewBox=\"{Svg.N(Left)} {Svg.N(Top)} {Svg.N(Right - Left)} {Svg.N(Bottom - Top)}\" overflow=\"hidden\"");
        svg.Open("g", "class=\"data\"");
        drawData(svg);
        svg.Close("g");
        if (_clip) svg.Close("svg");
        DrawAxes(svg);
        DrawTexts(svg);
        DrawLegend(svg);
        return svg.ToString();
    }

    private void DrawGrid(Svg svg)
    {
        svg.Open("g", "class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\"");
        foreach (double t in Y.Ticks) svg.Line(Left, PY(t), Right, PY(t), "");
        if (X is not null)
            foreach (double t in X.Ticks) svg.Line(PX(t), Top, PX(t), Bottom, "");
        svg.Close("g");
    }

    private void DrawAxes(Svg svg)
    {
        svg.Rect(Left, Top, Right - Left, Bottom - Top, "class=\"frame\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"");

        svg.Open("g", "class=\"y-ticks\" fill=\"#222222\"");
        foreach (double t in Y.Minor) svg.Line(Left - TickLength * 0.6, PY(t), Left, PY(t), "stroke=\"#333333\"");
        for (int i = 0; i < Y.Ticks.Length; i++)
        {
            double y = PY(Y.Ticks[i]);
            svg.Line(Left - TickLength, y, Left, y, "stroke=\"#333333\"");
            var label = Y.Labels[i];
            svg.Text(Left - TickLength - 3, y + TickFont * 0.35, label.Text, TickFont, "end", "class=\"tick-label\"", label.Superscript);
        }
        svg.Close("g");

        svg.Open("g", "class=\"x-ticks\" fill=\"#222222\"");
        double baseline = Bottom + TickLength + 2 + TickFont;
        if (X is not null)
        {
            for (int i = 0; i < X.Ticks.Length; i++)
            {
                double x = PX(X.Ticks[i]);
                svg.Line(x, Bottom, x, Bottom + TickLength, "stroke=\"#333333\"");
                svg.Text(x, baseline, X.Labels[i].Text, TickFont, "middle", "class=\"tick-label\"", X.Labels[i].Superscript);
            }
        }
        else if (_categories is not null)
        {
            for (int i = 0; i < _categories.Length; i++)
            {
                double x = Left + (i + 0.5) * Slot;
                svg.Line(x, Bottom, x, Bottom + TickLength, "stroke=\"#333333\"");
                if (_rotateCategories)
                {
                    double ty = Bottom + TickLength + 2 + TickFont * 0.7;
                    svg.Text(x, ty, _categories[i], TickFont, "end",
                        $"class=\"tick-label\" transform=\"rotate(-40 {Svg.N(x)} {Svg.N(ty)})\"");
                }
                else svg.Text(x, baseline, _categories[i], TickFont, "middle", "class=\"tick-label\"");
            }
        }
        svg.Close("g");
    }

    private void DrawTexts(Svg svg)
    {
        double centre = (Left + Right) / 2;
        if (Has(_chart.Title))
            svg.Text(centre, 12 + TitleFont, _chart.Title!, TitleFont, "middle", "class=\"title\" fill=\"#111111\"");
        if (Has(_chart.XLabel))
            svg.Text(centre, _chart.Height - 10, _chart.XLabel!, LabelFont, "middle", "class=\"x-label\" fill=\"#111111\"");
        if (Has(_chart.YLabel))
        {
            double x = 10 + LabelFont * 0.8, y = (Top + Bottom) / 2;
            svg.Text(x, y, _chart.YLabel!, LabelFont, "middle",
                $"class=\"y-label\" fill=\"#111111\" transform=\"rotate(-90 {Svg.N(x)} {Svg.N(y)})\"");
        }
    }

    private void DrawLegend(Svg svg)
    {
        if (_legend.Count == 0) return;
        double x0 = Right + 14, y0 = Top;
        svg.Open("g", "class=\"legend\"");
        svg.Rect(x0, y0, _legendWidth, _legend.Count * LegendRow + 8, "fill=\"white\" stroke=\"#cccccc\" rx=\"3\"");
        for (int i = 0; i < _legend.Count; i++)
        {
            var e = _legend[i];
            double cy = y0 + 4 + (i + 0.5) * LegendRow;
            switch (e.Kind)
            {
                case LegendKind.Line:
                    svg.Line(x0 + 8, cy, x0 + 32, cy, $"stroke=\"{e.Color}\" stroke-width=\"2\"");
                    break;
                case LegendKind.Marker:
                    svg.Circle(x0 + 20, cy, 3.5, $"fill=\"{e.Color}\"");
                    break;
                default:
                    svg.Rect(x0 + 12, cy - 6, 16, 12, $"fill=\"{e.Color}\"");
                    break;
            }
            svg.Text(x0 + 38, cy + LegendFont * 0.35, e.Label, LegendFont, "start", "class=\"legend-label\" fill=\"#222222\"");
        }
        svg.Close("g");
    }
}
