using System.Xml.Linq;
using SharpGrad.Plotting;
using static SharpGrad.Tests.Svgs;

namespace SharpGrad.Tests;

public sealed class ScatterAndBarChartTests
{
    [Fact]
    public void Scatter_DrawsOneDotPerPointAndTheFittedLine()
    {
        var x = new[] { 0.0, 1, 2, 3, 4, double.NaN };
        var y = new[] { 1.0, 3, 5, 7, 9, 2 };
        var doc = Parse(new ScatterChart { Title = "fit" }.Add(x, y, "data").AddLine([0.0, 4], [1.0, 9], "y = 2x + 1").ToSvg());
        var series = Series(doc);
        Assert.Equal(2, series.Length);
        Assert.Equal(5, series[0].Elements(Ns + "circle").Count()); // the NaN point is skipped
        Assert.Equal(2, Points(series[1].Element(Ns + "polyline")!).Length);
        Assert.Equal(["data", "y = 2x + 1"], LegendLabels(doc));
        // The legend shows a dot for points and a line for the fit.
        var legend = Group(doc, "legend");
        Assert.Single(legend.Elements(Ns + "circle"));
        Assert.Single(legend.Elements(Ns + "line"));
        // The fitted line passes through the first and last data points.
        var dots = series[0].Elements(Ns + "circle").ToArray();
        var line = Points(series[1].Element(Ns + "polyline")!);
        Assert.Equal((double)dots[0].Attribute("cx")!, line[0].X);
        Assert.Equal((double)dots[0].Attribute("cy")!, line[0].Y);
        Assert.Equal((double)dots[4].Attribute("cy")!, line[1].Y);
    }

    [Fact]
    public void Scatter_DrawsCoincidentPointsOnce()
    {
        var x = Enumerable.Repeat(1.0, 1000).Concat([2.0]).ToArray();
        var y = Enumerable.Repeat(5.0, 1000).Concat([6.0]).ToArray();
        var doc = Parse(new ScatterChart().Add(Tensor.From(x), Tensor.From(y)).ToSvg());
        Assert.Equal(2, Series(doc)[0].Elements(Ns + "circle").Count());
    }

    [Fact]
    public void Bar_DrawsSideBySideBarsFromZero()
    {
        var chart = new BarChart(["cat", "dog", "bird"]) { Title = "counts", YLabel = "n" }
            .Add([4.0, 10, 6], "train").Add([2.0, 5, double.NaN], "test");
        var doc = Parse(chart.ToSvg());
        Assert.Equal(["cat", "dog", "bird"], TickLabels(doc, "x-ticks"));
        Assert.Equal(["0", "2", "4", "6", "8", "10"], TickLabels(doc, "y-ticks"));
        Assert.Equal(["train", "test"], LegendLabels(doc));
        var series = Series(doc);
        var train = series[0].Elements(Ns + "rect").ToArray();
        var test = series[1].Elements(Ns + "rect").ToArray();
        Assert.Equal(3, train.Length);
        Assert.Equal(2, test.Length); // NaN draws no bar
        double Attr(XElement e, string name) => (double)e.Attribute(name)!;
        // All bars stand on the same baseline (y + height), heights proportional to the values.
        double baseline = Attr(train[0], "y") + Attr(train[0], "height");
        foreach (var bar in train.Concat(test)) Assert.Equal(baseline, Attr(bar, "y") + Attr(bar, "height"), 0.15);
        Assert.Equal(Attr(train[0], "height") * 2.5, Attr(train[1], "height"), 0.5);
        // The second series sits right next to the first within each category.
        Assert.Equal(Attr(train[0], "x") + Attr(train[0], "width"), Attr(test[0], "x"), 0.15);
        Assert.Equal(Palette.Tab10[1], (string?)series[1].Attribute("fill"));
    }

    [Fact]
    public void Bar_NegativeValuesHangBelowZero()
    {
        var doc = Parse(new BarChart(["a", "b"]).Add(Tensor.From(new double[] { 3, -2 })).ToSvg());
        var bars = Series(doc)[0].Elements(Ns + "rect").ToArray();
        double y0 = (double)bars[0].Attribute("y")!, h0 = (double)bars[0].Attribute("height")!;
        double y1 = (double)bars[1].Attribute("y")!;
        Assert.Equal(y0 + h0, y1, 0.15); // the negative bar starts where the positive one ends: at zero
        Assert.Contains("\u22122", TickLabels(doc, "y-ticks"));
    }

    [Fact]
    public void Bar_LongCategoryNamesAreSlanted()
    {
        var names = Enumerable.Range(0, 10).Select(i => $"category number {i}").ToArray();
        var doc = Parse(new BarChart(names).Add(new double[10]).ToSvg());
        Assert.All(Group(doc, "x-ticks").Elements(Ns + "text"), t => Assert.Contains("rotate(-40", (string?)t.Attribute("transform")));
    }

    [Fact]
    public void Bar_RejectsWrongValueCountsAndNoCategories()
    {
        Check.Throws<ArgumentException>(() => new BarChart(["a", "b", "c"]).Add([1.0, 2], "s"), "BarChart", "2 values for 3 categories", "'s'");
        Check.Throws<ArgumentException>(() => new BarChart([]), "BarChart", "at least one category");
        Check.Throws<ArgumentException>(() => new BarChart(["a"]).Add([double.PositiveInfinity]), "BarChart", "finite");
    }
}
