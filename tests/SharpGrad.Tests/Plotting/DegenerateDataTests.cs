using System.Globalization;
using System.Xml.Linq;
using SharpGrad.Plotting;

namespace SharpGrad.Tests;

/// <summary>
/// Charts draw something for any data, as matplotlib does: flat series, spreads at the limit of double precision,
/// magnitudes near double.MaxValue or the subnormals, single points, NaN and infinities (skipped, never a throw).
/// </summary>
public sealed class DegenerateDataTests
{
    /// <summary>Parses the SVG and checks that every numeric attribute is a finite number.</summary>
    private static XDocument Valid(string svg)
    {
        var doc = Svgs.Parse(svg);
        foreach (var a in doc.Descendants().Attributes())
        {
            if (a.Name.LocalName is not ("x" or "y" or "x1" or "x2" or "y1" or "y2" or "cx" or "cy" or "width" or "height" or "points")) continue;
            foreach (var part in a.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                Assert.True(double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v),
                    $"attribute {a.Name.LocalName}=\"{a.Value}\" is not a finite number");
        }
        return doc;
    }

    [Fact]
    public void LineChart_DrawsAnAlmostFlatSeries()
    {
        // 0.1 * 0.1 = 0.010000000000000002: a relative spread of 2e-16 used to ask Math.Round for 17 digits.
        var doc = Valid(new LineChart().Add([0.01, 0.1 * 0.1, 0.01]).ToSvg());
        var labels = Svgs.TickLabels(doc, "y-ticks");
        Assert.True(labels.Length >= 2);
        Assert.Equal(labels.Length, labels.Distinct().Count());
    }

    [Fact]
    public void LineChart_DrawsTheWholeDoubleRange()
    {
        Valid(new LineChart().Add([1e308, -1e308]).ToSvg());
        Valid(new LineChart().Add([double.MaxValue, -double.MaxValue]).ToSvg());
        Valid(new ScatterChart().Add([-double.MaxValue, double.MaxValue], [double.MaxValue, -double.MaxValue]).ToSvg());
    }

    [Fact]
    public void ScatterChart_DrawsAnAlmostFlatCloud()
    {
        Valid(new ScatterChart().Add([1, 1 + 1e-15, 1 - 1e-15], [3e10, 3e10 * (1 + 2e-16), 3e10]).ToSvg());
    }

    [Fact]
    public void LogY_DrawsExtremeDecades()
    {
        Valid(new LineChart { LogY = true }.Add([double.Epsilon, double.MaxValue]).ToSvg());
        Valid(new LineChart { LogY = true }.Add([5e-324, 5e-324]).ToSvg());
        Valid(new LineChart { LogY = true }.Add([1e308, 1e308]).ToSvg());
    }

    [Fact]
    public void NonFiniteValues_AreSkipped()
    {
        Valid(new LineChart().Add([double.NaN, double.PositiveInfinity, double.NegativeInfinity]).ToSvg());
        Valid(new LineChart().Add([1, double.NaN, 3, double.PositiveInfinity, 5]).ToSvg());
        Valid(new ScatterChart().Add([double.NaN, 1], [2, double.NegativeInfinity]).ToSvg());
        Valid(new BarChart(["a", "b"]).Add([double.NaN, double.NaN]).ToSvg());
    }

    [Fact]
    public void BarChart_DrawsExtremeAndTinyValues()
    {
        Valid(new BarChart(["a", "b"]).Add([double.MaxValue, -double.MaxValue]).ToSvg());
        Valid(new BarChart(["a", "b"]).Add([1e-300, 1e-300 * (1 + 1e-15)]).ToSvg());
        Valid(new BarChart(["a", "b"]).Add([5e-324, 1e-323]).ToSvg());
    }

    /// <summary>Random series of every awkward kind; fixed seed, so a failure names a reproducible case.</summary>
    [Fact]
    public void RandomDegenerateSeries_AllRenderToValidSvg()
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 2000; trial++)
        {
            int kind = trial % 8;
            int n = kind == 0 ? 1 : rng.Next(1, 40);
            double centre = Magnitude(rng) * (rng.Next(2) == 0 ? -1 : 1);
            double spread = kind switch
            {
                1 => 0,
                2 => Math.Abs(centre) * Math.Pow(10, -8 - rng.NextDouble() * 9), // relative 1e-8 .. 1e-17
                3 => Magnitude(rng),
                _ => Math.Abs(centre) * rng.NextDouble(),
            };
            var y = new double[n];
            var x = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = centre + spread * (rng.NextDouble() - 0.5);
                x[i] = kind == 4 ? 1e300 * (rng.NextDouble() - 0.5) : kind == 5 ? 1 + i * 1e-16 : i;
                if (kind == 6 && rng.Next(4) == 0) y[i] = rng.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => double.NegativeInfinity };
                if (kind == 7 && i % 2 == 0) y[i] = -y[i];
            }
            string what = $"trial {trial}: x = [{string.Join(", ", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}], y = [{string.Join(", ", y.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]";
            try
            {
                Valid(new LineChart().Add(x, y).ToSvg());
                Valid(new ScatterChart().Add(x, y).ToSvg());
                var positive = y.Select(Math.Abs).ToArray();
                if (positive.All(v => v > 0 || !double.IsFinite(v))) Valid(new LineChart { LogY = true }.Add(x, positive).ToSvg());
                if (y.All(v => !double.IsInfinity(v))) Valid(new BarChart(y.Select((_, i) => i.ToString(CultureInfo.InvariantCulture)).ToArray()).Add(y).ToSvg());
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}");
            }
            catch (Xunit.Sdk.XunitException e)
            {
                Assert.Fail($"{what}: {e.Message}");
            }
        }
    }

    /// <summary>A magnitude from the subnormals to near double.MaxValue, with extra weight at the ends.</summary>
    private static double Magnitude(Random rng) => rng.Next(6) switch
    {
        0 => double.MaxValue * rng.NextDouble(),
        1 => double.Epsilon * rng.Next(1, 1000),
        2 => 0,
        _ => Math.Pow(10, rng.Next(-320, 308)) * (1 + rng.NextDouble()),
    };
}
