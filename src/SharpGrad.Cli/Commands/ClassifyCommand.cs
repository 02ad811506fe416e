using System.CommandLine;
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
        var options = new RawOptions("Examples per class; the first 70% of each train, the rest test (10000: 14000/6000 in all)", features: 200, hidden: 100);
        return options.Command("classify",
            "Binary classification of two Gaussian clouds (means +2 and -2) with a 200-100-1 ReLU net from raw tensors, BCEWithLogits " +
            "and hand-written SGD (course 000, 二分类任务). Note: the course's listing copies the first class into the second " +
            "(x2_train = x1[:7000], x2_test = x1[7000:]); this command uses the second class's own points, as the course means.")
            .SetRun("classify", (parse, run, live) =>
            {
                var s = options.Read(parse);
                var data = MakeData(s.Samples, s.Features);
                RawCommand.LogShapes(run, data);
                var net = new RawMlp(s.Features, s.Hidden, 1, std: 1);
                var observers = new Observers(
                    new EpochLogCallback(run, (epoch, m) => $"{RawTraining.CourseLine(epoch, m)},train_acc {m["train_acc"]:F6},test_acc {m["test_acc"]:F6}"));
                if (live is not null)
                    observers.Add(new DashboardCallback(live.Visdom).PerEpoch(TrainingDashboard.TestWindow, "test loss & acc.", ["test_loss", "test_acc"], ["loss", "acc."]));
                var history = RawCommand.TrainAndSave(run, net, new BCEWithLogitsLoss().Forward, data, s, observers, "BCEWithLogits loss",
                    logYWhenPositive: true, accuracy: Accuracy);

                var epochsX = history.Epochs.Select(x => (double)x).ToArray();
                run.Output("accuracy.svg", new LineChart { Title = "classify: accuracy per epoch", XLabel = "epoch", YLabel = "accuracy" }
                    .Add(epochsX, [.. history["train_acc"]], "train_acc")
                    .Add(epochsX, [.. history["test_acc"]], "test_acc")
                    .Save);
                run.Metric("train_acc", history["train_acc"][^1]);
                run.Metric("test_acc", history["test_acc"][^1]);
            }, dashboard: true);
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
