using System.Text.Json;
using SharpGrad.Data;
using SharpGrad.Distributed;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Vision;
using SharpGrad.Vision.Transforms;

namespace SharpGrad.Bench;

/// <summary>
/// One run of the <c>ddp</c> workload (started by <see cref="DdpWorkload"/>): trains <c>deep</c> with one compute thread
/// for <see cref="WarmupSteps"/> untimed and <see cref="TimedSteps"/> timed steps of batch 64 per process, and prints one
/// JSON line from rank 0. Modes: <c>single</c> (no MPI), <c>ddp</c> (DistributedDataParallel), <c>plain</c> (every
/// gradient concatenated and averaged with one all-reduce after backward, nothing overlapped).
/// </summary>
internal static class DdpWorker
{
    public const string Command = "ddp-worker";
    private const int WarmupSteps = 10, TimedSteps = 100, Batch = 64;

    public static int Run(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "";
        string dataDir = FashionMNIST.DebianRoot;
        for (int i = 1; i + 1 < args.Length; i++)
            if (args[i] == "--data") dataDir = args[++i];
        if (mode is not ("single" or "ddp" or "plain" or "allreduce"))
        {
            Console.Error.WriteLine($"{Command}: mode must be single, ddp or plain, got '{mode}'");
            return 2;
        }
        Kernels.Threading.NumThreads = 1;
        if (mode == "allreduce") return AllReduceTimes();
        bool distributed = mode != "single";
        if (distributed) Dist.InitProcessGroup("mpi");
        int rank = distributed ? Dist.GetRank() : 0, world = distributed ? Dist.GetWorldSize() : 1;

        Tensor.ManualSeed(1);
        var net = Deep();
        var ddp = mode == "ddp" ? new DistributedDataParallel(net, gradientAsBucketView: true) : null;
        if (mode == "plain") foreach (var p in net.Parameters()) Dist.Broadcast(p, 0);
        Module model = ddp is null ? net : ddp;
        var parameters = net.Parameters().ToArray();
        var optimizer = new Adam(parameters, lr: 0.01, weightDecay: 0.002);
        var lossFn = new NLLLoss();
        var train = new FashionMNIST(dataDir, train: true, transform: new ToTensor());
        var sampler = new DistributedSampler(train, world, rank, seed: 1);
        var batches = new DataLoader(train, Batch, sampler: sampler).GetEnumerator();

        void Step()
        {
            if (!batches.MoveNext()) throw new InvalidOperationException($"{Command}: ran out of batches");
            var (x, y) = batches.Current;
            var loss = lossFn.Forward(model.Forward(x), y);
            optimizer.ZeroGrad(setToNone: false);
            loss.Backward();
            if (mode == "plain") AverageAfterBackward(parameters);
            optimizer.Step();
        }

        for (int s = 0; s < WarmupSteps; s++) Step();
        if (distributed) Dist.Barrier();
        var meter = Meter.Start();
        for (int s = 0; s < TimedSteps; s++) Step();
        if (distributed) Dist.Barrier();
        var cost = meter.Stop();

        if (rank == 0)
        {
            long gradientBytes = parameters.Sum(p => (long)p.Numel() * sizeof(float));
            var line = new Dictionary<string, object?>
            {
                ["mode"] = mode,
                ["world_size"] = world,
                ["steps"] = TimedSteps,
                ["seconds"] = Math.Round(cost.Seconds, 4),
                ["ms_per_step"] = Math.Round(1000 * cost.Seconds / TimedSteps, 3),
                ["images_per_second"] = Math.Round(TimedSteps * Batch * world / cost.Seconds, 1),
                ["cpu_seconds_rank0"] = Math.Round(cost.CpuSeconds, 3),
                ["gradient_mb"] = Math.Round(gradientBytes / 1048576.0, 2),
                ["buckets_mb"] = ddp?.BucketBytes.Select(b => Math.Round(b / 1048576.0, 2)).ToArray(),
            };
            Console.WriteLine(JsonSerializer.Serialize(line));
        }
        if (distributed) Dist.DestroyProcessGroup();
        return 0;
    }

    /// <summary>
    /// Milliseconds per in-place sum of float32 buffers of the sizes a step of the course's models all-reduces, between
    /// the processes (best of 20 after 3 warm-up), and the bus bandwidth that makes (2 (n - 1) / n x bytes / time).
    /// </summary>
    private static int AllReduceTimes()
    {
        Dist.InitProcessGroup("mpi");
        int world = Dist.GetWorldSize();
        var results = new List<Dictionary<string, object?>>();
        foreach (var (name, floats) in new (string, int)[] { ("cnn", 115_306), ("mlp3", 199_210), ("mlp", 203_530), ("deep", 3_010_010) })
        {
            var buffer = Tensor.Ones(floats);
            double best = double.MaxValue;
            for (int i = 0; i < 23; i++)
            {
                Dist.Barrier();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Dist.AllReduce(buffer);
                double ms = clock.Elapsed.TotalMilliseconds;
                if (i >= 3) best = Math.Min(best, ms);
            }
            double bytes = floats * 4.0;
            results.Add(new()
            {
                ["gradient"] = name, ["mb"] = Math.Round(bytes / 1048576, 2), ["ms"] = Math.Round(best, 3),
                ["bus_gb_per_s"] = Math.Round(2.0 * (world - 1) / world * bytes / (best / 1000) / 1e9, 2),
            });
        }
        if (Dist.GetRank() == 0) Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["mode"] = "allreduce", ["world_size"] = world, ["sizes"] = results }));
        Dist.DestroyProcessGroup();
        return 0;
    }

    /// <summary>What data-parallel training without buckets does: one all-reduce of every gradient once backward is over.</summary>
    private static void AverageAfterBackward(Parameter[] parameters)
    {
        var flat = Tensor.Cat([.. parameters.Select(p => p.Grad!.Reshape(-1))], 0);
        Dist.AllReduce(flat, ReduceOp.Avg);
        int offset = 0;
        using (Tensor.NoGrad())
            foreach (var p in parameters)
            {
                int n = p.Numel();
                p.Grad!.Copy_(flat[offset..(offset + n)].View(p.Shape));
                offset += n;
            }
    }

    /// <summary>The <c>deep</c> workload's network: 784-700x6-10 ReLU with LogSoftmax.</summary>
    private static Sequential Deep()
    {
        var layers = new List<Module> { new Flatten(), new Linear(784, 700), new ReLU() };
        for (int i = 0; i < 5; i++)
        {
            layers.Add(new Linear(700, 700));
            layers.Add(new ReLU());
        }
        layers.Add(new Linear(700, 10));
        layers.Add(new LogSoftmax(1));
        return new Sequential([.. layers]);
    }
}
