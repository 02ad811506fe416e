using SharpGrad.Plotting;
using static SharpGrad.Tests.Svgs;

namespace SharpGrad.Tests;

public sealed class LineChartTests
{
    private static double[] Range(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    [Fact]
    public void ToSvg_IsWellFormedWithTitleAxisLabelsAndLegend()
    {
        var chart = new LineChart { Title = "Loss & accuracy <train>", XLabel = "epoch", YLabel = "loss" }
            .Add(Range(11), Range(11), "train").Add(Range(11), Range(11).Select(v => 10 - v).ToArray(), "valid");
        var doc = Parse(chart.ToSvg());
        Assert.Equal("Loss & accuracy <train>", TextOf(doc, "title"));
        Assert.Equal("epoch", TextOf(doc, "x-label"));
        Assert.Equal("loss", TextOf(doc, "y-label"));
        Assert.Equal(["train", "valid"], LegendLabels(doc));
        var series = Series(doc);
        Assert.Equal(2, series.Length);
        // tab10 colours in cycle order.
        Assert.Equal(Palette.Tab10[0], (string?)series[0].Element(Ns + "polyline")!.Attribute("stroke"));
        Assert.Equal(Palette.Tab10[1], (string?)series[1].Element(Ns + "polyline")!.Attribute("stroke"));
        Assert.Equal("#1f77b4", Palette.Color(0));
        Assert.Equal("#17becf", Palette.Color(9));
        Assert.Equal("#1f77b4", Palette.Color(10));
    }

    [Fact]
    public void Ticks_ForZeroToTenAreEvenNumbersOnBothAxes()
    {
        var doc = Parse(new LineChart().Add(Range(11), Range(11), "a").ToSvg());
        Assert.Equal(["0", "2", "4", "6", "8", "10"], TickLabels(doc, "x-ticks"));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], TickLabels(doc, "y-ticks"));
    }

    [Fact]
    public void Ticks_LabelDecimalsFollowTheStepAndNegativesUseTheMinusSign()
    {
        var y = new[] { -1.0, -0.5, 0, 0.5, 1.0 };
        var doc = Parse(new LineChart { Height = 300 }.Add(y, "a").ToSvg());
        Assert.Equal(["\u22121.0", "\u22120.5", "0.0", "0.5", "1.0"], TickLabels(doc, "y-ticks"));
        Assert.Equal(["0", "1", "2", "3", "4"], TickLabels(doc, "x-ticks"));
    }

    [Fact]
    public void LogY_PutsTicksAtPowersOfTen()
    {
        var y = new[] { 0.001, 0.01, 0.5, 3, 100 };
        var doc = Parse(new LineChart { LogY = true }.Add(y).ToSvg());
        var labels = Group(doc, "y-ticks").Elements(Ns + "text").ToArray();
        Assert.Equal(["\u22123", "\u22122", "\u22121", "0", "1", "2"], labels.Select(t => t.Element(Ns + "tspan")!.Value));
        Assert.All(labels, t => Assert.StartsWith("10", t.Value));
        // Lower data on a log axis is lower on the screen; 10^-3 is the lowest tick.
        var points = Points(Series(doc)[0].Element(Ns + "polyline")!);
        Assert.True(points[0].Y > points[^1].Y);
    }

    [Fact]
    public void LogY_RejectsNonPositiveValuesNamingSeriesAndIndex()
    {
        var chart = new LineChart { LogY = true }.Add([0, 1, 2], [1.0, 0.0, 2.0], "loss");
        Check.Throws<InvalidOperationException>(() => chart.ToSvg(), "LineChart", "log-scale", "'loss'", "index 1");
        var negative = new LineChart { LogY = true }.Add([1.0, -2.0]);
        Check.Throws<InvalidOperationException>(() => negative.ToSvg(), "positive", "-2");
    }

    [Fact]
    public void NaN_SplitsThePolylineIntoSeparateRuns()
    {
        var doc = Parse(new LineChart().Add([1.0, 2, double.NaN, 4, 5, 6], "gappy").ToSvg());
        var lines = Series(doc)[0].Elements(Ns + "polyline").ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal(2, Points(lines[0]).Length);
        Assert.Equal(3, Points(lines[1]).Length);
    }

    [Fact]
    public void NaN_AroundAPointLeavesADotAndLeadingNaNIsSkipped()
    {
        var doc = Parse(new LineChart().Add([double.NaN, 1.0, 2, double.NaN, 3, double.NaN, 4, 5]).ToSvg());
        var group = Series(doc)[0];
        Assert.Equal([2, 2], group.Elements(Ns + "polyline").Select(l => Points(l).Length));
        // One dot for the isolated point; the other circles are the markers every point of a short series gets.
        Assert.Single(group.Elements(Ns + "circle"), c => (string?)c.Attribute("class") != "point");
        Assert.Equal(4, group.Elements(Ns + "circle").Count(c => (string?)c.Attribute("class") == "point"));
    }

    [Fact]
    public void SinglePointAndConstantSeries_RenderWithFiniteCoordinates()
    {
        var single = Parse(new LineChart().Add([3.0], [7.0], "one").ToSvg());
        var dot = Series(single)[0].Element(Ns + "circle")!;
        Assert.True(double.IsFinite((double)dot.Attribute("cx")!) && double.IsFinite((double)dot.Attribute("cy")!));

        var constant = Parse(new LineChart().Add([5.0, 5, 5, 5], "flat").ToSvg());
        var points = Points(Series(constant)[0].Element(Ns + "polyline")!);
        Assert.All(points, p => Assert.Equal(points[0].Y, p.Y));
        // The constant sits inside the y range, not on the frame.
        Assert.Contains("5.0", TickLabels(constant, "y-ticks"));
    }

    [Fact]
    public void LongSeries_IsThinnedPerPixelColumnAndKeepsSpikes()
    {
        const int n = 100_000;
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = (i * 7919 % 1000) / 1000.0;
        y[54_321] = 100; // a spike must survive thinning
        var chart = new LineChart { Title = "long" }.Add(y, "noise");
        string svg = chart.ToSvg();
        Assert.True(svg.Length < 200_000, $"SVG is {svg.Length} characters");
        var points = Points(Series(Parse(svg))[0].Element(Ns + "polyline")!);
        Assert.True(points.Length <= 4 * chart.Width, $"{points.Length} points");
        Assert.True(points.Length >= chart.Width, $"{points.Length} points: too much was dropped");
        double mid = (points.Min(p => p.Y) + points.Max(p => p.Y)) / 2;
        Assert.Single(points, p => p.Y < mid);
    }

    [Fact]
    public void Downsample_KeepsFirstMinMaxLastPerColumnInOrder()
    {
        var (xs, ys) = Downsample.MinMaxPerColumn(
            [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.5, 1.6],
            [3, 1, 4, 1, 5, 9, 2, 6, 7, 8]);
        Assert.Equal([0.1, 0.2, 0.6, 0.8, 1.5, 1.6], xs);
        Assert.Equal([3.0, 1, 9, 6, 7, 8], ys);
    }

    [Fact]
    public void Add_AcceptsTensorsOfAnyDType()
    {
        var x = Tensor.Arange(0, 5);
        var y = Tensor.From(new float[] { 1, 4, 2, 8, 5 });
        var doc = Parse(new LineChart().Add(x, y, "t").Add(y, "y only").ToSvg());
        Assert.Equal(5, Points(Series(doc)[0].Element(Ns + "polyline")!).Length);
        Assert.Equal(Points(Series(doc)[0].Element(Ns + "polyline")!), Points(Series(doc)[1].Element(Ns + "polyline")!));
    }

    [Fact]
    public void Add_RejectsMismatchedLengthsAndMatrices()
    {
        Check.Throws<ArgumentException>(() => new LineChart().Add([1.0, 2], [1.0], "s"), "LineChart", "2 values", "1", "'s'");
        Check.Throws<ArgumentException>(() => new LineChart().Add(Tensor.Zeros(2, 3)), "LineChart", "1-D", "[2, 3]");
    }

    [Fact]
    public void ToSvg_RejectsTinyCharts()
        => Check.Throws<InvalidOperationException>(() => new LineChart { Width = 50, Height = 40 }.ToSvg(), "LineChart", "50x40", "too small");

    [Fact]
    public void Empty_ChartStillRendersAxes()
    {
        var doc = Parse(new LineChart { Title = "nothing yet" }.ToSvg());
        Assert.NotEmpty(TickLabels(doc, "y-ticks"));
        Assert.Empty(Series(doc));
    }

    [Fact]
    public void Save_WritesTheSvgAtomically()
    {
        string dir = Directory.CreateTempSubdirectory("sharpgrad-plot-").FullName;
        try
        {
            var chart = new LineChart { Title = "saved" }.Add([1.0, 2, 3]);
            string path = Path.Combine(dir, "loss.svg");
            chart.Save(path);
            Assert.Equal(chart.ToSvg(), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
