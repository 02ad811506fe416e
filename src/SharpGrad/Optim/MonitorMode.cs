namespace SharpGrad.Optim;

/// <summary>
/// The values of the <c>mode</c> argument of <see cref="ReduceLROnPlateau"/> and of the training callbacks that watch a
/// metric (<c>EarlyStopping</c>, <c>ModelCheckpoint</c>), as constants: <c>mode: MonitorMode.Max</c> is <c>mode="max"</c>.
/// </summary>
public static class MonitorMode
{
    /// <summary>Better means lower (a loss).</summary>
    public const string Min = "min";

    /// <summary>Better means higher (an accuracy).</summary>
    public const string Max = "max";
}

/// <summary>The values of <see cref="ReduceLROnPlateau"/>'s <c>thresholdMode</c> argument (<c>threshold_mode</c>).</summary>
public static class ThresholdMode
{
    /// <summary>An improvement must beat the best by the fraction <c>threshold</c> of it (PyTorch's default).</summary>
    public const string Rel = "rel";

    /// <summary>An improvement must beat the best by <c>threshold</c> itself.</summary>
    public const string Abs = "abs";
}
