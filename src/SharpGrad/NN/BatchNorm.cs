namespace SharpGrad.NN;

/// <summary>
/// Shared logic of batch normalisation (<c>nn.modules.batchnorm._BatchNorm</c>): normalises each channel
/// (dim 1) with the batch statistics while training, updating running estimates, and with the running
/// estimates in eval mode; then scales and shifts by the learnable weight and bias.
/// </summary>
public abstract class BatchNorm : Module
{
    private readonly int _expectedRank;

    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    protected BatchNorm(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, int expectedRank, DType dtype)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: num_features must be positive, got {numFeatures}");
        (NumFeatures, Eps, Momentum, Affine, TrackRunningStats, _expectedRank) = (numFeatures, eps, momentum, affine, trackRunningStats, expectedRank);
        if (affine)
        {
            Weight = new Parameter(Tensor.Ones([numFeatures], dtype));
            Bias = new Parameter(Tensor.Zeros([numFeatures], dtype));
        }
        RegisterParameter("weight", Weight);
        RegisterParameter("bias", Bias);
        if (trackRunningStats)
        {
            RegisterBuffer("running_mean", Tensor.Zeros([numFeatures], dtype));
            RegisterBuffer("running_var", Tensor.Ones([numFeatures], dtype));
            RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
        }
    }

    /// <summary>Number of channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Weight of the newest batch in the running averages; null means a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>Whether there are learnable weight and bias.</summary>
    public bool Affine { get; }

    /// <summary>Whether running statistics are kept (and used in eval mode).</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Scale per channel (<c>bn.weight</c>), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift per channel (<c>bn.bias</c>), or null without affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean per channel (<c>bn.running_mean</c>).</summary>
    public Tensor? RunningMean => GetBuffer("running_mean");

    /// <summary>Running (unbiased) variance per channel (<c>bn.running_var</c>).</summary>
    public Tensor? RunningVar => GetBuffer("running_var");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.NDim != _expectedRank && !(_expectedRank == 2 && input.NDim == 3))
            throw new ArgumentException($"{GetType().Name}: expected {(_expectedRank == 2 ? "2D or 3D" : "4D")} input, got input of shape {Core.Shape.Format(input.Shape)}");
        if (input.Size(1) != NumFeatures)
            throw new ArgumentException($"{GetType().Name}: expected {NumFeatures} channels in dim 1, got input of shape {Core.Shape.Format(input.Shape)}");
        var dims = Enumerable.Range(0, input.NDim).Where(d => d != 1).ToArray();
        var shape = Enumerable.Repeat(1, input.NDim).ToArray();
        shape[1] = NumFeatures;

        bool useBatch = Training || !TrackRunningStats;
        var trace = useBatch ? default : OpTrace.Enter(); // eval mode: one traced op, as ONNX's BatchNormalization
        Tensor mean, variance;
        if (useBatch)
        {
            int count = input.Numel() / NumFeatures;
            if (Training && count <= 1)
                throw new ArgumentException($"{GetType().Name}: expected more than 1 value per channel when training, got input of shape {Core.Shape.Format(input.Shape)}");
            mean = input.Mean(dims, keepDim: true);
            variance = (input - mean).Square().Mean(dims, keepDim: true);
            if (Training && TrackRunningStats) UpdateRunningStats(mean, variance, count);
        }
        else
        {
            mean = RunningMean!.View(shape);
            variance = RunningVar!.View(shape);
        }
        var y = (input - mean) / (variance + Eps).Sqrt();
        if (Affine) y = y * Weight!.View(shape) + Bias!.View(shape);
        if (trace.Exit()) OpTrace.Record("batch_norm", y, [input, RunningMean, RunningVar, Weight, Bias], ("eps", Eps));
        return y;
    }

    /// <inheritdoc/>
    public override string ExtraRepr()
        => $"{NumFeatures}, eps={Repr.Float(Eps)}, momentum={(Momentum is double m ? Repr.Float(m) : "None")}, affine={Repr.Bool(Affine)}, track_running_stats={Repr.Bool(TrackRunningStats)}";

    private void UpdateRunningStats(Tensor mean, Tensor variance, int count)
    {
        using var noGrad = Tensor.NoGrad();
        var tracked = GetBuffer("num_batches_tracked")!;
        tracked.Add_(Tensor.From(1L));
        double factor = Momentum ?? 1.0 / tracked.Item<long>();
        var unbiased = variance.Reshape(-1) * ((double)count / (count - 1));
        RunningMean!.Mul_(1 - factor).Add_(mean.Reshape(-1) * factor);
        RunningVar!.Mul_(1 - factor).Add_(unbiased * factor);
    }
}

/// <summary>Batch normalisation over [N, C] or [N, C, L] inputs (<c>nn.BatchNorm1d</c>).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, 2, dtype);

/// <summary>Batch normalisation over [N, C, H, W] inputs (<c>nn.BatchNorm2d</c>).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType dtype = DType.Float32)
    : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, 4, dtype);
