using System.Diagnostics;

namespace SharpGrad.Tests.Distributed;

/// <summary>
/// Starts tests/SharpGrad.MpiWorker under <c>mpirun --allow-run-as-root --oversubscribe -np 2</c> on 127.0.0.1 (shared
/// memory between the ranks, the loopback interface for mpirun's own traffic). Each scenario checks its results on every
/// rank and prints "rank R: PASS scenario"; see the worker's sources for what each one checks. Needs Debian's
/// openmpi-bin (.ci/run installs it when missing).
/// </summary>
public class MpirunTests
{
    private const int Ranks = 2;

    [Fact]
    public void Collectives_GiveTheRightValuesForEveryOpAndDType() => ExpectPass("collectives");

    [Fact]
    public void DistributedSampler_SharesCoverEverySampleOncePerEpoch() => ExpectPass("sampler");

    [Fact]
    public void Ddp_TwoRanksOfBatch32_EqualOneProcessOfBatch64() => ExpectPass("ddp");

    [Fact]
    public void Ddp_GradientsAsBucketViews_ZeroedInPlace_EqualOneProcess() => ExpectPass("ddp-view");

    [Fact]
    public void Ddp_NoSyncAccumulatesLocallyAndTheNextBackwardAverages() => ExpectPass("nosync");

    [Fact]
    public void RankThatDies_MakesTheOthersExitWithAnErrorWithin60Seconds()
    {
        var (exitCode, output, elapsed) = Mpirun("die");
        Assert.True(exitCode != 0, $"mpirun exited with 0 although a rank died:\n{output}");
        Assert.Contains("rank 1: failing at step 3", output);
        Assert.DoesNotContain("PASS", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed.TotalSeconds:F0} s");
    }

    [Fact]
    public void RankThatHangs_MakesTheOthersAbortAfterTheTimeout()
    {
        var (exitCode, output, elapsed) = Mpirun("hang", "3");
        Assert.True(exitCode != 0, $"mpirun exited with 0 although a rank hung:\n{output}");
        Assert.Contains("rank 0: all_reduce did not complete within the process group's timeout (3 s)", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed.TotalSeconds:F0} s");
    }

    private static void ExpectPass(string scenario)
    {
        var (exitCode, output, _) = Mpirun(scenario);
        Assert.True(exitCode == 0, $"mpirun {scenario} exited with {exitCode}:\n{output}");
        for (int r = 0; r < Ranks; r++) Assert.Contains($"rank {r}: PASS {scenario}", output);
    }

    /// <summary>Runs the worker scenario on two ranks; kills mpirun (and fails) after 90 s.</summary>
    private static (int ExitCode, string Output, TimeSpan Elapsed) Mpirun(params string[] workerArgs)
    {
        string worker = Path.Combine(AppContext.BaseDirectory, "SharpGrad.MpiWorker.dll");
        Assert.True(File.Exists(worker), $"the worker program is missing: {worker}");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo("mpirun")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--allow-run-as-root", "--oversubscribe", "-np", Ranks.ToString(), "--bind-to", "none",
                     "--mca", "btl", "self,vader", "--mca", "oob_tcp_if_include", "lo", dotnet, worker,
                 })
            start.ArgumentList.Add(a);
        foreach (var a in workerArgs) start.ArgumentList.Add(a);
        start.Environment["TERM"] = "dumb";
        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("mpirun was not found: install Debian's openmpi-bin (apt-get install openmpi-bin)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"mpirun {string.Join(' ', workerArgs)} still running after 90 s");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
        }
    }
}
