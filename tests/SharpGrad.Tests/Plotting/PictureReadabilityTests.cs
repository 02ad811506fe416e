using System.Globalization;
using SharpGrad.Plotting;

namespace SharpGrad.Tests;

/// <summary>Short training curves read well: whole-number epochs get whole-number ticks and points get markers; mistakes are red.</summary>
public class PictureReadabilityTests
{
    [Fact]
    public void EpochAxis_GetsWholeNumberTicks_AndShortSeriesGetMarkers()
    {
        double[] epochs = [1, 2, 3];
        var doc = Svgs.Parse(new LineChart { XLabel = "epoch" }.Add(epochs, [0.9, 0.5, 0.4], "train").Add(epochs, [0.8, 0.6, 0.5], "test").ToSvg());
        var ticks = Svgs.TickLabels(doc, "x-ticks");
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.True(int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out _), $"tick '{t}' is not a whole number"));
        foreach (var series in Svgs.Series(doc))
            Assert.Equal(3, series.Elements(Svgs.Ns + "circle").Count());
    }

    [Fact]
    public void FractionalX_KeepsFractionalTicks_AndLongSeriesHaveNoMarkers()
    {
        var x = Enumerable.Range(0, 40).Select(i => i / 40.0).ToArray();
        var doc = Svgs.Parse(new LineChart().Add(x, x.Select(v => v * v).ToArray()).ToSvg());
        Assert.Contains(Svgs.TickLabels(doc, "x-ticks"), t => t.Contains('.'));
        Assert.Empty(Svgs.Series(doc)[0].Elements(Svgs.Ns + "circle"));
        Assert.Equal(30, XYPlot.MarkedLineLimit);
    }

    [Fact]
    public void HighlightedLabels_AreRed_InAnRgbPicture()
    {
        var images = Tensor.Zeros(2, 1, 48, 48);
        var grid = new ImageGrid(images, nrow: 2, padding: 2, labels: ["ok", "bad"], highlight: [false, true]);
        Assert.Equal(3, grid.Channels);
        var pixels = grid.Pixels.ToArray();
        bool RedIn(int x0, int x1)
        {
            for (int y = 50; y < grid.Height; y++)
                for (int x = x0; x < x1; x++)
                {
                    int at = (y * grid.Width + x) * 3;
                    if (pixels[at] > 200 && pixels[at + 1] < 80) return true;
                }
            return false;
        }
        Assert.False(RedIn(0, 50));
        Assert.True(RedIn(50, grid.Width));
        // Without a highlighted label the picture stays grayscale.
        Assert.Equal(1, new ImageGrid(images, labels: ["a", "b"], highlight: [false, false]).Channels);
        Check.Throws<ArgumentException>(() => new ImageGrid(images, highlight: [true, false]), "make_grid", "highlight needs labels");
    }
}
