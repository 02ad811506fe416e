using SharpGrad.Core;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// A ready-made epoch loop (what Keras' <c>model.fit</c> and Lightning's <c>Trainer.fit</c> do, and what the course writes by
/// hand as <c>train(epoch)</c> / <c>test()</c>). Hand-written loops stay the natural way to train; this one serves tools
/// that need the usual loop with metrics, early stopping and checkpoints.
/// </summary>
public static class Fit
{
    /// <summary>
    /// Trains <paramref name="model"/> for up to <paramref name="epochs"/> epochs and returns the per-epoch metrics.
    /// Each batch is <c>(x, y)</c>: <c>optimizer.ZeroGrad(); loss = lossFn(model.Forward(x), y); loss.Backward(); optimizer.Step()</c>
    /// with the model in training mode; validation runs in evaluation mode under <c>NoGrad</c>.
    /// </summary>
    /// <remarks>
    /// Metrics per epoch: "train_loss", the mean of the batch losses; with a validation loader "val_loss", the mean of the
    /// batch losses weighted by batch size (the per-sample mean for a mean-reduced loss). When the targets are int64 class
    /// indices and the outputs [N, C] scores, "train_acc" (from the outputs seen while training) and "val_acc" are added.
    /// Training stops after an epoch for which any callback's <see cref="IFitCallback.OnEpochEnd"/> returns true. The
    /// model is left in the mode it was in before.
    /// </remarks>
    /// <param name="model">The model to train.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="lossFn">Loss of (output, target), a scalar tensor; e.g. <c>F.CrossEntropy</c> or <c>new MSELoss().Forward</c>.</param>
    /// <param name="train">The training batches.</param>
    /// <param name="validation">The validation batches, or null.</param>
    /// <param name="epochs">How many epochs to run at most; not negative.</param>
    /// <param name="options">Callbacks, scheduler, clipping and resumption; defaults when null.</param>
    public static History Run(Module model, Optimizer optimizer, Func<Tensor, Tensor, Tensor> lossFn, DataLoader train,
        DataLoader? validation, int epochs, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(lossFn);
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 0) throw new ArgumentException($"fit: epochs must not be negative, got {epochs}");
        options ??= new FitOptions();
        var history = options.History ?? new History();
        var callbacks = options.Callbacks;
        bool wasTraining = model.Training;
        int step = 0;
        try
        {
            for (int epoch = options.StartEpoch; epoch < options.StartEpoch + epochs; epoch++)
            {
                foreach (var cb in callbacks) cb.OnEpochStart(epoch);
                var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
                TrainEpoch(model, optimizer, lossFn, train, options, callbacks, ref step, metrics);
                if (validation is not null) Evaluate(model, lossFn, validation, metrics, "val_");
                history.Add(epoch, metrics);
                StepScheduler(options.Scheduler, metrics);
                bool stop = false;
                foreach (var cb in callbacks) stop |= cb.OnEpochEnd(epoch, metrics);
                if (stop) break;
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
        foreach (var cb in callbacks) cb.OnTrainEnd(history);
        return history;
    }

    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="data"/> in evaluation mode under <c>NoGrad</c> and returns
    /// "loss" (the per-sample mean of the batch losses) and, for int64 class targets and [N, C] outputs, "acc"
    /// (the course's <c>test()</c>). The model is left in the mode it was in before.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Evaluate(Module model, Func<Tensor, Tensor, Tensor> lossFn, DataLoader data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lossFn);
        ArgumentNullException.ThrowIfNull(data);
        bool wasTraining = model.Training;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            Evaluate(model, lossFn, data, metrics, "");
        }
        finally
        {
            model.Train(wasTraining);
        }
        return metrics;
    }

    private static void TrainEpoch(Module model, Optimizer optimizer, Func<Tensor, Tensor, Tensor> lossFn, DataLoader train,
        FitOptions options, IReadOnlyList<IFitCallback> callbacks, ref int step, Dictionary<string, double> metrics)
    {
        model.Train();
        double lossSum = 0;
        long batches = 0, correct = 0, seen = 0;
        bool classification = true;
        foreach (var batch in train)
        {
            var (x, y) = Split(batch);
            optimizer.ZeroGrad();
            var output = model.Forward(x);
            var loss = CheckLoss(lossFn(output, y));
            loss.Backward();
            if (options.ClipGradNorm is double maxNorm) ClipGrad.ClipGradNorm_(model.Parameters(), maxNorm);
            optimizer.Step();
            double value = loss.Item();
            lossSum += value;
            batches++;
            classification &= IsClassification(output, y);
            if (classification)
            {
                var (c, n) = Metrics.CountCorrect(output, y, "fit");
                correct += c;
                seen += n;
            }
            step++;
            foreach (var cb in callbacks) cb.OnBatchEnd(step, value);
        }
        if (batches == 0) throw new InvalidOperationException("fit: the training loader produced no batches");
        metrics["train_loss"] = lossSum / batches;
        if (classification && seen > 0) metrics["train_acc"] = (double)correct / seen;
    }

    private static void Evaluate(Module model, Func<Tensor, Tensor, Tensor> lossFn, DataLoader data, Dictionary<string, double> metrics, string prefix)
    {
        model.Eval();
        double lossSum = 0;
        long samples = 0, correct = 0;
        bool classification = true;
        using (Tensor.NoGrad())
        {
            foreach (var batch in data)
            {
                var (x, y) = Split(batch);
                var output = model.Forward(x);
                int n = x.NDim == 0 ? 1 : x.Size(0);
                lossSum += CheckLoss(lossFn(output, y)).Item() * n;
                samples += n;
                classification &= IsClassification(output, y);
                if (classification) correct += Metrics.CountCorrect(output, y, "fit").Correct;
            }
        }
        if (samples == 0) throw new InvalidOperationException("fit: the validation loader produced no samples");
        metrics[prefix + "loss"] = lossSum / samples;
        if (classification) metrics[prefix + "acc"] = (double)correct / samples;
    }

    private static (Tensor X, Tensor Y) Split(Batch batch)
    {
        if (batch.Count < 2) throw new ArgumentException($"fit: each batch must hold an input and a target, got {batch.Count} tensor(s)");
        return (batch[0], batch[1]);
    }

    private static Tensor CheckLoss(Tensor loss)
    {
        if (loss is null) throw new InvalidOperationException("fit: the loss function returned null");
        if (loss.Numel() != 1) throw new ArgumentException($"fit: the loss function must return a single value, got shape {Shape.Format(loss.Shape)}");
        return loss;
    }

    private static bool IsClassification(Tensor output, Tensor target) =>
        target.DType == DType.Int64 && target.NDim == 1 && output.NDim == 2 && output.Size(0) == target.Size(0);

    private static void StepScheduler(LRScheduler? scheduler, Dictionary<string, double> metrics)
    {
        if (scheduler is ReduceLROnPlateau plateau)
            plateau.Step(metrics.TryGetValue("val_loss", out var v) ? v : metrics["train_loss"]);
        else
            scheduler?.Step();
    }
}
