using System.Globalization;
using System.Xml.Linq;
using SharpGrad.Plotting;
using static SharpGrad.Tests.Svgs;

namespace SharpGrad.Tests;

/// <summary>XLim / YLim (matplotlib's set_xlim / set_ylim) on line and scatter charts.</summary>
public sealed class AxisLimitsTests
{
    private static (double X, double Y, double W, double H) PlotArea(XDocument doc)
    {
        var r = doc.Descendants(Ns + "rect").Single(e => (string?)e.Attribute("class") == "frame");
        double A(string name) => double.Parse((string)r.Attribute(name)!, CultureInfo.InvariantCulture);
        return (A("x"), A("y"), A("width"), A("height"));
    }

    [Fact]
    public void YLim_FixesTheAxisExactly_AndTheSameLimitsGiveTheSameTicks()
    {
        // Two charts with different data but the same limits: same axis (what frames of an animation need).
        var a = Parse(new ScatterChart { YLim = (-1, 2) }.Add([0.0, 1], [0.0, 0.5]).ToSvg());
        var b = Parse(new ScatterChart { YLim = (-1, 2) }.Add([0.0, 1], [1.0, 1.5]).ToSvg());
        Assert.Equal(TickLabels(a, "y-ticks"), TickLabels(b, "y-ticks"));
        Assert.Equal(["\u22121.0", "\u22120.5", "0.0", "0.5", "1.0", "1.5", "2.0"], TickLabels(a, "y-ticks"));
        // The point y = 0 sits one third of the way up from the bottom edge (no 5% margin).
        var area = PlotArea(a);
        double cy = (double)Series(a)[0].Elements(Ns + "circle").First().Attribute("cy")!;
        Assert.Equal(area.Y + area.H * 2 / 3, cy, 0.1);
    }

    [Fact]
    public void Limits_ClipDataOutsideThePlotArea()
    {
        var svg = new LineChart { XLim = (0, 1), YLim = (0, 1) }.Add([-1.0, 2], [-5.0, 5]).ToSvg();
        var doc = Parse(svg);
        var area = PlotArea(doc);
        // The data sit in a nested viewport the size of the plot area, which hides what overflows it.
        var viewport = doc.Root!.Elements(Ns + "svg").Single();
        Assert.Equal("hidden", (string?)viewport.Attribute("overflow"));
        Assert.Equal(area.W, double.Parse((string)viewport.Attribute("width")!, CultureInfo.InvariantCulture), 0.11);
        Assert.Equal(area.H, double.Parse((string)viewport.Attribute("height")!, CultureInfo.InvariantCulture), 0.11);
        Assert.Single(viewport.Descendants(Ns + "polyline"));
        // Without limits nothing is clipped.
        Assert.Empty(Parse(new LineChart().Add([-1.0, 2], [-5.0, 5]).ToSvg()).Root!.Elements(Ns + "svg"));
    }

    [Fact]
    public void XLim_FixesTheXAxis()
    {
        var doc = Parse(new LineChart { XLim = (0, 10) }.Add([2.0, 3], [1.0, 2]).ToSvg());
        var labels = TickLabels(doc, "x-ticks");
        Assert.Equal("0", labels[0]);
        Assert.Equal("10", labels[^1]);
    }

    [Fact]
    public void Limits_RejectEmptyReversedOrNonFiniteRanges()
    {
        var chart = new ScatterChart();
        var e = Assert.Throws<ArgumentException>(() => chart.YLim = (1, 1));
        Assert.Contains("ScatterChart: YLim must be two finite numbers with lo < hi, got (1, 1)", e.Message);
        Assert.Throws<ArgumentException>(() => chart.XLim = (2, 1));
        Assert.Throws<ArgumentException>(() => new LineChart().XLim = (0, double.NaN));
        Assert.Throws<InvalidOperationException>(() => new LineChart { LogY = true, YLim = (0, 10) }.Add([1.0, 2], [1.0, 2]).ToSvg());
        chart.YLim = null; // clearing the limits is allowed
        Assert.Null(chart.YLim);
    }
}
