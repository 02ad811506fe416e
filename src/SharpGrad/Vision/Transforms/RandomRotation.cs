using System.Text;
using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>
/// Rotates the image by a random angle, uniform in <see cref="Degrees"/>, counter-clockwise for positive angles
/// (<c>torchvision.transforms.RandomRotation</c>); see <see cref="Functional.Rotate"/> for the coordinates and sampling.
/// As in torchvision the default interpolation is <see cref="InterpolationMode.Nearest"/>; pass
/// <see cref="InterpolationMode.Bilinear"/> for bilinear sampling. Pixels that come from outside the image get <see cref="Fill"/>.
/// Works on [..., H, W] tensors of float or int64 values (int64 results are rounded) and keeps the dtype.
/// </summary>
public sealed class RandomRotation : ITransform
{
    private readonly double[]? _center;

    /// <summary>Angles uniform in [-degrees, degrees] (<c>RandomRotation(degrees, interpolation=NEAREST, expand=False, center=None, fill=0)</c>).</summary>
    public RandomRotation(double degrees, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        double[]? center = null, double fill = 0, Generator? generator = null)
        : this(TransformRandom.Symmetric("RandomRotation", nameof(degrees), degrees), interpolation, expand, center, fill, generator) { }

    /// <summary>Angles uniform in [min, max] degrees (<c>RandomRotation((min, max), ...)</c>).</summary>
    public RandomRotation((double Min, double Max) degrees, InterpolationMode interpolation = InterpolationMode.Nearest, bool expand = false,
        double[]? center = null, double fill = 0, Generator? generator = null)
    {
        Degrees = TransformRandom.Range("RandomRotation", nameof(degrees), degrees);
        if (interpolation is not (InterpolationMode.Nearest or InterpolationMode.Bilinear))
            throw new ArgumentOutOfRangeException(nameof(interpolation), $"RandomRotation: unknown interpolation mode {(int)interpolation}");
        if (center is not null && center.Length != 2)
            throw new ArgumentException($"RandomRotation: center must be two numbers (x, y), got {center.Length}", nameof(center));
        _center = (double[]?)center?.Clone();
        Interpolation = interpolation;
        Expand = expand;
        Fill = fill;
        Generator = generator;
    }

    /// <summary>The (min, max) range the angle is drawn from, in degrees (<c>rotation.degrees</c>).</summary>
    public (double Min, double Max) Degrees { get; }

    /// <summary>How the input is sampled (<c>rotation.interpolation</c>).</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>Whether the output grows to hold the whole rotated image (<c>rotation.expand</c>).</summary>
    public bool Expand { get; }

    /// <summary>The centre of rotation (x, y) with the origin at the upper-left corner, or null for the image centre (<c>rotation.center</c>).</summary>
    public IReadOnlyList<double>? Center => _center;

    /// <summary>The value of pixels that come from outside the image (<c>rotation.fill</c>).</summary>
    public double Fill { get; }

    /// <summary>The generator the draws come from; null means <see cref="Tensor.DefaultGenerator"/>.</summary>
    public Generator? Generator { get; }

    /// <summary>A random angle uniform in [min, max) degrees (<c>RandomRotation.get_params</c>).</summary>
    public static double GetParams((double Min, double Max) degrees, Generator? generator = null)
    {
        TransformRandom.Range("RandomRotation", nameof(degrees), degrees);
        return TransformRandom.Draw(generator, g => TransformRandom.Uniform(g, degrees.Min, degrees.Max));
    }

    /// <summary>Rotates one image (or every image of a batch, by the same angle) by a freshly drawn angle.</summary>
    public Tensor Apply(Tensor input)
    {
        Functional.CheckSampledImage("RandomRotation", input, Interpolation); // before drawing, so a bad call leaves the generator alone
        double angle = GetParams(Degrees, Generator);
        return Functional.RotateCore("RandomRotation", input, angle, Interpolation, Expand, _center, Fill);
    }

    /// <summary>torchvision's repr, e.g. <c>RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder($"RandomRotation(degrees={Repr.FloatList([Degrees.Min, Degrees.Max])}");
        sb.Append(", interpolation=").Append(Functional.InterpolationName(Interpolation));
        sb.Append(", expand=").Append(PyFormat.Value(Expand));
        if (_center is not null) sb.Append(", center=").Append(Repr.NumberList(_center));
        sb.Append(", fill=").Append(PyFormat.Number(Fill));
        return sb.Append(')').ToString();
    }
}
