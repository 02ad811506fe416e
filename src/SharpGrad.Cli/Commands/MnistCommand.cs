using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpGrad.Cli.Commands.Mnist;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad mnist</c>: the course's handwritten-digit classifiers (000's raw-tensor MLP, 001's 3-layer MLP, 004's deep
/// MLP with its regularisation exercises, 003's CNN) trained on the embedded digits, MNIST or Fashion-MNIST, with the
/// course's log lines, curves, image grids, a confusion matrix and the trained model in the run folder.
/// </summary>
internal static class MnistCommand
{
    /// <summary>Builds the command and its options.</summary>
    public static Command Create()
    {
        var model = CliOptions.Choice("--model", "Network: mlp = course 000's 784-256-10 from raw tensors with hand-written SGD, " +
            "mlp3 = course 001's 784-200-200-10 with Kaiming init, deep = course 004's 784-700x6-10 with log_softmax + nll_loss, " +
            "cnn = course 003's conv net adapted to 1x28x28", "mlp3", MnistModels.Names);
        var dataset = CliOptions.Choice("--dataset", "Data: embedded = the 10,000 MNIST digits inside SharpGrad (8,000 train / 2,000 test), " +
            "mnist / fashion-mnist = the IDX files in --data", "embedded", "embedded", "mnist", "fashion-mnist");
        var data = new Option<string?>("--data")
        {
            Description = "Folder with the IDX files (train-images-idx3-ubyte[.gz] ...) for --dataset mnist or fashion-mnist; " +
                $"fashion-mnist defaults to {Vision.FashionMNIST.DebianRoot} when it exists",
            HelpName = "DIR",
        };
        var download = new Option<bool>("--download") { Description = "Download the IDX files into --data (default ./data) when they are missing" };
        var optimizer = MnistOptions.OptionalChoice("--optimizer", "Optimizer; default depends on --model (see the description)", "sgd", "adam", "rmsprop");
        var lr = MnistOptions.OptionalNumber("--lr", "Learning rate; default depends on --model, or with another --optimizer: sgd 0.05, adam 0.001, rmsprop 0.001", 0, double.PositiveInfinity, exclusiveMin: true);
        var batchSize = MnistOptions.OptionalInt("--batch-size", "Training batch size; default depends on --model");
        var epochs = MnistOptions.OptionalInt("--epochs", "Number of epochs; default depends on --model");
        var weightDecay = CliOptions.NonNegative("--weight-decay", "L2 penalty weight_decay added to the gradients (course 004 uses 0.002 with Adam)", 0);
        var dropout = MnistOptions.OptionalNumber("--dropout", "Dropout probability in [0, 1) (mlp: hidden layer, mlp3: both hidden layers, " +
            "deep: after fc5 and fc6 as course 004, cnn: before the last linear layer); default 0, no dropout", 0, 1, exclusiveMax: true);
        dropout.HelpName = "P";
        var augment = MnistOptions.OptionalNumber("--augment", "Rotate each training image by a random angle in [-DEGREES, DEGREES] " +
            "(RandomRotation, course 004 uses 20); default 0, no augmentation", 0, 180);
        augment.HelpName = "DEGREES";
        var earlyStop = MnistOptions.OptionalInt("--early-stop", "Stop after PATIENCE epochs without a better test accuracy and keep the best " +
            "model (course 004 uses 3); default off");
        earlyStop.HelpName = "PATIENCE";
        var limitTrain = MnistOptions.OptionalInt("--limit-train", "Train on the first N training samples only (quick runs and tests); default all");
        limitTrain.HelpName = "N";
        var limitTest = MnistOptions.OptionalInt("--limit-test", "Test on the first N test samples only; default all");
        limitTest.HelpName = "N";
        var device = new Option<Device>("--device")
        {
            Description = "Where to train: cpu, cuda, cuda:N, or accel:cpu (the test device: the CUDA kernels on ILGPU's CPU " +
                "accelerator, slow); default cpu",
            DefaultValueFactory = _ => Device.Cpu,
            CustomParser = ParseDevice,
        };
        var logInterval = CliOptions.Int("--log-interval", "Print a 'Train Epoch' line every N batches (course 004: 10)", 10);
        logInterval.HelpName = "N";
        var distributedOption = new Option<bool>("--distributed")
        {
            Description = "Train data-parallel (DistributedDataParallel over MPI) on the processes started by `mpirun -np N`; " +
                "on by itself under mpirun. --batch-size is per process; rank 0 prints and writes the run folder",
        };
        var exportOnnx = new Option<string?>("--export-onnx")
        {
            Description = "Also write the trained model as ONNX (opset 17, dynamic batch axis; input 'input' [batch, 1, 28, 28] normalised " +
                "as the test images, output 'output' [batch, 10]); a relative FILE goes into the run folder beside model.safetensors",
            HelpName = "FILE",
        };

        var command = new Command("mnist",
            "Train a course network on handwritten digits (or Fashion-MNIST); writes curves, image grids, the confusion matrix and the model. " +
            $"Defaults per model: {MnistDefaults.HelpTable()}")
        {
            model, dataset, data, download, optimizer, lr, batchSize, epochs, weightDecay, dropout, augment, earlyStop,
            limitTrain, limitTest, logInterval, exportOnnx, device, distributedOption,
        };
        var common = new CommonOptions();
        common.AddTo(command);
        var dashboard = new DashboardOptions();
        dashboard.AddTo(command);

        command.SetAction(parse =>
        {
            string modelName = parse.GetValue(model)!;
            var defaults = MnistDefaults.For(modelName);
            var settings = new MnistSettings
            {
                Model = modelName,
                Dataset = parse.GetValue(dataset)!,
                DataDir = parse.GetValue(data),
                Download = parse.GetValue(download),
                ShowDownloadProgress = !parse.GetValue(common.Quiet),
                Optimizer = parse.GetValue(optimizer) ?? defaults.Optimizer,
                Lr = parse.GetValue(lr) ?? defaults.LrFor(parse.GetValue(optimizer) ?? defaults.Optimizer),
                BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
                Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
                WeightDecay = parse.GetValue(weightDecay),
                Dropout = parse.GetValue(dropout) ?? 0,
                AugmentDegrees = parse.GetValue(augment) ?? 0,
                EarlyStopPatience = parse.GetValue(earlyStop),
                LimitTrain = parse.GetValue(limitTrain),
                LimitTest = parse.GetValue(limitTest),
                LogInterval = parse.GetValue(logInterval),
                Device = parse.GetValue(device),
                ExportOnnx = parse.GetValue(exportOnnx),
            };
            if (settings.ExportOnnx is { } onnx && (string.IsNullOrWhiteSpace(Path.GetFileName(onnx)) || Directory.Exists(onnx)))
                throw new UsageException($"--export-onnx: expected a file name such as model.onnx, got '{onnx}'");
            var clock = Stopwatch.StartNew();
            bool parallel = parse.GetValue(distributedOption) || Distributed.Dist.StartedByMpirun();
            if (parallel && !settings.Device.IsCpu)
                throw new UsageException($"--distributed: data-parallel training runs on the CPU (MPI moves CPU tensors); drop --device {settings.Device}");
            var distributed = MnistDistributed.Begin(parallel);
            try
            {
                var mnistData = MnistData.Load(settings); // before the run folder exists: a missing data folder leaves nothing behind
                if (distributed is { IsMain: false })
                {
                    // Other ranks train silently in a scratch folder; rank 0 prints, serves the dashboard and keeps the outputs.
                    Tensor.ManualSeed(parse.GetValue(common.Seed));
                    var scratch = Directory.CreateTempSubdirectory($"sharpgrad-rank{distributed.Rank}-");
                    try { Execute(settings, mnistData, new RunContext("mnist", scratch.FullName, parse.GetValue(common.Seed), quiet: true), [], distributed); }
                    finally { scratch.Delete(recursive: true); }
                    return 0;
                }
                var run = common.Begin(parse, "mnist");
                using var live = dashboard.Begin(parse);
                Execute(settings, mnistData, run, live is null ? [] : [new MnistDashboard(new TrainingDashboard(live.Visdom))], distributed);
                run.Finish(clock);
                live?.Finish();
                return 0;
            }
            finally
            {
                if (distributed is not null) MnistDistributed.End();
            }
        });
        return command;
    }

    /// <summary>
    /// Trains and writes every output of one run into <paramref name="run"/>'s folder, telling <paramref name="observers"/>
    /// as it goes (the hook for the live dashboard). Returns the result; the caller finishes the run (summary table).
    /// </summary>
    internal static MnistResult Execute(MnistSettings settings, MnistData data, RunContext run, IReadOnlyList<IMnistObserver> observers,
        MnistDistributed? distributed = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var net = MnistModels.Create(settings.Model, settings.Dropout);
        net.To(settings.Device);
        long parameters = net.Parameters().Sum(p => (long)p.Numel());
        run.Markup($"[bold]MNIST[/] {Spectre.Console.Markup.Escape(settings.Describe())}, seed {run.Seed}" +
            (distributed is null ? "" : $", data-parallel on {distributed.WorldSize} processes (batch {settings.BatchSize} each)"));
        run.Log($"data: {data.Source}; {data.Train.Count} training and {data.Test.Count} test samples");
        run.Log(net.ToString());
        run.Log(string.Create(inv, $"{parameters:N0} parameters"));
        run.Log($"device: {settings.Device} ({Cuda.GetDeviceName(settings.Device)})");

        var trainer = new MnistTrainer(settings, data, net, run, observers, distributed);
        var result = trainer.Run();
        if (distributed is { IsMain: false }) return result; // checkpoints and reports come from rank 0 only

        net.Save(run.PathOf("model.safetensors"), new Dictionary<string, string>
        {
            ["model"] = settings.Model,
            ["dataset"] = settings.Dataset,
            ["epoch"] = result.BestEpoch.ToString(inv),
            ["test_accuracy"] = result.Final.Accuracy.ToString("R", inv),
        });
        if (settings.ExportOnnx is { } onnxFile)
        {
            string onnxPath = Path.IsPathRooted(onnxFile) ? onnxFile : run.PathOf(onnxFile);
            Directory.CreateDirectory(Path.GetDirectoryName(onnxPath)!);
            Export.Onnx.Export(net, data.Test.GetBatch([0])[0], onnxPath,
                dynamicAxes: new() { ["input"] = new() { [0] = "batch" }, ["output"] = new() { [0] = "batch" } });
            run.Log($"{onnxFile}: the model in ONNX (input 'input' [batch, 1, 28, 28] of pixel / 255" +
                (data.Mean == 0 && data.Std == 1 ? "" : string.Create(inv, $", normalised as (v - {data.Mean:G4}) / {data.Std:G4}")) +
                (MnistModels.OutputsLogProbabilities(settings.Model) ? "; output 'output' [batch, 10] log-probabilities)" : "; output 'output' [batch, 10] logits)"));
        }
        var matrix = MnistReport.Write(run, settings, data, result);
        bool digits = data.ClassNames.Select((name, i) => name == i.ToString(inv)).All(same => same);
        run.Log($"predictions.png: the first {Math.Min(MnistReport.GridImages, result.Final.Count)} test images, mistakes.png: misclassified ones; " +
            "each labelled predicted/true class" + (digits ? "" : $" ({string.Join(" ", data.ClassNames.Select((name, i) => $"{i}={name}"))})"));
        run.Log($"Confusion matrix of the {(result.BestEpoch != result.EpochsRun ? "best" : "final")} model (rows: true class, columns: predicted):");
        run.Log(matrix.ToString());
        run.Log("");

        var final = result.Final;
        double seconds = MnistReport.Column(result.History, "seconds").Sum();
        run.Metric("model", settings.Model);
        run.Metric("dataset", settings.Dataset);
        run.Metric("optimizer", settings.Optimizer);
        run.Metric("device", $"{settings.Device} ({Cuda.GetDeviceName(settings.Device)})");
        run.Metric("lr", settings.Lr);
        run.Metric("batch_size", settings.BatchSize);
        if (distributed is not null)
        {
            run.Metric("world_size", distributed.WorldSize);
            run.Metric("global_batch_size", settings.BatchSize * distributed.WorldSize);
        }
        run.Metric("parameters", parameters);
        run.Metric("train_samples", data.Train.Count);
        run.Metric("test_samples", final.Count);
        run.Metric("epochs_run", result.EpochsRun);
        run.Metric("best_epoch", result.BestEpoch);
        run.Metric("stopped_early", result.StoppedEarly);
        run.Metric("steps", result.Steps);
        run.Metric("final_train_loss", MnistReport.Column(result.History, "train_loss") is { Count: > 0 } trainLoss ? trainLoss[^1] : double.NaN);
        run.Metric("test_loss", final.Loss);
        run.Metric("test_correct", final.Correct);
        run.Metric("test_accuracy", final.Accuracy);
        run.Metric("train_seconds", Math.Round(seconds, 3));
        run.Metric("images_per_second", Math.Round(data.Train.Count * (double)result.EpochsRun / Math.Max(1e-9, seconds), 1));
        return result;
    }

    /// <summary>The device named by --device, checked to be usable (a CUDA device needs the driver and the GPU).</summary>
    private static Device ParseDevice(System.CommandLine.Parsing.ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
        try
        {
            var device = Device.Parse(text);
            if (!device.IsCpu) Cuda.GetDeviceName(device); // starts the device: no driver, no such GPU -> the error now
            return device;
        }
        catch (ArgumentException)
        {
            r.AddError($"--device expects cpu, cuda, cuda:N or accel:cpu, got '{text}'");
        }
        catch (InvalidOperationException e)
        {
            r.AddError($"--device {text}: {e.Message}");
        }
        return Device.Cpu;
    }
}
