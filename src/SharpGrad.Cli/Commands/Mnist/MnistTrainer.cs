using System.Diagnostics;
using System.Globalization;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Training;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>One pass over the test set: the summed loss, the predictions, and the first images for pictures.</summary>
/// <param name="Loss">Average loss per sample (summed over the set, divided by its size, as course 004 does).</param>
/// <param name="Correct">Number of correct predictions.</param>
/// <param name="Count">Number of test samples.</param>
/// <param name="Predictions">Predicted class of every test sample.</param>
/// <param name="Targets">True class of every test sample.</param>
/// <param name="Images">The test images in display form (float32 [N, 1, 28, 28] in [0, 1]), in test-set order.</param>
internal sealed record MnistEvaluation(double Loss, long Correct, int Count, long[] Predictions, long[] Targets, Tensor Images)
{
    /// <summary>Fraction correct, 0..1.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>What a finished run produced.</summary>
/// <param name="History">Per-epoch train/test loss and accuracy.</param>
/// <param name="Final">The test pass of the model that is saved (the best one under early stopping).</param>
/// <param name="EpochsRun">Epochs actually trained.</param>
/// <param name="BestEpoch">Epoch of the saved model.</param>
/// <param name="StoppedEarly">True when early stopping ended the run.</param>
/// <param name="StepLosses">The loss of every training step.</param>
/// <param name="Steps">Optimizer steps taken.</param>
internal sealed record MnistResult(History History, MnistEvaluation Final, int EpochsRun, int BestEpoch, bool StoppedEarly,
    List<double> StepLosses, long Steps);

/// <summary>
/// The training loop of <c>sharpgrad mnist</c>, as the course writes it: per epoch, a shuffled pass over the training
/// set (forward, loss, <c>zero_grad</c>, <c>backward</c>, <c>step</c>) with a "Train Epoch" line every log interval, then a
/// pass over the test set and its "Test set" line. Everything else (history, live views) hangs off
/// <see cref="IMnistObserver"/>s.
/// </summary>
internal sealed class MnistTrainer(MnistSettings settings, MnistData data, Module model, RunContext run, IReadOnlyList<IMnistObserver> observers,
    MnistDistributed? distributed = null)
{
    /// <summary>Number of test images handed to observers after each epoch.</summary>
    public const int ObservedImages = 32;

    private readonly bool _logProbabilities = MnistModels.OutputsLogProbabilities(settings.Model);

    /// <summary>Trains for the configured epochs (or until early stopping) and returns the history and the final test pass.</summary>
    public MnistResult Run()
    {
        var update = IParameterUpdate.Create(settings, [.. model.Parameters()]);
        // Data-parallel: each rank trains the DDP-wrapped model on its sampler's share (see MnistDistributed).
        var sampler = distributed is null ? null : MnistDistributed.Sampler(data.Train, run.Seed);
        var trainModel = distributed is null ? model : MnistDistributed.Wrap(model);
        int world = distributed?.WorldSize ?? 1;
        var trainLoader = sampler is null
            ? new DataLoader(data.Train, settings.BatchSize, shuffle: true)
            : new DataLoader(data.Train, settings.BatchSize, sampler: sampler);
        var testLoader = new DataLoader(data.Test, settings.TestBatchSize);
        var early = settings.EarlyStopPatience is int patience
            ? new EarlyStopping(monitor: "test_acc", mode: "max", patience: patience, restoreBestWeights: true)
            : null;
        var history = new History();
        var stepLosses = new List<double>();
        int trainCount = data.Train.Count, batches = trainLoader.Count;
        var info = new MnistRunInfo(settings.Model, settings.Dataset, data.ClassNames, trainCount, data.Test.Count, settings.Epochs, batches);
        foreach (var o in observers) o.OnTrainStart(info);

        long step = 0;
        int epochsRun = 0;
        bool stopped = false, midEpoch = false;
        MnistEvaluation? last = null;
        run.WithProgress($"{settings.Model} on {settings.Dataset}", (long)settings.Epochs * trainCount, progress =>
        {
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                foreach (var o in observers) o.OnEpochStart(epoch);
                sampler?.SetEpoch(epoch);
                trainModel.Train();
                double lossSum = 0;
                long correct = 0, seen = 0;
                int batchIdx = 0;
                foreach (var (images, labels) in trainLoader)
                {
                    // Batches come from the DataLoader on the CPU and move to the model's device, as course 001's data.to(device).
                    var x = images.To(settings.Device);
                    var y = labels.To(settings.Device);
                    var output = trainModel.Forward(x);
                    var loss = Loss(output, y, "mean");
                    update.ZeroGrad();
                    loss.Backward();
                    update.Step();

                    double l = loss.Item();
                    int size = y.Size(0);
                    step++;
                    lossSum += l * size;
                    seen += size;
                    using (Tensor.NoGrad()) correct += output.Argmax(1).Eq(y).Sum().Item<long>();
                    stepLosses.Add(l);
                    if (batchIdx % settings.LogInterval == 0) run.Log(TrainLine(epoch, batchIdx, size * world, trainCount, batches, l));
                    foreach (var o in observers) o.OnTrainStep(step, l);
                    progress.Advance(size * world, l, "img");
                    batchIdx++;
                    if (run.Interrupted) break;
                }
                // Ctrl-C: the step is done; an unfinished epoch gets no history row.
                if (run.Interrupted && batchIdx < batches)
                {
                    midEpoch = true;
                    break;
                }
                if (distributed is not null)
                {
                    double[] sums = [lossSum, correct, seen];
                    MnistDistributed.Sum(sums);
                    (lossSum, correct, seen) = (sums[0], (long)sums[1], (long)sums[2]);
                }
                double trainLoss = lossSum / Math.Max(1, seen), trainAcc = (double)correct / Math.Max(1, seen);
                foreach (var o in observers) o.OnTrainEpoch(epoch, trainLoss, trainAcc);

                last = Evaluate(testLoader);
                run.Log("");
                run.Log(TestLine(last));
                run.Log("");
                Notify(epoch, last);
                history.Add(epoch, new Dictionary<string, double>
                {
                    ["train_loss"] = trainLoss, ["train_acc"] = trainAcc, ["test_loss"] = last.Loss, ["test_acc"] = last.Accuracy,
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
                epochsRun = epoch;
                if (early is not null && early.Step(last.Accuracy, model))
                {
                    stopped = epoch < settings.Epochs;
                    break;
                }
                if (run.Interrupted) break;
            }
        });

        int bestEpoch = epochsRun;
        // Interrupted within an epoch, the saved model is the one of the last step: test that one.
        var final = midEpoch || last is null ? Evaluate(testLoader) : last;
        if (early is not null && early.BestEpoch > 0 && early.BestEpoch != epochsRun)
        {
            early.RestoreBest(model);
            bestEpoch = early.BestEpoch;
            final = Evaluate(testLoader);
            run.Log($"Early stopping: restored the model of epoch {bestEpoch} (test accuracy {Percent(final.Accuracy)})");
        }
        foreach (var o in observers) o.OnTrainEnd(history, final.Accuracy);
        return new MnistResult(history, final, epochsRun, bestEpoch, stopped, stepLosses, step);
    }

    /// <summary>Runs the model on the whole test set (evaluation mode, no gradients).</summary>
    public MnistEvaluation Evaluate(DataLoader testLoader)
    {
        model.Eval();
        double lossSum = 0;
        long correct = 0;
        var predictions = new List<long>(data.Test.Count);
        var targets = new List<long>(data.Test.Count);
        var images = new List<Tensor>();
        using (Tensor.NoGrad())
        {
            foreach (var (x, labels) in testLoader)
            {
                var y = labels.To(settings.Device);
                var output = model.Forward(x.To(settings.Device));
                lossSum += Loss(output, y, "sum").Item();
                var pred = output.Argmax(1);
                correct += pred.Eq(y).Sum().Item<long>();
                predictions.AddRange(pred.ToArray<long>());
                targets.AddRange(y.ToArray<long>());
                images.Add(data.Display(x));
            }
        }
        int n = targets.Count;
        var all = images.Count == 1 ? images[0] : Tensor.Cat([.. images], 0);
        return new MnistEvaluation(lossSum / Math.Max(1, n), correct, n, [.. predictions], [.. targets], all);
    }

    private void Notify(int epoch, MnistEvaluation e)
    {
        if (observers.Count == 0) return;
        int k = Math.Min(ObservedImages, e.Count);
        var images = e.Images[..k];
        var predictions = Tensor.FromBuffer(e.Predictions[..k], k);
        var targets = Tensor.FromBuffer(e.Targets[..k], k);
        foreach (var o in observers) o.OnTestEpoch(epoch, e.Loss, e.Accuracy, images, predictions, targets);
    }

    private Tensor Loss(Tensor output, Tensor target, string reduction)
        => _logProbabilities ? F.NllLoss(output, target, reduction: reduction) : F.CrossEntropy(output, target, reduction: reduction);

    /// <summary>
    /// Course 001/004's line: <c>'Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(epoch, batch_idx * len(data),
    /// len(train_loader.dataset), 100. * batch_idx / len(train_loader), loss.item())</c>; Python rounds halves to even.
    /// </summary>
    internal static string TrainLine(int epoch, int batchIdx, int batchSize, int datasetSize, int batches, double loss)
    {
        double percent = Math.Round(100.0 * batchIdx / batches, MidpointRounding.ToEven);
        return string.Create(CultureInfo.InvariantCulture,
            $"Train Epoch: {epoch} [{(long)batchIdx * batchSize}/{datasetSize} ({percent:F0}%)]\tLoss: {loss:F6}");
    }

    /// <summary>Course 001's line: <c>'Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)'</c>.</summary>
    internal static string TestLine(MnistEvaluation e)
        => string.Create(CultureInfo.InvariantCulture,
            $"Test set: Average loss: {e.Loss:F4}, Accuracy: {e.Correct}/{e.Count} ({Math.Round(100.0 * e.Correct / Math.Max(1, e.Count), MidpointRounding.ToEven):F0}%)");

    private static string Percent(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
