using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SharpGrad.Bench;

/// <summary>
/// <c>ddp</c>: data-parallel scaling of the <c>deep</c> network (784-700x6-10, Adam, batch 64 per process, Fashion-MNIST)
/// on one machine. Each round starts, one after the other, three fresh runs of <see cref="DdpWorker"/> with one compute
/// thread per process: one plain process without MPI (<c>single</c>), two processes under <c>mpirun -np 2</c> with
/// DistributedDataParallel (<c>ddp</c>: bucketed all-reduce overlapping backward), and two processes that all-reduce
/// every gradient at once after backward (<c>plain</c>), then two plain processes at once that do not communicate
/// (<c>pair</c>: the most two processes can get from the machine at that moment). The kinds alternate, so a change in
/// the machine's load hits them alike; the line reports every round and the best of each kind, and the ratios of the bests. Then one run
/// times a bare all-reduce of each course model's gradient between two processes.
/// </summary>
internal static class DdpWorkload
{
    private const int Rounds = 3;

    public static IEnumerable<Dictionary<string, object?>> Run(BenchContext context)
    {
        var runs = new Dictionary<string, List<JsonElement>> { ["single"] = [], ["ddp"] = [], ["plain"] = [] };
        var pairs = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var mode in runs.Keys)
                runs[mode].Add(Launch(mode, context.FashionMnistDir));
            pairs.Add(IndependentPair(context.FashionMnistDir));
        }

        double Best(string mode) => runs[mode].Max(r => r.GetProperty("images_per_second").GetDouble());
        var result = new Dictionary<string, object?>
        {
            ["seconds"] = null,
            ["per"] = "run",
            ["model"] = "deep 784-700x6-10, Adam, batch 64 per process, 1 compute thread per process",
            ["gradient_mb_per_step"] = runs["ddp"][0].GetProperty("gradient_mb").GetDouble(),
            ["buckets_mb"] = runs["ddp"][0].GetProperty("buckets_mb").Clone(),
        };
        foreach (var (mode, list) in runs)
        {
            result[$"{mode}_images_per_second"] = Math.Round(Best(mode), 1);
            result[$"{mode}_rounds"] = list.Select(r => r.GetProperty("images_per_second").GetDouble()).ToArray();
            result[$"{mode}_ms_per_step"] = Math.Round(list.Min(r => r.GetProperty("ms_per_step").GetDouble()), 2);
            result[$"{mode}_cpu_ms_per_step"] = Math.Round(CpuMsPerStep(list), 2);
        }
        // On a machine shared with other jobs the wall-clock numbers mostly measure the other jobs; CPU time per step
        // (rank 0, all its threads) is steadier. With every process on its own core, throughput would be world size x
        // the single process's CPU time per step / one process's CPU time per step in the data-parallel run.
        result["cpu_estimate_speedup_ddp"] = Math.Round(2 * CpuMsPerStep(runs["single"]) / CpuMsPerStep(runs["ddp"]), 3);
        result["cpu_estimate_speedup_plain"] = Math.Round(2 * CpuMsPerStep(runs["single"]) / CpuMsPerStep(runs["plain"]), 3);
        // Two single processes at once, not talking to each other: what two processes can get out of this machine at
        // the moment (2x single on two free cores; about 1x when other jobs take a core). No 2-process run can beat it.
        result["pair_images_per_second"] = Math.Round(pairs.Max(), 1);
        result["pair_rounds"] = pairs.ToArray();
        result["speedup_pair_vs_1x1"] = Math.Round(pairs.Max() / Best("single"), 3);
        result["ddp_vs_pair"] = Math.Round(Best("ddp") / pairs.Max(), 3);
        result["speedup_ddp_2x1_vs_1x1"] = Math.Round(Best("ddp") / Best("single"), 3);
        result["speedup_plain_2x1_vs_1x1"] = Math.Round(Best("plain") / Best("single"), 3);
        result["ddp_vs_plain"] = Math.Round(Best("ddp") / Best("plain"), 3);
        // One all-reduce of each course model's gradient between the two processes, alone (best of 20).
        result["allreduce"] = Launch("allreduce", context.FashionMnistDir).GetProperty("sizes").Clone();
        yield return result;
    }

    private static double CpuMsPerStep(List<JsonElement> runs)
        => runs.Min(r => 1000 * r.GetProperty("cpu_seconds_rank0").GetDouble() / r.GetProperty("steps").GetInt32());

    /// <summary>Starts two single-process workers at the same time; returns their summed images per second.</summary>
    private static double IndependentPair(string dataDir)
    {
        var both = new[] { Task.Run(() => Launch("single", dataDir, "pair")), Task.Run(() => Launch("single", dataDir, "pair")) };
        return both.Sum(t => t.GetAwaiter().GetResult().GetProperty("images_per_second").GetDouble());
    }

    /// <summary>Runs one worker (under mpirun for the two-process kinds) and returns rank 0's JSON line.</summary>
    private static JsonElement Launch(string mode, string dataDir, string? label = null)
    {
        string dll = typeof(DdpWorkload).Assembly.Location;
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var worker = new[] { host, dll, DdpWorker.Command, mode, "--data", dataDir };
        if (mode == "single") start.FileName = host;
        else
        {
            start.FileName = "mpirun";
            foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", "2", "--bind-to", "none", "--mca", "btl", "self,vader" })
                start.ArgumentList.Add(a);
            start.ArgumentList.Add(host);
        }
        foreach (var a in worker[1..]) start.ArgumentList.Add(a);
        start.Environment["TERM"] = "dumb";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"ddp: could not start {start.FileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"ddp: the {mode} run failed (exit code {process.ExitCode}):\n{stdout}{stderr.Result}");
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ddp{(label is null ? "" : " " + label)}: {line}"));
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
