using System.Text;
using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>
/// A random affine map keeping the image centre fixed (<c>torchvision.transforms.RandomAffine</c>): rotation by an
/// angle uniform in <see cref="Degrees"/> (clockwise, torchvision's convention for affine), translation by up to
/// <c>translate.X * W</c> and <c>translate.Y * H</c> pixels (drawn uniformly, then rounded to whole pixels ties to even as
/// Python's <c>round</c>), scaling by a factor uniform in <see cref="Scale"/>, and shear by angles drawn from
/// <see cref="Shear"/>. See <see cref="Functional.Affine"/> for the sampling. Keeps the dtype; int64 results are rounded.
/// </summary>
public sealed class RandomAffine : ITransform
{
    private readonly double[]? _shear, _center;

    /// <summary>
    /// Angles uniform in [-degrees, degrees] (<c>RandomAffine(degrees, translate=None, scale=None, shear=None,
    /// interpolation=NEAREST, fill=0, center=None)</c>). <paramref name="shear"/> is one value s (x-shear in [-s, s]),
    /// two (an x-shear range) or four (x-shear range, then y-shear range), in degrees.
    /// </summary>
    public RandomAffine(double degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null,
        double[]? shear = null, InterpolationMode interpolation = InterpolationMode.Nearest, double fill = 0,
        double[]? center = null, Generator? generator = null)
        : this(TransformRandom.Symmetric("RandomAffine", nameof(degrees), degrees), translate, scale, shear, interpolation, fill, center, generator) { }

    /// <summary>Angles uniform in [min, max] degrees; the other arguments as in the other constructor.</summary>
    public RandomAffine((double Min, double Max) degrees, (double X, double Y)? translate = null, (double Min, double Max)? scale = null,
        double[]? shear = null, InterpolationMode interpolation = InterpolationMode.Nearest, double fill = 0,
        double[]? center = null, Generator? generator = null)
    {
        Degrees = TransformRandom.Range("RandomAffine", nameof(degrees), degrees);
        if (translate is (double tx, double ty) && !(tx >= 0 && tx <= 1 && ty >= 0 && ty <= 1))
            throw new ArgumentOutOfRangeException(nameof(translate), $"RandomAffine: translate values should be between 0 and 1, got ({tx}, {ty})");
        if (scale is (double s0, double s1))
        {
            if (!(s0 > 0 && s1 > 0))
                throw new ArgumentOutOfRangeException(nameof(scale), $"RandomAffine: scale values should be positive, got ({s0}, {s1})");
            TransformRandom.Range("RandomAffine", nameof(scale), (s0, s1));
        }
        _shear = shear?.Length switch
        {
            null => null,
            1 => [TransformRandom.Symmetric("RandomAffine", nameof(shear), shear[0]).Min, shear[0]],
            2 or 4 => (double[])shear.Clone(),
            _ => throw new ArgumentException($"RandomAffine: shear must have 1, 2 or 4 values, got {shear.Length}", nameof(shear)),
        };
        for (int i = 0; _shear is not null && i < _shear.Length; i += 2)
            TransformRandom.Range("RandomAffine", nameof(shear), (_shear[i], _shear[i + 1]));
        if (interpolation is not (InterpolationMode.Nearest or InterpolationMode.Bilinear))
            throw new ArgumentOutOfRangeException(nameof(interpolation), $"RandomAffine: unknown interpolation mode {(int)interpolation}");
        if (center is not null && center.Length != 2)
            throw new ArgumentException($"RandomAffine: center must be two numbers (x, y), got {center.Length}", nameof(center));
        _center = (double[]?)center?.Clone();
        Translate = translate;
        Scale = scale;
        Interpolation = interpolation;
        Fill = fill;
        Generator = generator;
    }

    /// <summary>The (min, max) rotation range in degrees (<c>affine.degrees</c>).</summary>
    public (double Min, double Max) Degrees { get; }

    /// <summary>The largest shifts as fractions of the width and height, or null for none (<c>affine.translate</c>).</summary>
    public (double X, double Y)? Translate { get; }

    /// <summary>The (min, max) scale range, or null for no scaling (<c>affine.scale</c>).</summary>
    public (double Min, double Max)? Scale { get; }

    /// <summary>The shear ranges in degrees: (x min, x max) or (x min, x max, y min, y max); null for none (<c>affine.shear</c>).</summary>
    public IReadOnlyList<double>? Shear => _shear;

    /// <summary>How the input is sampled (<c>affine.interpolation</c>).</summary>
    public InterpolationMode Interpolation { get; }

    /// <summary>The value of pixels that come from outside the image (<c>affine.fill</c>).</summary>
    public double Fill { get; }

    /// <summary>The centre (x, y) with the origin at the upper-left corner, or null for the image centre (<c>affine.center</c>).</summary>
    public IReadOnlyList<double>? Center => _center;

    /// <summary>The generator the draws come from; null means <see cref="Tensor.DefaultGenerator"/>.</summary>
    public Generator? Generator { get; }

    /// <summary>
    /// Random parameters for <see cref="Functional.Affine"/> (<c>RandomAffine.get_params</c>), drawn in torchvision's
    /// order: angle; if translating, the x then y shift (rounded to whole pixels); if scaling, the scale; if shearing,
    /// the x shear then (with four values) the y shear. <paramref name="imageSize"/> is (width, height).
    /// </summary>
    public static (double Angle, (int X, int Y) Translate, double Scale, (double X, double Y) Shear) GetParams(
        (double Min, double Max) degrees, (double X, double Y)? translate, (double Min, double Max)? scaleRanges,
        IReadOnlyList<double>? shears, (int Width, int Height) imageSize, Generator? generator = null)
    {
        if (shears is not null && shears.Count is not (2 or 4))
            throw new ArgumentException($"RandomAffine: shear must have 2 or 4 values, got {shears.Count}", nameof(shears));
        return TransformRandom.Draw(generator, g =>
        {
            double angle = TransformRandom.Uniform(g, degrees.Min, degrees.Max);
            (int, int) shift = (0, 0);
            if (translate is (double fx, double fy))
            {
                double maxDx = fx * imageSize.Width, maxDy = fy * imageSize.Height;
                int dx = (int)Math.Round(TransformRandom.Uniform(g, -maxDx, maxDx));
                int dy = (int)Math.Round(TransformRandom.Uniform(g, -maxDy, maxDy));
                shift = (dx, dy);
            }
            double scale = scaleRanges is (double lo, double hi) ? TransformRandom.Uniform(g, lo, hi) : 1.0;
            double shearX = 0, shearY = 0;
            if (shears is not null)
            {
                shearX = TransformRandom.Uniform(g, shears[0], shears[1]);
                if (shears.Count == 4) shearY = TransformRandom.Uniform(g, shears[2], shears[3]);
            }
            return (angle, shift, scale, (shearX, shearY));
        });
    }

    /// <summary>Applies a freshly drawn affine map to one image (or to every image of a batch alike).</summary>
    public Tensor Apply(Tensor input)
    {
        var (h, w) = Functional.CheckSampledImage("RandomAffine", input, Interpolation);
        var (angle, (dx, dy), scale, shear) = GetParams(Degrees, Translate, Scale, _shear, (w, h), Generator);
        return Functional.AffineCore("RandomAffine", input, angle, (dx, dy), scale, shear, Interpolation, Fill, _center);
    }

    /// <summary>torchvision's repr, e.g. <c>RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1))</c>; defaults are left out.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder($"RandomAffine(degrees={Repr.FloatList([Degrees.Min, Degrees.Max])}");
        if (Translate is (double tx, double ty)) sb.Append(", translate=").Append(PyFormat.Tuple([tx, ty]));
        if (Scale is (double s0, double s1)) sb.Append(", scale=").Append(PyFormat.Tuple([s0, s1]));
        if (_shear is not null) sb.Append(", shear=").Append(Repr.FloatList(_shear));
        if (Interpolation != InterpolationMode.Nearest) sb.Append(", interpolation=").Append(Functional.InterpolationName(Interpolation));
        if (Fill != 0) sb.Append(", fill=").Append(PyFormat.Number(Fill));
        if (_center is not null) sb.Append(", center=").Append(Repr.NumberList(_center));
        return sb.Append(')').ToString();
    }
}
