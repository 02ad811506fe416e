using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>One-file training checkpoints: stopping after 2 epochs and resuming gives the bits of 4 epochs straight.</summary>
/// <remarks>Reseeds the default generator, so it runs apart from the other tests (a parallel test drawing from it
/// changed the resumed run's numbers).</remarks>
[Collection("DefaultGenerator")]
public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Run(Module Model, Adam Optimizer, StepLR Scheduler, DataLoader Loader, Generator LoaderGenerator);

    /// <summary>A small classifier with dropout (default generator) and batch norm (buffers), shuffled batches (own generator).</summary>
    private static Run NewRun(ulong loaderSeed)
    {
        var model = new Sequential(new Linear(6, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.3), new Linear(16, 3));
        var optimizer = new Adam(model.Parameters(), lr: 0.01);
        var scheduler = new StepLR(optimizer, stepSize: 1, gamma: 0.5);
        var data = new Generator(7);
        var x = Tensor.Randn([40, 6], data);
        var y = Tensor.Randint(0, 3, [40], data);
        var loaderGenerator = new Generator(loaderSeed);
        return new Run(model, optimizer, scheduler, new DataLoader(new TensorDataset(x, y), batchSize: 8, shuffle: true, generator: loaderGenerator), loaderGenerator);
    }

    private static void TrainEpoch(Run run)
    {
        run.Model.Train();
        foreach (var batch in run.Loader)
        {
            var loss = F.CrossEntropy(run.Model.Call(batch[0]), batch[1]);
            run.Optimizer.ZeroGrad();
            loss.Backward();
            run.Optimizer.Step();
        }
        run.Scheduler.Step();
    }

    private static Dictionary<string, uint[]> Bits(Run run)
    {
        var bits = run.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.DType == DType.Float32
            ? kv.Value.ToArray<float>().Select(BitConverter.SingleToUInt32Bits).ToArray()
            : kv.Value.ToArray<long>().Select(v => (uint)v).ToArray());
        foreach (var (key, t) in run.Optimizer.StateDict().ToTensors())
            bits["optimizer." + key] = t.DType == DType.Float32 ? t.ToArray<float>().Select(BitConverter.SingleToUInt32Bits).ToArray() : t.ToArray<double>().Select(v => (uint)v).ToArray();
        bits["lr"] = run.Scheduler.GetLastLr().Select(v => (uint)BitConverter.DoubleToInt64Bits(v)).ToArray();
        return bits;
    }

    [Fact]
    public void TwoEpochsSaveResumeTwo_EqualsFourStraight_BitForBit()
    {
        Tensor.ManualSeed(3);
        var straight = NewRun(loaderSeed: 11);
        for (int e = 0; e < 4; e++) TrainEpoch(straight);

        Tensor.ManualSeed(3);
        var first = NewRun(loaderSeed: 11);
        for (int e = 0; e < 2; e++) TrainEpoch(first);
        string path = Path.Combine(_dir, "train.safetensors");
        Checkpoint.Save(path, first.Model, first.Optimizer, first.Scheduler, epoch: 2,
            extra: new Dictionary<string, string> { ["best_acc"] = "0.5" },
            generators: new Dictionary<string, Generator> { ["loader"] = first.LoaderGenerator });

        // A new process: other seeds, fresh objects, then the checkpoint.
        Tensor.ManualSeed(99);
        var resumed = NewRun(loaderSeed: 12345);
        var info = Checkpoint.Load(path, resumed.Model, resumed.Optimizer, resumed.Scheduler,
            generators: new Dictionary<string, Generator> { ["loader"] = resumed.LoaderGenerator });
        Assert.Equal(2, info.Epoch);
        Assert.Equal("0.5", info.Extra["best_acc"]);
        for (int e = info.Epoch; e < 4; e++) TrainEpoch(resumed);

        var expected = Bits(straight);
        var actual = Bits(resumed);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var key in expected.Keys) Assert.True(expected[key].SequenceEqual(actual[key]), $"{key} differs after resuming");
        // And the check can fail: without the generators' states the run differs.
        Tensor.ManualSeed(99);
        var careless = NewRun(loaderSeed: 12345);
        careless.Model.LoadStateDict(first.Model.StateDict());
        for (int e = 2; e < 4; e++) TrainEpoch(careless);
        Assert.False(Bits(careless)["4.weight"].SequenceEqual(expected["4.weight"]));
    }

    [Fact]
    public void SchedulerSaveLoad_RestoresTheSchedule()
    {
        var model = new Linear(2, 1);
        var optimizer = new SGD(model.Parameters(), lr: 1.0);
        var scheduler = new StepLR(optimizer, stepSize: 2, gamma: 0.1);
        for (int i = 0; i < 3; i++) { optimizer.Step(); scheduler.Step(); }
        string path = Path.Combine(_dir, "scheduler.safetensors");
        scheduler.Save(path);
        var other = new StepLR(new SGD(model.Parameters(), lr: 1.0), stepSize: 5, gamma: 0.5);
        other.Load(path);
        Assert.Equal(scheduler.LastEpoch, other.LastEpoch);
        Assert.Equal(scheduler.GetLastLr(), other.GetLastLr());
        Assert.Equal(scheduler.StateDict().Values, other.StateDict().Values);

        var plateau = new ReduceLROnPlateau(new SGD(model.Parameters(), lr: 1.0));
        plateau.Save(path);
        var plateau2 = new ReduceLROnPlateau(new SGD(model.Parameters(), lr: 1.0), patience: 3);
        plateau2.Load(path);
        Assert.Equal(double.PositiveInfinity, plateau2.StateDict().Values["best"]);
    }

    [Fact]
    public void Load_SaysWhatIsWrong()
    {
        var model = new Linear(2, 1);
        string modelOnly = Path.Combine(_dir, "model.safetensors");
        model.Save(modelOnly);
        Check.Throws<FormatException>(() => Checkpoint.Load(modelOnly, model), "not a training checkpoint", "Module.Load");
        Check.Throws<FormatException>(() => new StepLR(new SGD(model.Parameters(), lr: 1), 1).Load(modelOnly), "StepLR.Load", "no 'scheduler' metadata");

        string noOptimizer = Path.Combine(_dir, "no-optimizer.safetensors");
        Checkpoint.Save(noOptimizer, model, epoch: 1);
        Check.Throws<FormatException>(() => Checkpoint.Load(noOptimizer, model, new SGD(model.Parameters(), lr: 1)), "holds no optimizer state");
        Check.Throws<ArgumentException>(() => Checkpoint.Load(noOptimizer, new Linear(3, 1)), "size mismatch for weight");
        Assert.Equal(1, Checkpoint.Load(noOptimizer, model).Epoch);
    }
}
