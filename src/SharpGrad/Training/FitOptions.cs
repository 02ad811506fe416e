using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>Optional settings of <see cref="Fit.Run"/>.</summary>
public sealed class FitOptions
{
    /// <summary>Callbacks, called in this order at each hook.</summary>
    public IReadOnlyList<IFitCallback> Callbacks { get; init; } = [];

    /// <summary>
    /// A learning-rate scheduler stepped once at the end of every epoch (<c>scheduler.step()</c>); a
    /// <see cref="ReduceLROnPlateau"/> is stepped with "val_loss", or "train_loss" without validation data.
    /// </summary>
    public LRScheduler? Scheduler { get; init; }

    /// <summary>When set, gradients are clipped to this total 2-norm before each step (<c>clip_grad_norm_</c>).</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>Number of the first epoch, e.g. 11 when resuming after 10 epochs.</summary>
    public int StartEpoch { get; init; } = 1;

    /// <summary>A history to append the epochs to (when resuming); a new one when null.</summary>
    public History? History { get; init; }
}
