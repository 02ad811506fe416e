using System.Text.Json;
using Spectre.Console;
using SharpGrad;

namespace SharpGrad.Cli.Tests;

/// <summary><c>sharpgrad tinynet</c>: the hand-written TinyNet gradients agree with autograd and the outputs are written.</summary>
[Collection("cli")]
public sealed class TinyNetCommandTests
{
    private static JsonElement Metrics(CliResult r) => JsonDocument.Parse(File.ReadAllText(r.File("metrics.json"))).RootElement;

    [Fact]
    public void GradientsMatchAutogradAndTheStepLowersTheLoss()
    {
        var r = CliRunner.Run(["tinynet", "--batch", "3", "--lr", "0.05", "--weight-decay", "0.001", "--seed", "7"]);
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(r.File("metrics.json")));
        var m = Metrics(r);
        Assert.Equal(3, m.GetProperty("batch").GetInt32());
        Assert.Equal(0.001, m.GetProperty("weight_decay").GetDouble());
        foreach (string name in new[] { "W_conv1", "b_conv1", "W_conv2", "b_conv2", "W_fc", "b_fc" })
        {
            Assert.Contains("d" + name, r.Output);
            Assert.True(m.GetProperty("max_diff_d" + name).GetDouble() < 1e-5, name);
        }
        Assert.True(m.GetProperty("max_diff").GetDouble() < 1e-5);
        Assert.True(m.GetProperty("step_max_diff").GetDouble() < 1e-5);
        Assert.True(m.GetProperty("gradients_ok").GetBoolean());
        Assert.True(m.GetProperty("loss_after_step").GetDouble() < m.GetProperty("loss").GetDouble());
        Assert.Contains("(3, 12, 2, 2)", r.Output);
        Assert.Contains("train_one_iter", r.Output);
    }

    [Fact]
    public void SameSeedGivesTheSameLoss()
    {
        var a = Metrics(CliRunner.Run(["tinynet", "--batch", "2", "--seed", "3", "--quiet"]));
        var b = Metrics(CliRunner.Run(["tinynet", "--batch", "2", "--seed", "3", "--quiet"]));
        Assert.Equal(a.GetProperty("loss").GetDouble(), b.GetProperty("loss").GetDouble());
    }

    [Fact]
    public void FailedCheckExitsWithOneAndSaysWhich()
    {
        // A tolerance of 0 cannot be met (the differences are >= 0): the check must fail, not pass silently.
        string dir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        var previousConsole = AnsiConsole.Console;
        var previousError = Console.Error;
        try
        {
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(new StringWriter()) });
            Console.SetError(error);
            Tensor.ManualSeed(0);
            int code = Commands.TinyNetCommand.Execute(new Infrastructure.RunContext("tinynet", dir, 0, quiet: true), 2, 0.1, 0, tolerance: 0);
            Assert.Equal(1, code);
        }
        finally
        {
            AnsiConsole.Console = previousConsole;
            Console.SetError(previousError);
        }
        Assert.Contains("differs from autograd", error.ToString());
        Assert.False(Metrics(new CliResult(1, "", "", dir)).GetProperty("gradients_ok").GetBoolean());
    }

    [Theory]
    [InlineData("--batch", "0")]
    [InlineData("--lr", "-1")]
    [InlineData("--weight-decay", "-0.5")]
    public void BadOptionIsOneLineWithExitCode2(string option, string value)
    {
        var r = CliRunner.Run(["tinynet", option, value], withOut: false);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains(option, r.Error);
    }

    [Fact]
    public void HelpExplainsEveryOption()
    {
        var r = CliRunner.Run(["tinynet", "--help"], withOut: false);
        Assert.Equal(0, r.ExitCode);
        foreach (string option in new[] { "--batch", "--lr", "--weight-decay", "--seed", "--out", "--quiet" })
            Assert.Contains(option, r.Output);
    }
}
