namespace SharpGrad.NN;

/// <summary>
/// Resizes [N, C, *spatial] inputs to a fixed size or by a fixed factor (<c>nn.Upsample(size=None, scale_factor=None,
/// mode='nearest', align_corners=None)</c>) through <see cref="Functional.Interpolate"/>.
/// </summary>
public class Upsample : Module
{
    /// <summary>Creates the layer; give exactly one of <paramref name="size"/> and <paramref name="scaleFactor"/>.</summary>
    /// <param name="size">Output spatial size (one value per spatial dim, or one for all), or null.</param>
    /// <param name="scaleFactor">Multiplier of each spatial size, or null.</param>
    /// <param name="mode">"nearest", "linear" or "bilinear".</param>
    /// <param name="alignCorners">For linear modes, whether corner pixels are aligned.</param>
    /// <exception cref="ArgumentException">Both or neither of size and scaleFactor are given.</exception>
    public Upsample(int[]? size = null, double? scaleFactor = null, string mode = "nearest", bool? alignCorners = null)
    {
        if ((size is null) == (scaleFactor is null))
            throw new ArgumentException($"{GetType().Name}: give exactly one of size and scaleFactor");
        (Size, ScaleFactor, Mode, AlignCorners) = (size, scaleFactor, mode, alignCorners);
    }

    /// <summary>Output spatial size, or null.</summary>
    public int[]? Size { get; }

    /// <summary>Multiplier of each spatial size, or null.</summary>
    public double? ScaleFactor { get; }

    /// <summary>Interpolation mode.</summary>
    public string Mode { get; }

    /// <summary>Whether corner pixels are aligned (linear modes).</summary>
    public bool? AlignCorners { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
        => Functional.Interpolate(input, Size, ScaleFactor is double f ? [f] : null, Mode, AlignCorners);

    /// <inheritdoc/>
    public override string ExtraRepr()
    {
        string what = ScaleFactor is double f ? $"scale_factor={Repr.Float(f)}"
            : Size!.Length == 1 ? $"size={Size[0]}" : $"size={Repr.Tuple(Size)}";
        return $"{what}, mode={Mode}";
    }
}

/// <summary>Nearest-neighbour upsampling of [N, C, H, W] (<c>nn.UpsamplingNearest2d(size=None, scale_factor=None)</c>).</summary>
/// <param name="size">Output (H, W) or one value for both, or null.</param>
/// <param name="scaleFactor">Multiplier of H and W, or null.</param>
public sealed class UpsamplingNearest2d(int[]? size = null, double? scaleFactor = null) : Upsample(size, scaleFactor, "nearest");

/// <summary>Bilinear upsampling of [N, C, H, W] with aligned corners (<c>nn.UpsamplingBilinear2d(size=None, scale_factor=None)</c>).</summary>
/// <param name="size">Output (H, W) or one value for both, or null.</param>
/// <param name="scaleFactor">Multiplier of H and W, or null.</param>
public sealed class UpsamplingBilinear2d(int[]? size = null, double? scaleFactor = null) : Upsample(size, scaleFactor, "bilinear", alignCorners: true);
