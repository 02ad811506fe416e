namespace SharpGrad.Cli.Tests;

/// <summary>The tool as a whole: help, version, and the one-line errors with exit code 2.</summary>
[Collection("cli")]
public sealed class ProgramTests
{
    [Fact]
    public void HelpListsEveryCommand()
    {
        var r = CliRunner.Run(["--help"], withOut: false);
        Assert.Equal(0, r.ExitCode);
        foreach (string command in new[] { "sine", "losses", "activations", "neuron", "metrics", "split", "regression", "classify", "fit", "mnist", "tinynet", "descent" })
            Assert.Contains(command, r.Output);
    }

    [Fact]
    public void UnknownCommandIsOneLineWithExitCode2()
    {
        var r = CliRunner.Run(["no-such-command"], withOut: false);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith("sharpgrad:", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void BadNumberIsOneLineWithExitCode2()
    {
        var r = CliRunner.Run(["sine", "--steps", "-3"], withOut: false);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--steps", r.Error);
        Assert.Contains("-3", r.Error);
    }

    [Fact]
    public void OutThatIsAFileIsOneLineWithExitCode2()
    {
        string file = Path.GetTempFileName();
        try
        {
            var r = CliRunner.Run(["losses", "--out", file], withOut: false);
            Assert.Equal(2, r.ExitCode);
            Assert.Single(r.Error.Trim().Split('\n'));
            Assert.StartsWith("sharpgrad: --out:", r.Error);
            Assert.Contains(file, r.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

}
