using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>What a run trains on and with, given to observers before the first step.</summary>
/// <param name="Model">The model's name (<c>mlp</c>, <c>mlp3</c>, <c>deep</c>, <c>cnn</c>).</param>
/// <param name="Dataset">The dataset's name (<c>embedded</c>, <c>mnist</c>, <c>fashion-mnist</c>).</param>
/// <param name="ClassNames">Short class names, indexed by label.</param>
/// <param name="TrainSamples">Training samples per epoch.</param>
/// <param name="TestSamples">Test samples evaluated after each epoch.</param>
/// <param name="Epochs">Epochs asked for (early stopping may end sooner).</param>
/// <param name="BatchesPerEpoch">Training batches (optimizer steps) per epoch.</param>
internal sealed record MnistRunInfo(string Model, string Dataset, IReadOnlyList<string> ClassNames,
    int TrainSamples, int TestSamples, int Epochs, int BatchesPerEpoch);

/// <summary>
/// Watches a <see cref="MnistTrainer"/> run: the hook for live views (the dashboard) and for anything else that wants
/// the numbers as they come, without touching the loop. Calls come from the training thread, in order; every method
/// has an empty default, so an observer implements only what it needs. Observers must not keep the tensors they are
/// given beyond the call unless they copy them (the trainer does not reuse them, but may in the future).
/// </summary>
internal interface IMnistObserver
{
    /// <summary>Before the first step.</summary>
    void OnTrainStart(MnistRunInfo info) { }

    /// <summary>Before the first batch of epoch <paramref name="epoch"/> (1-based).</summary>
    void OnEpochStart(int epoch) { }

    /// <summary>After each optimizer step: the global step (1-based, counting across epochs) and the batch's mean loss.</summary>
    void OnTrainStep(long step, double loss) { }

    /// <summary>After each epoch's training pass: the epoch (1-based), its mean training loss and training accuracy (0..1).</summary>
    void OnTrainEpoch(int epoch, double loss, double accuracy) { }

    /// <summary>
    /// After each epoch's test pass: the epoch, the average test loss per sample, the test accuracy (0..1), and a few
    /// test images (float32 [N, 1, 28, 28] in [0, 1], un-normalised, ready to show) with their predicted and true
    /// labels (int64 [N]).
    /// </summary>
    void OnTestEpoch(int epoch, double loss, double accuracy, Tensor images, Tensor predictions, Tensor targets) { }

    /// <summary>
    /// After the last epoch (or the early stop): the per-epoch history (train_loss, train_acc, test_loss, test_acc, seconds)
    /// and the test accuracy (0..1) of the model that is kept (the best one under early stopping).
    /// </summary>
    void OnTrainEnd(History history, double accuracy) { }
}

/// <summary>
/// Lets an <see cref="IFitCallback"/> (the hooks the other training commands and <see cref="SharpGrad.Training.Fit.Run"/> call) watch the mnist
/// loop: steps become <c>OnBatchEnd</c>, each epoch's history row (train_loss, train_acc, test_loss, test_acc, seconds)
/// becomes <c>OnEpochEnd</c>. A stop request from the callback is ignored: <c>--early-stop</c> decides when to stop.
/// </summary>
internal sealed class FitCallbackObserver(IFitCallback callback) : IMnistObserver
{
    private readonly Dictionary<string, double> _row = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void OnEpochStart(int epoch) => callback.OnEpochStart(epoch);

    /// <inheritdoc/>
    public void OnTrainStep(long step, double loss) => callback.OnBatchEnd(checked((int)step), loss);

    /// <inheritdoc/>
    public void OnTrainEpoch(int epoch, double loss, double accuracy)
    {
        _row.Clear();
        _row["train_loss"] = loss;
        _row["train_acc"] = accuracy;
    }

    /// <inheritdoc/>
    public void OnTestEpoch(int epoch, double loss, double accuracy, Tensor images, Tensor predictions, Tensor targets)
    {
        _row["test_loss"] = loss;
        _row["test_acc"] = accuracy;
        callback.OnEpochEnd(epoch, new Dictionary<string, double>(_row, StringComparer.Ordinal));
    }

    /// <inheritdoc/>
    public void OnTrainEnd(History history, double accuracy) => callback.OnTrainEnd(history);
}
