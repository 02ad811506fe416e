using System.CommandLine;
using System.Diagnostics;
using SharpGrad.Cli.Commands.Raw;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad regression</c>: course 000, 回归任务. Synthetic high-dimensional data
/// <c>y = X @ w + b + noise</c> (w = 0.0056 in every feature, b = 0.028, noise N(0, 0.01)), the first 70% for training,
/// a 500-256-1 ReLU network written from raw tensors, MSE loss, the course's hand-written SGD
/// (<c>param -= lr * grad / batch_size</c>), and the per-epoch training and test losses printed and plotted.
/// </summary>
internal static class RegressionCommand
{
    /// <summary>The true weight of every feature (<c>true_w = torch.ones(500, 1) * 0.0056</c>).</summary>
    internal const double TrueW = 0.0056;

    /// <summary>The true bias (<c>true_b = 0.028</c>).</summary>
    internal const double TrueB = 0.028;

    /// <summary>Standard deviation of the label noise.</summary>
    internal const double Noise = 0.01;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var epochs = CliOptions.Int("--epochs", "Passes over the training set (as in the course)", 100);
        var lr = CliOptions.Positive("--lr", "Learning rate of the hand-written SGD, which also divides by the batch size", 0.01);
        var batchSize = CliOptions.Int("--batch-size", "Samples per mini-batch", 50);
        var samples = CliOptions.Int("--samples", "Number of examples; the first 70% train, the rest test (10000: 7000/3000)", 10000, min: 2);
        var features = CliOptions.Int("--features", "Input features per example", 500);
        var hidden = CliOptions.Int("--hidden", "Hidden ReLU units", 256);
        var common = new CommonOptions();
        var dashboard = new DashboardOptions();
        var command = new Command("regression",
            "High-dimensional regression with a 500-256-1 ReLU net from raw tensors and hand-written SGD (course 000, 回归任务): " +
            "y = X w + b + noise with w = 0.0056 per feature, b = 0.028, noise N(0, 0.01); prints and plots the train/test MSE per epoch")
        {
            epochs, lr, batchSize, samples, features, hidden,
        };
        common.AddTo(command);
        dashboard.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var run = common.Begin(parse, "regression");
            int n = parse.GetValue(samples), d = parse.GetValue(features), h = parse.GetValue(hidden);
            int e = parse.GetValue(epochs), batch = parse.GetValue(batchSize);
            double rate = parse.GetValue(lr);

            var data = MakeData(n, d);
            run.Log($"{Shape(data.TrainX)} {Shape(data.TrainY)} {Shape(data.TestX)} {Shape(data.TestY)}");
            var net = new RawMlp(d, h, 1, std: 0.01);
            var loss = new MSELoss();
            int batchesPerEpoch = (data.TrainX.Size(0) + batch - 1) / batch;
            using var live = dashboard.Begin(parse);
            var observers = new Observers(new EpochLogCallback(run, RawTraining.CourseLine));
            if (live is not null)
                observers.Add(new DashboardCallback(live.Visdom).PerEpoch("loss", "train & test loss", ["train_loss", "test_loss"], ["train", "test"], "MSE"));
            var history = run.WithProgress("regression", (long)e * batchesPerEpoch, progress =>
                RawTraining.Run(net, loss.Forward, data, e, batch, rate, observers.Add(new ProgressCallback(progress, "batch"))));

            SaveOutputs(run, history, "MSE");
            net.Save(run.PathOf("model.safetensors"));
            run.Metric("epochs", history.Count);
            run.Metric("train_samples", data.TrainX.Size(0));
            run.Metric("test_samples", data.TestX.Size(0));
            run.Metric("train_loss", history["train_loss"][^1]);
            run.Metric("test_loss", history["test_loss"][^1]);
            run.Metric("noise_mse", Noise * Noise);
            run.Finish(clock);
            live?.Finish();
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The course's data: features from N(0, 1), labels <c>features @ true_w + true_b</c> plus N(0, 0.01) noise; the first
    /// 70% of the <paramref name="samples"/> train (7000 of 10000), the rest test.
    /// </summary>
    internal static Split MakeData(int samples, int features)
    {
        var x = Tensor.Normal(0, 1, [samples, features]);
        var w = Tensor.Ones([features, 1]) * TrueW;
        var y = x.MatMul(w) + TrueB;
        y = y + Tensor.Normal(0, Noise, [samples, 1]);
        int train = Math.Clamp((int)Math.Round(samples * 0.7), 1, samples - 1);
        return new Split(x[..train], y[..train], x[train..], y[train..]);
    }

    /// <summary>history.csv, history.json and loss.svg (train and test loss per epoch).</summary>
    internal static void SaveOutputs(RunContext run, History history, string lossName, bool logY = false)
    {
        history.SaveCsv(run.PathOf("history.csv"));
        history.SaveJson(run.PathOf("history.json"));
        var epochs = history.Epochs.Select(x => (double)x).ToArray();
        new LineChart { Title = $"{run.Command}: {lossName} per epoch", XLabel = "epoch", YLabel = "loss", LogY = logY }
            .Add(epochs, [.. history["train_loss"]], "train_loss")
            .Add(epochs, [.. history["test_loss"]], "test_loss")
            .Save(run.PathOf("loss.svg"));
    }

    /// <summary>PyTorch's <c>torch.Size([7000, 500])</c>.</summary>
    internal static string Shape(Tensor t) => $"torch.Size([{string.Join(", ", t.Shape.ToArray())}])";
}
