using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>
/// Normalizes each channel of a float image: <c>output[c] = (input[c] - mean[c]) / std[c]</c>
/// (<c>torchvision.transforms.Normalize</c>). Works on [..., C, H, W]; <c>mean</c> and <c>std</c> each hold one value
/// per channel, or a single value used for every channel. Built from tensor ops, so it is differentiable.
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly double[] _mean, _std;

    /// <summary>A per-channel normalization (<c>Normalize(mean, std, inplace=False)</c>); with <paramref name="inplace"/> the input is overwritten.</summary>
    public Normalize(double[] mean, double[] std, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || std.Length == 0)
            throw new ArgumentException($"Normalize: mean and std need at least one value each, got {mean.Length} and {std.Length}");
        _mean = (double[])mean.Clone();
        _std = (double[])std.Clone();
        Inplace = inplace;
    }

    /// <summary>The per-channel means (<c>normalize.mean</c>).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>The per-channel standard deviations (<c>normalize.std</c>).</summary>
    public IReadOnlyList<double> Std => _std;

    /// <summary>Whether the input tensor is modified in place (<c>normalize.inplace</c>).</summary>
    public bool Inplace { get; }

    /// <summary>Normalizes one image or a batch of images.</summary>
    public Tensor Apply(Tensor input) => Functional.NormalizeCore("Normalize", input, _mean, _std, Inplace);

    /// <summary>torchvision's repr, e.g. <c>Normalize(mean=[0.1307], std=[0.3081])</c>.</summary>
    public override string ToString() => $"Normalize(mean={Repr.FloatList(_mean)}, std={Repr.FloatList(_std)})";
}
