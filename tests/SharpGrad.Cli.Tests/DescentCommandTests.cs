using System.Globalization;
using System.Text.Json;

namespace SharpGrad.Cli.Tests;

/// <summary><c>sharpgrad descent</c>: steepest descent with exact line search reproduces the course's iterates.</summary>
[Collection("cli")]
public sealed class DescentCommandTests
{
    private static JsonElement Metrics(CliResult r) => JsonDocument.Parse(File.ReadAllText(r.File("metrics.json"))).RootElement;

    [Fact]
    public void IteratesAreTheCourses()
    {
        var r = CliRunner.Run(["descent"]);
        Assert.Equal(0, r.ExitCode);
        // What the course's sympy program prints for main([1, 1], 0.1): exact points, then k = 3.
        double[,] course = { { 1, 1 }, { -1.0 / 9, 4.0 / 9 }, { 2.0 / 27, 2.0 / 27 }, { -2.0 / 243, 8.0 / 243 } };
        double[] gradLength = [Math.Sqrt(20), 0.9938079899999065, 0.33126932999996883, 0.07361540666665974];
        var rows = File.ReadAllLines(r.File("history.csv"));
        Assert.Equal("epoch,x1,x2,f,grad_norm,step", rows[0]);
        Assert.Equal(5, rows.Length);
        for (int k = 0; k < 4; k++)
        {
            var cells = rows[k + 1].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(k, cells[0]);
            Assert.Equal(course[k, 0], cells[1], 1e-14);
            Assert.Equal(course[k, 1], cells[2], 1e-14);
            Assert.Equal(gradLength[k], cells[4], 1e-14);
        }
        Assert.Contains("(-1/9, 4/9)", r.Output);
        Assert.Contains("(2/27, 2/27)", r.Output);
        Assert.Contains("(-2/243, 8/243)", r.Output);
        Assert.Contains("(5/18)", r.Output);
        Assert.Contains("(5/12)", r.Output);
        var m = Metrics(r);
        Assert.Equal(3, m.GetProperty("iterations").GetInt32());
        Assert.True(m.GetProperty("converged").GetBoolean());
        string svg = File.ReadAllText(r.File("descent.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("data-label=\"path\"", svg);
        Assert.Contains("data-label=\"contours of f\"", svg);
        Assert.True(File.Exists(r.File("descent-zoom.svg")));
    }

    [Fact]
    public void StartOnAnAxisConvergesInOneStep()
    {
        // Along an eigenvector of the Hessian the exact line search lands on the minimum at once.
        var r = CliRunner.Run(["descent", "--x1", "0", "--x2", "-3", "--quiet"]);
        Assert.Equal(0, r.ExitCode);
        var m = Metrics(r);
        Assert.Equal(1, m.GetProperty("iterations").GetInt32());
        Assert.Equal(0, m.GetProperty("x2").GetDouble(), 1e-15);
    }

    [Fact]
    public void TighterToleranceTakesMoreStepsAndReachesIt()
    {
        var r = CliRunner.Run(["descent", "--x1", "-2", "--x2", "0.5", "--tolerance", "1e-8", "--quiet"]);
        Assert.Equal(0, r.ExitCode);
        var m = Metrics(r);
        Assert.True(m.GetProperty("converged").GetBoolean());
        Assert.True(m.GetProperty("grad_norm").GetDouble() <= 1e-8);
        Assert.True(m.GetProperty("iterations").GetInt32() > 3);
    }

    [Fact]
    public void MaxIterationsStopsEarlyWithoutConverging()
    {
        var r = CliRunner.Run(["descent", "--tolerance", "1e-12", "--max-iterations", "2", "--quiet"]);
        Assert.Equal(0, r.ExitCode);
        var m = Metrics(r);
        Assert.Equal(2, m.GetProperty("iterations").GetInt32());
        Assert.False(m.GetProperty("converged").GetBoolean());
    }

    [Theory]
    [InlineData("--tolerance", "0")]
    [InlineData("--x1", "abc")]
    [InlineData("--max-iterations", "0")]
    public void BadOptionIsOneLineWithExitCode2(string option, string value)
    {
        var r = CliRunner.Run(["descent", option, value], withOut: false);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains(option, r.Error);
    }
}
