using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SharpGrad.Cli.Tests;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM during training, sent to a real child process: the first finishes the current step, writes
/// what exists with "interrupted": true and exits 130; a second exits at once.
/// </summary>
public sealed partial class InterruptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static readonly string[] Mnist = ["mnist", "--epochs", "1000", "--limit-train", "512", "--limit-test", "64", "--log-interval", "1"];

    /// <summary>Starts <c>dotnet SharpGrad.Cli.dll mnist ...</c> for many epochs and returns once it has finished an epoch.</summary>
    private static (Process Process, List<string> Output, string OutDir) StartTraining() => StartTraining(Mnist, "Test set:");

    /// <summary>Starts <c>dotnet SharpGrad.Cli.dll ARGS</c> and returns once it has printed a line starting with <paramref name="ready"/>.</summary>
    private static (Process Process, List<string> Output, string OutDir) StartTraining(string[] args, string ready)
    {
        string outDir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        string dll = Path.Combine(AppContext.BaseDirectory, "SharpGrad.Cli.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[dll, .. args, "--out", outDir]) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        var output = new List<string>();
        var trained = new TaskCompletionSource();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            if (e.Data.StartsWith(ready, StringComparison.Ordinal)) trained.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.Add("stderr: " + e.Data);
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        // Wait for a finished epoch, so that the run has history to write.
        if (!trained.Task.Wait(Limit))
        {
            p.Kill();
            Assert.Fail("the child never finished an epoch: " + string.Join("\n", output));
        }
        return (p, output, outDir);
    }

    /// <summary>Sends SIGINT or SIGTERM through libc's kill(2) (no procps needed on a minimal machine).</summary>
    private static void Signal(Process p, string name) => Assert.Equal(0, Kill(p.Id, name == "INT" ? 2 : 15));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private static int WaitForExit(Process p, List<string> output)
    {
        if (!p.WaitForExit(Limit))
        {
            p.Kill();
            Assert.Fail("the child did not exit after the signal: " + string.Join("\n", output));
        }
        p.WaitForExit();
        return p.ExitCode;
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void FirstSignal_FinishesTheStepWritesWhatExistsAndExits130(string signal)
    {
        if (OperatingSystem.IsWindows()) return; // POSIX signals
        var (p, output, outDir) = StartTraining();
        Signal(p, signal);
        int code = WaitForExit(p, output);
        string log = string.Join("\n", output);
        Assert.True(code == 130, $"exit code {code}\n{log}");
        Assert.Contains("interrupted", log);
        Assert.Contains(outDir, log);
        foreach (var name in new[] { "metrics.json", "history.csv", "history.json", "loss.svg", "model.safetensors", "confusion.csv" })
            Assert.True(File.Exists(Path.Combine(outDir, name)), $"{name} is missing\n{log}");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.True(metrics.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.True(metrics.RootElement.GetProperty("epochs_run").GetInt32() >= 1);
        Assert.True(metrics.RootElement.GetProperty("epochs_run").GetInt32() < 1000);
        Assert.True(File.ReadAllLines(Path.Combine(outDir, "history.csv")).Length >= 2);
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public void HandWrittenLoops_StopAtTheEpochEndAndWriteWhatExists()
    {
        if (OperatingSystem.IsWindows()) return;
        var (p, output, outDir) = StartTraining(["regression", "--epochs", "100000", "--samples", "200"], "epoch 2,");
        Signal(p, "TERM");
        int code = WaitForExit(p, output);
        string log = string.Join("\n", output);
        Assert.True(code == 130, $"exit code {code}\n{log}");
        foreach (var name in new[] { "metrics.json", "history.csv", "loss.svg", "model.safetensors" })
            Assert.True(File.Exists(Path.Combine(outDir, name)), $"{name} is missing\n{log}");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.True(metrics.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.InRange(metrics.RootElement.GetProperty("epochs").GetInt32(), 2, 99_999);
        Directory.Delete(outDir, recursive: true);
    }

    private static bool Acknowledged(List<string> output)
    {
        lock (output) return output.Any(l => l.Contains("press Ctrl-C again to exit at once", StringComparison.Ordinal));
    }

    [Fact]
    public void SecondSignal_ExitsAtOnce()
    {
        if (OperatingSystem.IsWindows()) return;
        var (p, output, _) = StartTraining();
        Signal(p, "INT");
        // The first signal is acknowledged at once; the second one, while outputs are being written, ends the process.
        var clock = Stopwatch.StartNew();
        while (!Acknowledged(output) && !p.HasExited && clock.Elapsed < Limit) Thread.Sleep(5);
        Assert.True(Acknowledged(output), "the first signal was not acknowledged:\n" + string.Join("\n", output));
        Signal(p, "INT");
        int code = WaitForExit(p, output);
        Assert.True(code == 130, $"exit code {code}\n{string.Join("\n", output)}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}
