using System.Text.Json;
using System.Text.RegularExpressions;
using SharpGrad.Cli.Commands.Sine;
using SharpGrad.Training;

namespace SharpGrad.Cli.Tests;

/// <summary><c>sharpgrad sine</c>: the three ways of course 003, their printouts and outputs.</summary>
[Collection("cli")]
public sealed class SineCommandTests
{
    private static readonly Regex PolynomialLine =
        new(@"^y_pred = (-?[\d.e+-]+) \+ (-?[\d.e+-]+)\*x \+ (-?[\d.e+-]+)\*x\^2 \+ (-?[\d.e+-]+)\*x\^3$", RegexOptions.Multiline);

    [Fact]
    public void Sine_RunsTheThreeWays_PrintsAsTheCourse_AndPlotsThem()
    {
        var r = CliRunner.Run(["sine", "--steps", "400", "--log-every", "100", "--rmsprop-lr", "0.01"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        // Program 1 prints plain floats, programs 2 and 3 print the loss tensor with its grad_fn.
        Assert.Matches(@"(?m)^\d+\.\d+$", r.Output);
        Assert.Equal(4, Regex.Matches(r.Output, @"tensor\([\d.]+, grad_fn=<SumBackward0>\)").Count);
        Assert.Equal(4, Regex.Matches(r.Output, @"tensor\([\d.]+, grad_fn=<MseLossBackward0>\)").Count);
        var polynomials = PolynomialLine.Matches(r.Output);
        Assert.True(polynomials.Count >= 3, r.Output);

        var history = History.LoadCsv(r.File("history.csv"));
        Assert.Equal(400, history.Count);
        foreach (var way in new[] { "manual", "autograd", "module" })
        {
            var losses = history[$"{way}_loss"];
            Assert.True(losses[^1] < losses[0] / 10, $"{way}: {losses[0]} -> {losses[^1]}");
        }
        var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json"))).RootElement;
        // 400 steps of the sum-of-squares descent already bring the cubic within 0.5 of sin on [-pi, pi].
        Assert.True(metrics.GetProperty("manual_max_error").GetDouble() < 0.5);
        Assert.True(metrics.GetProperty("autograd_max_error").GetDouble() < 0.5);
        Assert.StartsWith("y_pred = ", metrics.GetProperty("module_polynomial").GetString());
        string chart = File.ReadAllText(r.File("sine.svg"));
        foreach (var label in new[] { "sin(x)", "hand-derived gradients", "autograd", "Linear(3,1) + RMSprop" })
            Assert.Contains($"data-label=\"{label}\"", chart);
        Assert.True(File.Exists(r.File("loss.svg")));
        Assert.True(File.Exists(r.File("model.safetensors")));
        var tensors = SharpGrad.IO.SafeTensors.Load(r.File("model.safetensors"));
        Assert.Equal(new[] { "model.0.bias", "model.0.weight" }, tensors.Keys.Order());
    }

    [Fact]
    public void Sine_ManualKeepsWorking_AndRunsOnlyTheHandDerivedWay()
    {
        var r = CliRunner.Run(["sine", "--manual", "--steps", "40", "--lr", "1e-6", "--seed", "4"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Single(PolynomialLine.Matches(r.Output));
        Assert.DoesNotContain("grad_fn", r.Output);
        var history = History.LoadCsv(r.File("history.csv"));
        Assert.Equal(new[] { "manual_loss" }, history.Names);
        Assert.False(File.Exists(r.File("model.safetensors")));
    }

    [Fact]
    public void Sine_ManualWithAnotherWayIsAUsageError()
    {
        var r = CliRunner.Run(["sine", "--manual", "--way", "module"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--manual", r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Fact]
    public void Sine_SameSeedSameCoefficients()
    {
        var a = CliRunner.Run(["sine", "--way", "autograd", "--steps", "20", "--seed", "9", "--quiet"]);
        var b = CliRunner.Run(["sine", "--way", "autograd", "--steps", "20", "--seed", "9", "--quiet"]);
        Assert.Equal(File.ReadAllText(a.File("history.csv")), File.ReadAllText(b.File("history.csv")));
    }

    [Theory]
    [InlineData(1e-06, "1e-06")]
    [InlineData(-1.5e-05, "-1.5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123.0, "123.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e16, "1e+16")]
    [InlineData(69338.61811190934, "69338.61811190934")]
    public void Py_FormatsFloatsAsPythonPrintsThem(double value, string expected)
        => Assert.Equal(expected, SineCommand.Py(value));

    [Fact]
    public void Polynomial_HasTheCourseLayout()
        => Assert.Equal("y_pred = 0.5 + -1.0*x + 0.25*x^2 + 2e-05*x^3",
            SineCommand.Polynomial(new SineFit(SineWay.Manual, 0.5, -1, 0.25, 2e-5, [1.0])));
}
