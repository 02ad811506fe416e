using System.CommandLine;
using SharpGrad.Cli.Commands.Raw;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN;

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
        var options = new RawOptions("Number of examples; the first 70% train, the rest test (10000: 7000/3000)", features: 500, hidden: 256);
        return options.Command("regression",
            "High-dimensional regression with a 500-256-1 ReLU net from raw tensors and hand-written SGD (course 000, 回归任务): " +
            "y = X w + b + noise with w = 0.0056 per feature, b = 0.028, noise N(0, 0.01); prints and plots the train/test MSE per epoch")
            .SetRun("regression", (parse, run, live) =>
            {
                var s = options.Read(parse);
                var data = MakeData(s.Samples, s.Features);
                RawCommand.LogShapes(run, data);
                var net = new RawMlp(s.Features, s.Hidden, 1, std: 0.01);
                var observers = new Observers(new EpochLogCallback(run, RawTraining.CourseLine));
                if (live is not null)
                    observers.Add(new DashboardCallback(live.Visdom).PerEpoch("loss", "train & test loss", ["train_loss", "test_loss"], ["train", "test"], "MSE"));
                RawCommand.TrainAndSave(run, net, new MSELoss().Forward, data, s, observers, "MSE");
                run.Metric("noise_mse", Noise * Noise);
            }, dashboard: true);
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
}
