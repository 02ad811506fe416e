using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Commands.Mnist;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.IO;
using SharpGrad.Vision;

namespace SharpGrad.Cli.Tests;

/// <summary><c>sharpgrad mnist</c> end to end: outputs, the course's log lines, every model, the observer hook, errors.</summary>
[Collection("cli")]
public sealed class MnistCommandTests
{
    private static readonly Regex TrainLine = new(@"^Train Epoch: (\d+) \[(\d+)/(\d+) \((\d+)%\)\]\tLoss: \d+\.\d{6}$", RegexOptions.Multiline);
    private static readonly Regex TestLine = new(@"^Test set: Average loss: \d+\.\d{4}, Accuracy: (\d+)/(\d+) \((\d+)%\)$", RegexOptions.Multiline);

    private static string[] Lines(string text) => text.Replace("\r", "").Split('\n');

    [Fact]
    public void SmallRun_WritesWellFormedOutputs()
    {
        var r = CliRunner.Run(["mnist", "--epochs", "2", "--limit-train", "640", "--limit-test", "200", "--log-interval", "5"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);

        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        var m = metrics.RootElement;
        Assert.Equal("mnist", m.GetProperty("command").GetString());
        Assert.Equal("mlp3", m.GetProperty("model").GetString());
        Assert.Equal(2, m.GetProperty("epochs_run").GetInt32());
        Assert.Equal(20, m.GetProperty("steps").GetInt64()); // 640 / 64 batches, 2 epochs
        Assert.Equal(200, m.GetProperty("test_samples").GetInt32());
        double accuracy = m.GetProperty("test_accuracy").GetDouble();
        Assert.Equal(m.GetProperty("test_correct").GetInt64() / 200.0, accuracy, 12);
        Assert.True(accuracy > 0.5, $"640 samples, 2 epochs should beat chance by far, got {accuracy}");

        var csv = Lines(File.ReadAllText(r.File("history.csv"))).Where(l => l.Length > 0).ToArray();
        Assert.Equal("epoch,train_loss,train_acc,test_loss,test_acc,seconds", csv[0]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("2,", csv[2]);
        using (var history = JsonDocument.Parse(File.ReadAllText(r.File("history.json")))) Assert.NotEqual(JsonValueKind.Undefined, history.RootElement.ValueKind);

        foreach (var svg in new[] { "loss.svg", "accuracy.svg", "steps.svg", "confusion.svg" })
            Assert.Equal("svg", XDocument.Load(r.File(svg)).Root!.Name.LocalName);
        foreach (var png in new[] { "predictions.png", "mistakes.png" })
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(r.File(png))[..4]);

        // The confusion matrix counts every test sample once, its diagonal is the correct count.
        var rows = Lines(File.ReadAllText(r.File("confusion.csv"))).Where(l => l.Length > 0).ToArray();
        Assert.Equal(11, rows.Length);
        var counts = rows[1..].Select(row => row.Split(',')[1..].Select(long.Parse).ToArray()).ToArray();
        Assert.Equal(200, counts.Sum(row => row.Sum()));
        Assert.Equal(m.GetProperty("test_correct").GetInt64(), Enumerable.Range(0, 10).Sum(i => counts[i][i]));
        Assert.Contains("true\\pred", r.Output); // the matrix is printed too

        // The saved model loads back into a fresh network and gives the reported accuracy.
        var tensors = SafeTensors.Load(r.File("model.safetensors"));
        Assert.Equal(6, tensors.Count);
        var net = MnistModels.Create("mlp3", 0);
        net.LoadStateDict(tensors);
        net.Eval();
        var test = MNIST.Embedded(train: false, transform: new Vision.Transforms.Compose(new Vision.Transforms.ToTensor(),
            new Vision.Transforms.Normalize([0.1307], [0.3081])));
        var (x, y) = new Data.DataLoader(test, 200).First();
        using (Tensor.NoGrad())
            Assert.Equal(m.GetProperty("test_correct").GetInt64(), net.Forward(x).Argmax(1).Eq(y).Sum().Item<long>());
    }

    /// <summary>The README's main job: with no options, mlp3 on the embedded digits reaches 93% (about 3 s unloaded).</summary>
    [Fact]
    public void DefaultRun_ReachesAtLeast93Percent()
    {
        var r = CliRunner.Run(["mnist", "--quiet"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        var m = metrics.RootElement;
        Assert.Equal("mlp3", m.GetProperty("model").GetString());
        Assert.Equal("embedded", m.GetProperty("dataset").GetString());
        Assert.Equal(2000, m.GetProperty("test_samples").GetInt32());
        Assert.True(m.GetProperty("test_accuracy").GetDouble() >= 0.93, $"test accuracy {m.GetProperty("test_accuracy").GetDouble()}");
    }

    [Fact]
    public void LogLines_FollowTheCourseFormat()
    {
        var r = CliRunner.Run(["mnist", "--epochs", "2", "--limit-train", "640", "--limit-test", "100", "--log-interval", "4"]);
        Assert.Equal(0, r.ExitCode);
        var train = TrainLine.Matches(r.Output);
        // 10 batches per epoch, a line at batches 0, 4 and 8: samples 0, 256, 512 of 640, 0%, 40%, 80%.
        Assert.Equal(6, train.Count);
        Assert.Equal(["1 0 640 0", "1 256 640 40", "1 512 640 80", "2 0 640 0"],
            train.Take(4).Select(t => $"{t.Groups[1]} {t.Groups[2]} {t.Groups[3]} {t.Groups[4]}"));
        var test = TestLine.Matches(r.Output);
        Assert.Equal(2, test.Count);
        Assert.All(test, t => Assert.Equal("100", t.Groups[2].Value));
        // print('\nTest set: ...\n'): an empty line before and after.
        var lines = Lines(r.Output);
        int at = Array.FindIndex(lines, l => l.StartsWith("Test set:", StringComparison.Ordinal));
        Assert.Equal("", lines[at - 1]);
        Assert.Equal("", lines[at + 1]);
    }

    [Fact]
    public void TrainLine_RoundsThePercentageAsPythonDoes()
    {
        Assert.Equal("Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.301000", MnistTrainer.TrainLine(1, 0, 64, 60000, 938, 2.301));
        // 100 * 1 / 8 = 12.5: Python's '{:.0f}' rounds half to even.
        Assert.Equal("Train Epoch: 3 [64/512 (12%)]\tLoss: 0.123457", MnistTrainer.TrainLine(3, 1, 64, 512, 8, 0.1234567));
        Assert.Equal("Train Epoch: 3 [192/512 (38%)]\tLoss: 0.000000", MnistTrainer.TrainLine(3, 3, 64, 512, 8, 0));
    }

    [Theory]
    [InlineData("mlp", 4)]   // W1, b1, W2, b2: all four trained and saved
    [InlineData("mlp3", 6)]  // weight and bias of 3 linear layers
    [InlineData("deep", 14)] // fc1..fc7
    [InlineData("cnn", 10)]  // 3 convolutions, 2 linear layers
    public void EachModel_Trains(string model, int savedTensors)
    {
        var r = CliRunner.Run(["mnist", "--model", model, "--epochs", "1", "--batch-size", "32", "--limit-train", "64", "--limit-test", "50", "--quiet"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        Assert.Equal(2, metrics.RootElement.GetProperty("steps").GetInt64());
        Assert.True(double.IsFinite(metrics.RootElement.GetProperty("final_train_loss").GetDouble()));
        var tensors = SafeTensors.Load(r.File("model.safetensors"));
        Assert.Equal(savedTensors, tensors.Count);
        Assert.DoesNotContain("Train Epoch", r.Output); // --quiet
    }

    [Fact]
    public void RawMlp_TrainsAllFourTensors()
    {
        Tensor.ManualSeed(3);
        var net = MnistModels.Create("mlp", 0);
        var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var settings = new MnistSettings { Model = "mlp", Optimizer = "sgd", Lr = 0.1 };
        var update = IParameterUpdate.Create(settings, [.. net.Parameters()]);
        var x = Tensor.Rand(8, 1, 28, 28);
        var y = Tensor.FromBuffer(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, 8);
        var loss = NN.Functional.CrossEntropy(net.Forward(x), y);
        update.ZeroGrad();
        loss.Backward();
        update.Step();
        Assert.Equal(["W1", "b1", "W2", "b2"], net.StateDict().Keys);
        foreach (var (name, value) in net.StateDict())
            Assert.True((value - before[name]).Abs().Max().Item() > 0, $"{name} did not change");
    }

    [Fact]
    public void Regularisation_OptimizersAndEarlyStopping_Run()
    {
        // A learning rate too small to change any prediction: the accuracy never improves after epoch 1,
        // so patience 1 stops after epoch 2 and keeps the model of epoch 1.
        var r = CliRunner.Run(["mnist", "--model", "mlp", "--optimizer", "adam", "--lr", "1e-12", "--dropout", "0.2", "--augment", "20",
            "--weight-decay", "0.002", "--early-stop", "1", "--epochs", "6", "--limit-train", "64", "--limit-test", "50", "--quiet"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        var m = metrics.RootElement;
        Assert.Equal(2, m.GetProperty("epochs_run").GetInt32());
        Assert.Equal(1, m.GetProperty("best_epoch").GetInt32());
        Assert.True(m.GetProperty("stopped_early").GetBoolean());

        var rms = CliRunner.Run(["mnist", "--model", "mlp3", "--optimizer", "rmsprop", "--lr", "0.001", "--dropout", "0.5",
            "--epochs", "1", "--limit-train", "64", "--limit-test", "50", "--quiet"]);
        Assert.True(rms.ExitCode == 0, rms.Error + rms.Output);
    }

    [Theory]
    [InlineData("cnn", "adam", 0.001)]   // cnn's own lr 0.05 is far too large for Adam: it diverged to 8% accuracy
    [InlineData("mlp3", "rmsprop", 0.001)]
    [InlineData("deep", "sgd", 0.05)]
    [InlineData("cnn", "sgd", 0.05)]     // the model's own optimizer keeps the model's own lr
    [InlineData("deep", "adam", 0.001)]
    [InlineData("mlp", "sgd", 0.1)]
    public void OptimizerWithoutLr_GetsThatOptimizersDefaultLr(string model, string optimizer, double expected)
    {
        var r = CliRunner.Run(["mnist", "--model", model, "--optimizer", optimizer, "--epochs", "1", "--batch-size", "32",
            "--limit-train", "32", "--limit-test", "10", "--quiet"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        using var metrics = JsonDocument.Parse(File.ReadAllText(r.File("metrics.json")));
        Assert.Equal(expected, metrics.RootElement.GetProperty("lr").GetDouble());
    }

    [Fact]
    public void IdxFolder_IsReadAsMnist()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", "idx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var digits = MNIST.Embedded(train: false);
        foreach (var (prefix, from, count) in new[] { ("train", 0, 96), ("t10k", 96, 40) })
        {
            var images = digits.Data[from..(from + count)].ToArray<long>().Select(v => (byte)v).ToArray();
            var labels = digits.Targets[from..(from + count)].ToArray<long>().Select(v => (byte)v).ToArray();
            Idx.Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte"), images, count, 28, 28);
            Idx.Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels, count);
        }
        var r = CliRunner.Run(["mnist", "--dataset", "mnist", "--data", dir, "--epochs", "1", "--batch-size", "32"]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains("Train Epoch: 1 [0/96 (0%)]", r.Output);
        Assert.Matches(@"Accuracy: \d+/40 ", r.Output);
    }

    [Fact]
    public void TrainingOnTheTestDevice_FollowsTheCpu_StepByStep()
    {
        // Course 001's model.to(device): mlp3 for 10 SGD steps on 200 digits, once on the CPU and once with every op on
        // the test device (the CUDA kernels on ILGPU's CPU accelerator, slow: hence few steps).
        AssertTheTestDeviceFollowsTheCpu(new MnistSettings { Model = "mlp3", Optimizer = "sgd", Lr = 0.1, BatchSize = 20, Epochs = 1, LimitTrain = 200, LimitTest = 40 }, 10);
    }

    [Fact]
    public void TheCnnOnTheTestDevice_FollowsTheCpu_StepByStep()
    {
        // The course CNN (conv 5x5 + max-pool three times, then two linear layers) with every op on the test device: 3 SGD
        // steps on 12 digits (the simulated GPU runs the direct conv kernels slowly: 4 steps of 8 digits took 1.5 min).
        AssertTheTestDeviceFollowsTheCpu(new MnistSettings { Model = "cnn", Optimizer = "sgd", Lr = 0.05, BatchSize = 4, Epochs = 1, LimitTrain = 12, LimitTest = 8 }, 3);
    }

    /// <summary>Trains once on the CPU and once on accel:cpu with the same seed and batches: the losses agree within 1e-4 relative at every step.</summary>
    private static void AssertTheTestDeviceFollowsTheCpu(MnistSettings baseSettings, int steps)
    {
        MnistResult Train(Device device)
        {
            var settings = baseSettings with { Device = device };
            string dir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
            Tensor.ManualSeed(0);
            var data = MnistData.Load(settings);
            return MnistCommand.Execute(settings, data, new RunContext("mnist", dir, 0, quiet: true), []);
        }
        var cpu = Train(Device.Cpu);
        var accel = Train(Device.AccelCpu);
        Assert.Equal(steps, cpu.StepLosses.Count);
        Assert.Equal(steps, accel.StepLosses.Count);
        for (int i = 0; i < steps; i++)
            Assert.True(Math.Abs(accel.StepLosses[i] - cpu.StepLosses[i]) <= 1e-4 * Math.Abs(cpu.StepLosses[i]),
                $"step {i + 1}: cpu {cpu.StepLosses[i]}, accel:cpu {accel.StepLosses[i]}");
        Assert.Equal(cpu.Final.Correct, accel.Final.Correct);
    }

    [Fact]
    public void Device_RejectsAnUnknownName()
    {
        var r = CliRunner.Run(["mnist", "--device", "tpu:0", "--epochs", "1"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--device expects cpu, cuda, cuda:N or accel:cpu, got 'tpu:0'", r.Error + r.Output);
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad("libcuda.so.1", out _)) return; // a driver: the message differs
        var cuda = CliRunner.Run(["mnist", "--device", "cuda", "--epochs", "1"]);
        Assert.NotEqual(0, cuda.ExitCode);
        Assert.Contains("--device cuda: CUDA is not available: no NVIDIA driver (libcuda.so.1) was found", cuda.Error + cuda.Output);
    }

    [Fact]
    public void Observers_SeeEveryStepAndEpoch()
    {
        var observer = new RecordingObserver();
        string dir = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", Guid.NewGuid().ToString("N"));
        var settings = new MnistSettings { Model = "mlp3", Optimizer = "sgd", Lr = 0.1, BatchSize = 50, Epochs = 2, LimitTrain = 200, LimitTest = 40 };
        Tensor.ManualSeed(0);
        var data = MnistData.Load(settings);
        var callback = new RecordingCallback();
        var result = MnistCommand.Execute(settings, data, new RunContext("mnist", dir, 0, quiet: true), [observer, new FitCallbackObserver(callback)]);

        Assert.Equal(1, observer.Starts);
        Assert.Equal(200, observer.Info!.TrainSamples);
        Assert.Equal(4, observer.Info.BatchesPerEpoch);
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), observer.Steps);
        Assert.Equal(result.StepLosses, observer.Losses);
        Assert.Equal([1, 2], observer.TrainEpochs);
        Assert.Equal([1, 2], observer.TestEpochs);
        Assert.Equal([32, 1, 28, 28], observer.ImageShape!);
        Assert.Equal([32], observer.PredictionShape!);
        Assert.Equal(result.History["test_acc"], observer.TestAccuracies);
        Assert.Equal((2, result.Final.Accuracy), observer.End);

        // An IFitCallback sees the same run through the adapter.
        Assert.Equal([1, 2], callback.EpochStarts);
        Assert.Equal(8, callback.Batches);
        Assert.Equal(result.History["test_acc"], callback.Rows.Select(r => r["test_acc"]));
        Assert.Equal(result.History["train_loss"], callback.Rows.Select(r => r["train_loss"]));
        Assert.Same(result.History, callback.History);
    }

    [Theory]
    [InlineData("--epochs", "-1", "--epochs")]
    [InlineData("--epochs", "0", "--epochs")]
    [InlineData("--model", "resnet", "--model")]
    [InlineData("--dropout", "1", "--dropout")]
    [InlineData("--dropout", "-0.1", "--dropout")]
    [InlineData("--lr", "0", "--lr")]
    [InlineData("--augment", "200", "--augment")]
    public void BadOption_IsOneLineWithExitCode2(string option, string value, string named)
    {
        var r = CliRunner.Run(["mnist", option, value], withOut: false);
        AssertUsageError(r, named);
        Assert.Contains(value, r.Error);
    }

    [Fact]
    public void MissingDataFolder_IsOneLineWithExitCode2()
    {
        string missing = Path.Combine(Path.GetTempPath(), "sharpgrad-no-such-folder-" + Guid.NewGuid().ToString("N"));
        var r = CliRunner.Run(["mnist", "--dataset", "mnist", "--data", missing]);
        AssertUsageError(r, "--data");
        Assert.Contains(missing, r.Error);
        Assert.False(Directory.Exists(r.OutDir), "no run folder for a run that could not start");

        AssertUsageError(CliRunner.Run(["mnist", "--dataset", "mnist"]), "--data");
        AssertUsageError(CliRunner.Run(["mnist", "--data", Path.GetTempPath()]), "--data");
        string empty = Path.Combine(Path.GetTempPath(), "sharpgrad-cli-tests", "empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(empty);
        AssertUsageError(CliRunner.Run(["mnist", "--dataset", "fashion-mnist", "--data", empty]), "--data");
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllText(Path.Combine(empty, name), "not an IDX file");
        AssertUsageError(CliRunner.Run(["mnist", "--dataset", "mnist", "--data", empty]), "--data");
    }

    private static void AssertUsageError(CliResult r, string named)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.StartsWith("sharpgrad:", r.Error);
        Assert.Contains(named, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }

    private sealed class RecordingCallback : Training.IFitCallback
    {
        public readonly List<int> EpochStarts = [];
        public int Batches;
        public readonly List<IReadOnlyDictionary<string, double>> Rows = [];
        public Training.History? History;

        public void OnEpochStart(int epoch) => EpochStarts.Add(epoch);
        public void OnBatchEnd(int step, double loss) => Batches++;
        public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics) { Rows.Add(metrics); return false; }
        public void OnTrainEnd(Training.History history) => History = history;
    }

    private sealed class RecordingObserver : IMnistObserver
    {
        public int Starts;
        public MnistRunInfo? Info;
        public readonly List<long> Steps = [];
        public readonly List<double> Losses = [];
        public readonly List<int> TrainEpochs = [], TestEpochs = [];
        public readonly List<double> TestAccuracies = [];
        public int[]? ImageShape, PredictionShape;
        public (int, double) End;

        public void OnTrainStart(MnistRunInfo info) { Starts++; Info = info; }
        public void OnTrainStep(long step, double loss) { Steps.Add(step); Losses.Add(loss); }
        public void OnTrainEpoch(int epoch, double loss, double accuracy) => TrainEpochs.Add(epoch);
        public void OnTestEpoch(int epoch, double loss, double accuracy, Tensor images, Tensor predictions, Tensor targets)
        {
            TestEpochs.Add(epoch);
            TestAccuracies.Add(accuracy);
            ImageShape = images.Shape;
            PredictionShape = predictions.Shape;
            Assert.Equal(DType.Int64, predictions.DType);
            Assert.Equal(predictions.Shape, targets.Shape);
            Assert.InRange(images.Min().Item(), 0, 1);
            Assert.InRange(images.Max().Item(), 0, 1);
        }
        public void OnTrainEnd(Training.History history, double accuracy) => End = (history.Count, accuracy);
    }
}
