using System.Diagnostics;
using System.Text.Json;

namespace SharpGrad.Cli.Tests;

/// <summary>Careless command lines get usage errors naming the option; a failing plot costs no other output.</summary>
[Collection("cli")]
public sealed class HardeningTests
{
    [Fact]
    public void EmptyOut_IsAUsageErrorNamingOut()
    {
        var r = CliRunner.Run(["losses", "--out", ""], withOut: false);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("sharpgrad: --out:", r.Error);
        Assert.Contains("empty", r.Error);
    }

    [Fact]
    public void DataThatIsAFile_SaysItIsAFile()
    {
        string file = Path.GetTempFileName();
        try
        {
            var r = CliRunner.Run(["mnist", "--dataset", "mnist", "--data", file]);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("sharpgrad: --data:", r.Error);
            Assert.Contains("is a file", r.Error);
            Assert.DoesNotContain("does not exist", r.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AFailingPlot_CostsNoOtherOutput()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        // A folder where loss.svg should go: writing that plot fails, as a full disk or a permission problem would.
        Directory.CreateDirectory(Path.Combine(outDir, "loss.svg"));
        var r = CliRunner.Run(["mnist", "--epochs", "1", "--limit-train", "64", "--limit-test", "50", "--quiet", "--out", outDir], withOut: false);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("loss.svg", r.Error);
        foreach (var name in new[] { "metrics.json", "history.csv", "history.json", "model.safetensors", "accuracy.svg", "steps.svg", "predictions.png", "confusion.csv" })
            Assert.True(File.Exists(Path.Combine(outDir, name)), $"{name} is missing: {r.Error}");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal(1, metrics.RootElement.GetProperty("epochs_run").GetInt32());
    }
}
