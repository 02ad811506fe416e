using System.Diagnostics;
using System.Text.Json;

namespace SharpGrad.Cli.Tests;

/// <summary><c>mpirun -np 2 sharpgrad mnist</c>: data-parallel training, rank 0's outputs only (needs Debian's openmpi-bin).</summary>
[Collection("cli")]
public sealed class MnistDistributedTests
{
    [Fact]
    public async Task UnderMpirun_TrainsDataParallel_AndOnlyRank0WritesTheRun()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        string cli = Path.Combine(AppContext.BaseDirectory, "SharpGrad.Cli.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "--allow-run-as-root", "--oversubscribe", "-np", "2", "--bind-to", "none", "--mca", "btl", "self,vader",
                     "--mca", "oob_tcp_if_include", "lo", dotnet, cli, "mnist", "--epochs", "2", "--limit-train", "640",
                     "--limit-test", "200", "--batch-size", "32", "--log-interval", "5", "--out", outDir,
                 })
            start.ArgumentList.Add(a);
        start.Environment["TERM"] = "dumb";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "mpirun did not finish in 120 s");
        Assert.True(process.ExitCode == 0, output + await stderr);

        // One log (rank 0's): "Train Epoch" lines count the samples of both ranks (10 steps of 2 x 32 per epoch).
        Assert.Contains("data-parallel on 2 processes (batch 32 each)", output);
        Assert.Single(output.Split('\n'), l => l.StartsWith("Train Epoch: 1 [0/640", StringComparison.Ordinal));
        Assert.Contains("Train Epoch: 1 [320/640 (50%)]", output);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("Test set:", StringComparison.Ordinal)));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var m = metrics.RootElement;
        Assert.Equal(2, m.GetProperty("world_size").GetInt32());
        Assert.Equal(64, m.GetProperty("global_batch_size").GetInt32());
        Assert.Equal(20, m.GetProperty("steps").GetInt32());
        Assert.True(m.GetProperty("test_accuracy").GetDouble() > 0.5, output);
        Assert.True(File.Exists(Path.Combine(outDir, "model.safetensors")));
        Assert.Matches(@"world_size\s*│\s*2", output);
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public void DistributedOutsideMpirun_IsAUsageErrorNamingMpirun()
    {
        var r = CliRunner.Run(["mnist", "--distributed", "--epochs", "1", "--limit-train", "64"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--distributed", r.Error);
        Assert.Contains("mpirun", r.Error);
        Assert.False(Directory.Exists(r.OutDir));
    }
}
