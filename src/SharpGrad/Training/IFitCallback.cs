namespace SharpGrad.Training;

/// <summary>
/// Hooks called by <see cref="Fit.Run"/> (Keras' <c>Callback</c>, PyTorch Lightning's callback hooks). Every method has an
/// empty default, so a callback implements only what it needs.
/// </summary>
public interface IFitCallback
{
    /// <summary>Called before the first batch of epoch <paramref name="epoch"/> (1-based, or from <see cref="FitOptions.StartEpoch"/>).</summary>
    void OnEpochStart(int epoch) { }

    /// <summary>Called after each optimizer step with the running step count (1-based, over all epochs) and the batch loss.</summary>
    void OnBatchEnd(int step, double loss) { }

    /// <summary>
    /// Called after an epoch's training and validation with its metrics ("train_loss", and "train_acc", "val_loss",
    /// "val_acc" when they apply). Return true to stop training after this epoch.
    /// </summary>
    bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics) => false;

    /// <summary>Called once when training ends, early or not, with the history of the run.</summary>
    void OnTrainEnd(History history) { }
}
