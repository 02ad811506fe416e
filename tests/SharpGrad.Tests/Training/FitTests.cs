using SharpGrad;
using SharpGrad.Data;
using SharpGrad.IO;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public sealed class FitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-fit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two Gaussian blobs around (−2, −2) and (2, 2), classes 0 and 1, shuffled by a seeded generator.</summary>
    private static TensorDataset Blobs(int n, ulong seed)
    {
        var g = new Generator(seed);
        var labels = Tensor.Randint(0, 2, [n], g);
        var centers = (labels.Float() * 4 - 2).Unsqueeze(1).Expand(n, 2);
        return new TensorDataset(centers + Tensor.Randn([n, 2], g), labels);
    }

    private static Sequential Net()
    {
        Tensor.ManualSeed(3);
        return new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
    }

    private static Tensor CrossEntropy(Tensor output, Tensor target) => F.CrossEntropy(output, target);

    private static DataLoader Loader(TensorDataset ds, bool shuffle = false) => new(ds, batchSize: 16, shuffle: shuffle, generator: new Generator(7));

    [Fact]
    public void Run_OnSeparableBlobs_LossFallsAndAccuracyIsHigh()
    {
        var model = Net();
        var history = Fit.Run(model, new SGD(model.Parameters(), lr: 0.1), CrossEntropy,
            Loader(Blobs(128, 1), shuffle: true), Loader(Blobs(64, 2)), epochs: 8);
        Assert.Equal(["train_loss", "train_acc", "val_loss", "val_acc"], history.Names);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], history.Epochs);
        Assert.True(history["train_loss"][^1] < history["train_loss"][0] / 2, string.Join(", ", history["train_loss"]));
        Assert.True(history["val_acc"][^1] > 0.9, string.Join(", ", history["val_acc"]));
        Assert.True(model.Training);
        // The last val_loss is the per-sample mean over the validation set, as a direct evaluation computes it.
        var val = Blobs(64, 2);
        using (Tensor.NoGrad())
        {
            var (x, y) = (val.Tensors[0], val.Tensors[1]);
            Check.Close(F.CrossEntropy(model.Forward(x), y).Item(), history["val_loss"][^1], 1e-5);
            Assert.Equal(Metrics.Accuracy(model.Forward(x), y), history["val_acc"][^1]);
        }
    }

    [Fact]
    public void EarlyStopping_StopsOnAPlateau_AndCheckpointIsWrittenAndLoadable()
    {
        var model = Net();
        var path = Path.Combine(_dir, "best.safetensors");
        var early = new EarlyStoppingCallback(new EarlyStopping(patience: 2));
        var checkpoint = new ModelCheckpoint(model, path);
        // lr = 0: nothing changes, so the validation loss is flat from the first epoch on.
        var history = Fit.Run(model, new SGD(model.Parameters(), lr: 0), CrossEntropy, Loader(Blobs(32, 1)), Loader(Blobs(32, 2)),
            epochs: 20, new FitOptions { Callbacks = [early, checkpoint] });
        Assert.Equal(3, history.Count);
        Assert.Equal(3, early.StoppedEpoch);
        Assert.Equal(1, early.EarlyStopping.BestEpoch);
        Assert.Equal(1, checkpoint.BestEpoch);
        Assert.True(File.Exists(path));

        var (tensors, metadata) = SafeTensors.LoadWithMetadata(path);
        Assert.Equal("1", metadata["epoch"]);
        Assert.Equal(history["val_loss"][0], double.Parse(metadata["val_loss"], System.Globalization.CultureInfo.InvariantCulture));
        var loaded = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
        loaded.Load(path);
        foreach (var (name, p) in model.StateDict()) Check.Close(loaded.StateDict()[name], p.ToArray<double>(), 0);
    }

    [Fact]
    public void Checkpoint_SavesOnlyOnImprovement_AndEarlyStoppingRestoresBestWeights()
    {
        var model = Net();
        var path = Path.Combine(_dir, "model.safetensors");
        var early = new EarlyStoppingCallback(new EarlyStopping(monitor: "val_acc", mode: "max", patience: 1, restoreBestWeights: true), model);
        var checkpoint = new ModelCheckpoint(model, path, monitor: "train_loss");
        var history = Fit.Run(model, new SGD(model.Parameters(), lr: 0.1), CrossEntropy, Loader(Blobs(64, 1)), Loader(Blobs(32, 2)),
            epochs: 6, new FitOptions { Callbacks = [early, checkpoint] });
        // The training loss falls every epoch here, so the last epoch is the one saved.
        Assert.True(history["train_loss"].Zip(history["train_loss"].Skip(1)).All(p => p.Second < p.First), string.Join(", ", history["train_loss"]));
        Assert.Equal(history.Epochs[^1], checkpoint.BestEpoch);
        // Validation accuracy peaked before the end: the weights of that epoch, not the last ones, are back in the model.
        Assert.NotNull(early.StoppedEpoch);
        Assert.True(early.EarlyStopping.BestEpoch < history.Epochs[^1]);
        var reloaded = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
        reloaded.Load(path);
        Assert.NotEqual(reloaded.StateDict()["0.weight"].ToArray<double>(), model.StateDict()["0.weight"].ToArray<double>());
        var best = early.EarlyStopping.BestWeights!;
        foreach (var (name, p) in model.StateDict()) Check.Close(p, best[name].ToArray<double>(), 0);
    }

    [Fact]
    public void Callbacks_SeeEveryHookInOrder_AndCanStopTraining()
    {
        var model = Net();
        var log = new Recorder(stopAtEpoch: 12);
        var history = Fit.Run(model, new SGD(model.Parameters(), lr: 0.05), CrossEntropy, Loader(Blobs(40, 1)), null,
            epochs: 5, new FitOptions { Callbacks = [log], StartEpoch = 11 });
        // 40 samples in batches of 16: 3 batches per epoch; stopped after epoch 12.
        Assert.Equal(["start 11", "batch 1", "batch 2", "batch 3", "end 11", "start 12", "batch 4", "batch 5", "batch 6", "end 12", "train end 2"], log.Events);
        Assert.Equal([11, 12], history.Epochs);
        Assert.Equal(["train_loss", "train_acc"], history.Names);
        // train_loss is the mean of the batch losses the callback saw.
        Check.Close(log.Losses.Take(3).Average(), history["train_loss"][0], 1e-12);
    }

    [Fact]
    public void Validation_RunsInEvalModeWithoutGrad_TrainingInTrainMode()
    {
        var probe = new Probe();
        Fit.Run(probe, new SGD(probe.Parameters(), lr: 0.01), (o, t) => F.MseLoss(o, t),
            new DataLoader(new TensorDataset(Tensor.Ones(4, 1), Tensor.Zeros(4, 1)), batchSize: 2),
            new DataLoader(new TensorDataset(Tensor.Ones(3, 1), Tensor.Zeros(3, 1)), batchSize: 2), epochs: 1);
        Assert.Equal([(true, true), (true, true), (false, false), (false, false)], probe.Calls);
        probe.Eval();
        var metrics = Fit.Evaluate(probe, (o, t) => F.MseLoss(o, t), new DataLoader(new TensorDataset(Tensor.Ones(3, 1), Tensor.Zeros(3, 1)), batchSize: 2));
        Assert.Equal(["loss"], metrics.Keys); // float targets: no accuracy
        Assert.False(probe.Training);
    }

    [Fact]
    public void Scheduler_IsSteppedOncePerEpoch_PlateauWithTheValidationLoss()
    {
        var model = Net();
        var sgd = new SGD(model.Parameters(), lr: 0.1);
        Fit.Run(model, sgd, CrossEntropy, Loader(Blobs(32, 1)), null, 3, new FitOptions { Scheduler = new StepLR(sgd, stepSize: 1, gamma: 0.5) });
        Check.Close(0.0125, sgd.ParamGroups[0].Lr, 1e-12);
        // A tiny lr keeps val_loss nearly flat, so with patience 0 the second epoch halves the rate.
        var frozen = new SGD(model.Parameters(), lr: 1e-12);
        Fit.Run(model, frozen, CrossEntropy, Loader(Blobs(32, 1)), Loader(Blobs(16, 2)), 2,
            new FitOptions { Scheduler = new ReduceLROnPlateau(frozen, patience: 0, factor: 0.5, threshold: 0.5, eps: 0) });
        Check.Close(0.5e-12, frozen.ParamGroups[0].Lr, 1e-6);
    }

    [Fact]
    public void ClipGradNorm_BoundsEveryStep()
    {
        var model = Net();
        var before = model.Parameters().Select(p => p.ToArray<double>()).ToArray();
        // Two batches of lr 1 with the gradient norm clipped to 1e-3: no parameter moves more than 2e-3 in total.
        Fit.Run(model, new SGD(model.Parameters(), lr: 1), CrossEntropy, Loader(Blobs(32, 1)), null, 1, new FitOptions { ClipGradNorm = 1e-3 });
        var after = model.Parameters().Select(p => p.ToArray<double>()).ToArray();
        double moved = 0;
        for (int i = 0; i < before.Length; i++)
            for (int j = 0; j < before[i].Length; j++) moved += Math.Pow(after[i][j] - before[i][j], 2);
        Assert.InRange(Math.Sqrt(moved), 1e-4, 2e-3 + 1e-6);
    }

    [Fact]
    public void Run_ReportsMisuse()
    {
        var model = Net();
        var sgd = new SGD(model.Parameters(), lr: 0.1);
        var train = Loader(Blobs(16, 1));
        Check.Throws<ArgumentException>(() => Fit.Run(model, sgd, (o, t) => F.CrossEntropy(o, t, reduction: "none"), train, null, 1),
            "fit", "single value", "[16]");
        Check.Throws<ArgumentException>(() => Fit.Run(model, sgd, CrossEntropy, train, null, 1,
            new FitOptions { Callbacks = [new ModelCheckpoint(model, Path.Combine(_dir, "m.safetensors"))] }),
            "ModelCheckpoint", "'val_loss'", "available: train_loss, train_acc");
        Check.Throws<ArgumentException>(() => Fit.Run(model, sgd, CrossEntropy, train, null, -1), "epochs", "-1");
        Check.Throws<ArgumentException>(() => Fit.Run(model, sgd, CrossEntropy, new DataLoader(new TensorDataset(Tensor.Zeros(4, 2)), 2), null, 1),
            "input and a target", "1 tensor");
    }

    private sealed class Recorder(int stopAtEpoch) : IFitCallback
    {
        public List<string> Events { get; } = [];
        public List<double> Losses { get; } = [];
        public void OnEpochStart(int epoch) => Events.Add($"start {epoch}");
        public void OnBatchEnd(int step, double loss)
        {
            Events.Add($"batch {step}");
            Losses.Add(loss);
        }
        public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
        {
            Events.Add($"end {epoch}");
            return epoch == stopAtEpoch;
        }
        public void OnTrainEnd(History history) => Events.Add($"train end {history.Count}");
    }

    /// <summary>A 1-1 linear layer that records (training mode, grad enabled) at each forward.</summary>
    private sealed class Probe : Module
    {
        private readonly Linear _linear = new(1, 1);

        public Probe() => RegisterComponents();

        public List<(bool Training, bool Grad)> Calls { get; } = [];

        public override Tensor Forward(Tensor x)
        {
            Calls.Add((Training, Tensor.IsGradEnabled));
            return _linear.Forward(x);
        }
    }
}
