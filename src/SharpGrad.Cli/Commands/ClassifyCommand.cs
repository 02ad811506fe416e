using System.CommandLine;
using System.Diagnostics;
using SharpGrad.Cli.Commands.Raw;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Dashboard;
using SharpGrad.NN;
using SharpGrad.Plotting;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad classify</c>: course 000, 二分类任务. Two classes of 200-dimensional Gaussian points, N(+2, 1) labelled 1
/// and N(-2, 1) labelled 0, 70% of each for training; a 200-100-1 ReLU net from raw tensors (weights from N(0, 1)),
/// BCEWithLogits loss and the hand-written SGD; per-epoch losses (and accuracies) printed and plotted. The course's
/// listing builds the second class's training and test sets from the first class (<c>x2_train = x1[:7000]</c>),
/// so that every point appears with both labels; this command uses the second class, as the text intends.
/// </summary>
internal static class ClassifyCommand
{
    /// <summary>Mean of every feature of class 1; class 0 has the opposite mean.</summary>
    internal const double Mean = 2;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var epochs = CliOptions.Int("--epochs", "Passes over the training set (as in the course)", 100);
        var lr = CliOptions.Positive("--lr", "Learning rate of the hand-written SGD, which also divides by the batch size", 0.01);
        var batchSize = CliOptions.Int("--batch-size", "Samples per mini-batch", 50);
        var samples = CliOptions.Int("--samples", "Examples per class; the first 70% of each train, the rest test (10000: 14000/6000 in all)", 10000, min: 2);
        var features = CliOptions.Int("--features", "Input features per example", 200);
        var hidden = CliOptions.Int("--hidden", "Hidden ReLU units", 100);
        var common = new CommonOptions();
        var dashboard = new DashboardOptions();
        var command = new Command("classify",
            "Binary classification of two Gaussian clouds (means +2 and -2) with a 200-100-1 ReLU net from raw tensors, BCEWithLogits " +
            "and hand-written SGD (course 000, 二分类任务). Note: the course's listing copies the first class into the second " +
            "(x2_train = x1[:7000], x2_test = x1[7000:]); this command uses the second class's own points, as the course means.")
        {
            epochs, lr, batchSize, samples, features, hidden,
        };
        common.AddTo(command);
        dashboard.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var run = common.Begin(parse, "classify");
            int n = parse.GetValue(samples), d = parse.GetValue(features), h = parse.GetValue(hidden);
            int e = parse.GetValue(epochs), batch = parse.GetValue(batchSize);
            double rate = parse.GetValue(lr);

            var data = MakeData(n, d);
            run.Log($"{RegressionCommand.Shape(data.TrainX)} {RegressionCommand.Shape(data.TrainY)} " +
                    $"{RegressionCommand.Shape(data.TestX)} {RegressionCommand.Shape(data.TestY)}");
            var net = new RawMlp(d, h, 1, std: 1);
            var loss = new BCEWithLogitsLoss();
            int batchesPerEpoch = (data.TrainX.Size(0) + batch - 1) / batch;
            using var live = dashboard.Begin(parse);
            var observers = new Observers(
                new EpochLogCallback(run, (epoch, m) => $"{RawTraining.CourseLine(epoch, m)},train_acc {m["train_acc"]:F6},test_acc {m["test_acc"]:F6}"));
            if (live is not null)
                observers.Add(new DashboardCallback(live.Visdom).PerEpoch(TrainingDashboard.TestWindow, "test loss & acc.", ["test_loss", "test_acc"], ["loss", "acc."]));
            var history = run.WithProgress("classify", (long)e * batchesPerEpoch, progress =>
                RawTraining.Run(net, loss.Forward, data, e, batch, rate, observers.Add(new ProgressCallback(progress, "batch")), Accuracy));

            bool positive = history["train_loss"].Concat(history["test_loss"]).All(v => v > 0 && double.IsFinite(v));
            RegressionCommand.SaveOutputs(run, history, "BCEWithLogits loss", logY: positive);
            var epochsX = history.Epochs.Select(x => (double)x).ToArray();
            new LineChart { Title = "classify: accuracy per epoch", XLabel = "epoch", YLabel = "accuracy" }
                .Add(epochsX, [.. history["train_acc"]], "train_acc")
                .Add(epochsX, [.. history["test_acc"]], "test_acc")
                .Save(run.PathOf("accuracy.svg"));
            net.Save(run.PathOf("model.safetensors"));
            run.Metric("epochs", history.Count);
            run.Metric("train_samples", data.TrainX.Size(0));
            run.Metric("test_samples", data.TestX.Size(0));
            run.Metric("train_loss", history["train_loss"][^1]);
            run.Metric("test_loss", history["test_loss"][^1]);
            run.Metric("train_acc", history["train_acc"][^1]);
            run.Metric("test_acc", history["test_acc"][^1]);
            run.Finish(clock);
            live?.Finish();
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Class 1: <c>torch.normal(2, 1, (samples, features))</c>, label 1; class 0: <c>torch.normal(-2, 1, ...)</c>, label 0.
    /// The first 70% of each class train, the rest test; each set is class 1 followed by class 0 (<c>torch.cat</c>).
    /// </summary>
    internal static Split MakeData(int samples, int features)
    {
        var x1 = Tensor.Normal(Mean, 1, [samples, features]);
        var y1 = Tensor.Ones([samples, 1]);
        var x2 = Tensor.Normal(-Mean, 1, [samples, features]);
        var y2 = Tensor.Zeros([samples, 1]);
        int train = Math.Clamp((int)Math.Round(samples * 0.7), 1, samples - 1);
        // The course writes x2_train = x1[:7000] and x2_test = x1[7000:]; it means x2.
        return new Split(
            Tensor.Cat([x1[..train], x2[..train]]), Tensor.Cat([y1[..train], y2[..train]]),
            Tensor.Cat([x1[train..], x2[train..]]), Tensor.Cat([y1[train..], y2[train..]]));
    }

    /// <summary>Fraction of examples whose logit has the sign of its label (logit &gt; 0 predicts 1).</summary>
    internal static double Accuracy(Tensor logits, Tensor labels)
        => (logits > 0).To(DType.Float32).Eq(labels).To(DType.Float32).Mean().Item();
}
