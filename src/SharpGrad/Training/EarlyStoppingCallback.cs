using SharpGrad.NN;

namespace SharpGrad.Training;

/// <summary>
/// Runs an <see cref="EarlyStopping"/> inside <see cref="Fit.Run"/> (Keras' <c>EarlyStopping</c> callback): each epoch's
/// metrics go to <see cref="EarlyStopping.Step(IReadOnlyDictionary{string, double}, Module)"/>, and training stops when it
/// says so. With <see cref="EarlyStopping.RestoreBestWeights"/>, the model gets the best epoch's weights back at the end.
/// </summary>
/// <param name="earlyStopping">The rule deciding when to stop.</param>
/// <param name="model">The model whose best weights to keep; needed only with restoreBestWeights.</param>
public sealed class EarlyStoppingCallback(EarlyStopping earlyStopping, Module? model = null) : IFitCallback
{
    /// <summary>The rule deciding when to stop.</summary>
    public EarlyStopping EarlyStopping { get; } = earlyStopping ?? throw new ArgumentNullException(nameof(earlyStopping));

    /// <summary>The epoch number at which training was stopped, or null when it ran to the end.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Feeds the monitored metric to the rule; true once the patience is used up.</summary>
    public bool OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        bool stop = EarlyStopping.Step(metrics, model);
        if (stop) StoppedEpoch = epoch;
        return stop;
    }

    /// <summary>Loads the best weights back into the model when they were kept.</summary>
    public void OnTrainEnd(History history)
    {
        if (model is not null && EarlyStopping.BestWeights is not null) EarlyStopping.RestoreBest(model);
    }
}
