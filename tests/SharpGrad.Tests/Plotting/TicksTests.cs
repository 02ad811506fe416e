using SharpGrad.Plotting;

namespace SharpGrad.Tests;

public sealed class TicksTests
{
    private static string[] Labels(Axis a) => a.Labels.Select(l => l.Text).ToArray();

    [Fact]
    public void Linear_ChoosesOneTwoFiveSteps()
    {
        Assert.Equal([0.0, 2, 4, 6, 8, 10], Ticks.Linear(0, 10, 5).Ticks);
        Assert.Equal([0.0, 5, 10], Ticks.Linear(0, 10, 2).Ticks);
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Ticks.Linear(0, 10, 12).Ticks);
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], Labels(Ticks.Linear(0, 1, 5)));
        Assert.Equal(["0", "50", "100", "150", "200", "250", "300"], Labels(Ticks.Linear(3, 297, 7)));
    }

    [Fact]
    public void Linear_LimitsIncludeFivePercentMargins()
    {
        var axis = Ticks.Linear(0, 10, 5);
        Assert.Equal(-0.5, axis.Lo, 12);
        Assert.Equal(10.5, axis.Hi, 12);
        var sticky = Ticks.Linear(0, 10, 5, marginLo: 0);
        Assert.Equal(0, sticky.Lo);
    }

    [Fact]
    public void Linear_FormatsLargeAndSmallNumbersInScientificNotation()
    {
        Assert.Equal(["0", "2e6", "4e6", "6e6", "8e6", "1e7"], Labels(Ticks.Linear(0, 1e7, 5)));
        Assert.Equal(["0", "5e\u22125", "1e\u22124"], Labels(Ticks.Linear(0, 1e-4, 2)));
    }

    [Fact]
    public void Linear_WidensAConstantRange()
    {
        var axis = Ticks.Linear(0, 0, 5);
        Assert.True(axis.Lo < 0 && axis.Hi > 0);
        Assert.Contains(0.0, axis.Ticks);
    }

    [Fact]
    public void Linear_ShortAxisStillGetsTwoIntervalsWithMatchingLabels()
    {
        var axis = Ticks.Linear(1, 3, 1);
        Assert.Equal([1.0, 2, 3], axis.Ticks);
        Assert.Equal(["1", "2", "3"], Labels(axis));
    }

    [Fact]
    public void Linear_FitsCallbackForcesLargerSteps()
    {
        var axis = Ticks.Linear(0, 10, 20, a => a.Ticks.Length <= 3);
        Assert.Equal([0.0, 5, 10], axis.Ticks);
    }

    [Fact]
    public void Log_PutsTicksAtEveryDecadeWithMinorTicks()
    {
        var axis = Ticks.Log(0.002, 30, 8);
        Assert.Equal([1e-3, 1e-2, 1e-1, 1, 10, 100], axis.Ticks);
        Assert.Equal(["\u22123", "\u22122", "\u22121", "0", "1", "2"], axis.Labels.Select(l => l.Superscript));
        Assert.Equal(5 * 8, axis.Minor.Length);
        Assert.Equal(0, axis.Fraction(1e-3), 12);
        Assert.Equal(1, axis.Fraction(100), 12);
    }

    [Fact]
    public void Log_SkipsDecadesWhenThereAreTooMany()
    {
        var axis = Ticks.Log(1e-12, 1e12, 6);
        Assert.Equal(7, axis.Ticks.Length); // every 4th decade: 1e-12, 1e-8, ..., 1e12
        Assert.Equal(1e-12, axis.Ticks[0]);
        Assert.Empty(axis.Minor);
    }
}
