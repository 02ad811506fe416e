using System.CommandLine;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Raw;

/// <summary>The values of the options of a raw-tensor command (<see cref="RawOptions"/>).</summary>
internal sealed record RawSettings(int Samples, int Features, int Hidden, int Epochs, int BatchSize, double Lr);

/// <summary>
/// The options of the course 000 commands (<c>regression</c>, <c>classify</c>): <c>--epochs</c>, <c>--lr</c>,
/// <c>--batch-size</c>, <c>--samples</c>, <c>--features</c>, <c>--hidden</c>, in that order; the descriptions of
/// <c>--samples</c> and the defaults of the last two are the command's.
/// </summary>
internal sealed class RawOptions(string samplesHelp, int features, int hidden)
{
    private readonly Option<int> _epochs = CliOptions.Int("--epochs", "Passes over the training set (as in the course)", 100);
    private readonly Option<double> _lr = CliOptions.Positive("--lr", "Learning rate of the hand-written SGD, which also divides by the batch size", 0.01);
    private readonly Option<int> _batchSize = CliOptions.Int("--batch-size", "Samples per mini-batch", 50);
    private readonly Option<int> _samples = CliOptions.Int("--samples", samplesHelp, 10000, min: 2);
    private readonly Option<int> _features = CliOptions.Int("--features", "Input features per example", features);
    private readonly Option<int> _hidden = CliOptions.Int("--hidden", "Hidden ReLU units", hidden);

    /// <summary>Creates command <paramref name="name"/> with the six options.</summary>
    public Command Command(string name, string description)
        => new(name, description) { _epochs, _lr, _batchSize, _samples, _features, _hidden };

    /// <summary>The parsed values.</summary>
    public RawSettings Read(ParseResult parse)
        => new(parse.GetValue(_samples), parse.GetValue(_features), parse.GetValue(_hidden),
            parse.GetValue(_epochs), parse.GetValue(_batchSize), parse.GetValue(_lr));
}

/// <summary>The part of a course 000 command's run that <c>regression</c> and <c>classify</c> share.</summary>
internal static class RawCommand
{
    /// <summary>Logs the four tensors' shapes as the course prints them (<c>torch.Size([7000, 500])</c> ...).</summary>
    public static void LogShapes(RunContext run, Split data)
        => run.Log($"{Shape(data.TrainX)} {Shape(data.TrainY)} {Shape(data.TestX)} {Shape(data.TestY)}");

    /// <summary>
    /// Trains <paramref name="net"/> with <see cref="RawTraining.Run"/> under a progress bar (one unit per batch, titled
    /// by the command) and <paramref name="observers"/>; saves history.csv, history.json, loss.svg and model.safetensors
    /// and records the metrics epochs, train_samples, test_samples, train_loss and test_loss. Returns the history.
    /// </summary>
    public static History TrainAndSave(RunContext run, RawMlp net, Func<Tensor, Tensor, Tensor> loss, Split data, RawSettings s,
        Observers observers, string lossName, bool logYWhenPositive = false, Func<Tensor, Tensor, double>? accuracy = null)
    {
        int batchesPerEpoch = (data.TrainX.Size(0) + s.BatchSize - 1) / s.BatchSize;
        var history = run.WithProgress(run.Command, (long)s.Epochs * batchesPerEpoch, progress =>
            RawTraining.Run(net, loss, data, s.Epochs, s.BatchSize, s.Lr, observers.Add(new ProgressCallback(progress, "batch")), accuracy));

        bool logY = logYWhenPositive && history["train_loss"].Concat(history["test_loss"]).All(v => v > 0 && double.IsFinite(v));
        history.SaveCsv(run.PathOf("history.csv"));
        history.SaveJson(run.PathOf("history.json"));
        var epochs = history.Epochs.Select(x => (double)x).ToArray();
        run.Output("loss.svg", new LineChart { Title = $"{run.Command}: {lossName} per epoch", XLabel = "epoch", YLabel = "loss", LogY = logY }
            .Add(epochs, [.. history["train_loss"]], "train_loss")
            .Add(epochs, [.. history["test_loss"]], "test_loss")
            .Save);
        net.Save(run.PathOf("model.safetensors"));
        run.Metric("epochs", history.Count);
        run.Metric("train_samples", data.TrainX.Size(0));
        run.Metric("test_samples", data.TestX.Size(0));
        run.Metric("train_loss", history["train_loss"][^1]);
        run.Metric("test_loss", history["test_loss"][^1]);
        return history;
    }

    /// <summary>PyTorch's <c>torch.Size([7000, 500])</c>.</summary>
    internal static string Shape(Tensor t) => $"torch.Size([{string.Join(", ", t.Shape.ToArray())}])";
}
