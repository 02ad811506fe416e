using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

public static partial class Functional
{
    /// <summary>
    /// Rotates the image by <paramref name="angle"/> degrees counter-clockwise about its centre (<c>F.rotate</c>).
    /// Coordinates follow torchvision: pixel (row i, column j) covers [j, j + 1) x [i, i + 1), so the default centre is
    /// (W / 2, H / 2), i.e. pixel index ((W - 1) / 2, (H - 1) / 2); <paramref name="center"/> is (x, y) in the same
    /// coordinates, origin at the upper-left corner. Each output pixel centre is mapped back into the input and sampled
    /// there (inverse mapping); points outside the input get <paramref name="fill"/>. With <paramref name="expand"/> the
    /// output grows to hold the whole rotated image (assuming the default centre). Integer images are sampled in floating
    /// point and rounded back (ties to even). Not differentiable.
    /// </summary>
    public static Tensor Rotate(Tensor img, double angle, InterpolationMode interpolation = InterpolationMode.Nearest,
        bool expand = false, double[]? center = null, double fill = 0)
        => RotateCore("rotate", img, angle, interpolation, expand, center, fill);

    /// <summary>
    /// Affine map keeping the centre fixed (<c>F.affine</c>): rotation by <paramref name="angle"/> degrees clockwise
    /// (torchvision's convention for affine, the opposite of <see cref="Rotate"/>), scaling by <paramref name="scale"/>,
    /// shear by (<c>shear.X</c>, <c>shear.Y</c>) degrees, then translation by <paramref name="translate"/> pixels.
    /// Sampling and <paramref name="center"/> as in <see cref="Rotate"/>. Not differentiable.
    /// </summary>
    public static Tensor Affine(Tensor img, double angle, (double X, double Y) translate, double scale, (double X, double Y) shear,
        InterpolationMode interpolation = InterpolationMode.Nearest, double fill = 0, double[]? center = null)
        => AffineCore("affine", img, angle, translate, scale, shear, interpolation, fill, center);

    /// <summary>torchvision's name of an interpolation mode (<c>InterpolationMode.value</c>): "nearest" or "bilinear".</summary>
    internal static string InterpolationName(InterpolationMode mode) => mode == InterpolationMode.Bilinear ? "bilinear" : "nearest";

    internal static Tensor RotateCore(string op, Tensor img, double angle, InterpolationMode interpolation, bool expand, double[]? center, double fill)
    {
        var (h, w) = CheckSampledImage(op, img, interpolation);
        if (!double.IsFinite(angle)) throw new ArgumentOutOfRangeException(nameof(angle), $"{op}: angle must be finite, got {angle}");
        var c = CenterOffset(op, center, w, h);
        // torchvision's rotate passes -angle to the affine matrix, whose angle turns clockwise.
        var m = InverseAffineMatrix(c, -angle, (0, 0), 1, (0, 0));
        var (ow, oh) = expand ? ExpandedSize(m, w, h) : (w, h);
        return Sample(img, m, ow, oh, interpolation, fill);
    }

    internal static Tensor AffineCore(string op, Tensor img, double angle, (double X, double Y) translate, double scale,
        (double X, double Y) shear, InterpolationMode interpolation, double fill, double[]? center)
    {
        var (h, w) = CheckSampledImage(op, img, interpolation);
        if (!double.IsFinite(angle) || !double.IsFinite(translate.X) || !double.IsFinite(translate.Y)
            || !double.IsFinite(shear.X) || !double.IsFinite(shear.Y))
            throw new ArgumentException($"{op}: angle, translate and shear must be finite, got angle {angle}, translate ({translate.X}, {translate.Y}), shear ({shear.X}, {shear.Y})");
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), $"{op}: scale must be positive and finite, got {scale}");
        var c = CenterOffset(op, center, w, h);
        var m = InverseAffineMatrix(c, angle, translate, scale, shear);
        return Sample(img, m, w, h, interpolation, fill);
    }

    /// <summary>Checks an image for rotation or affine sampling (rank, dtype, not tracked by autograd) and returns its height and width.</summary>
    internal static (int H, int W) CheckSampledImage(string op, Tensor img, InterpolationMode interpolation)
    {
        var size = CheckImage(op, img);
        CheckNotTracked(op, img);
        if (img.DType == DType.Bool)
            throw new ArgumentException($"{op}: bool images are not supported; convert to float or int64 first");
        if (interpolation is not (InterpolationMode.Nearest or InterpolationMode.Bilinear))
            throw new ArgumentOutOfRangeException(nameof(interpolation), $"{op}: unknown interpolation mode {(int)interpolation}");
        return size;
    }

    /// <summary>The centre as an offset from the image centre (W / 2, H / 2); (0, 0) when not given.</summary>
    private static (double X, double Y) CenterOffset(string op, double[]? center, int w, int h)
    {
        if (center is null) return (0, 0);
        if (center.Length != 2 || !double.IsFinite(center[0]) || !double.IsFinite(center[1]))
            throw new ArgumentException($"{op}: center must be two finite numbers (x, y), got [{string.Join(", ", center)}]", nameof(center));
        return (center[0] - w * 0.5, center[1] - h * 0.5);
    }

    /// <summary>
    /// The 2x3 matrix taking output coordinates (relative to the image centre) to input coordinates, as torchvision's
    /// <c>_get_inverse_affine_matrix</c>: the forward map is T * C * R(angle) * S(scale) * Shear * C^-1 with a clockwise
    /// angle in y-down image coordinates. Sines and cosines use SinPi/CosPi so multiples of 90 degrees are exact.
    /// </summary>
    internal static double[] InverseAffineMatrix((double X, double Y) center, double angle, (double X, double Y) translate,
        double scale, (double X, double Y) shear)
    {
        double rot = angle / 180, sx = shear.X / 180, sy = shear.Y / 180;
        double cosSy = double.CosPi(sy), tanSx = double.TanPi(sx);
        double a = double.CosPi(rot - sy) / cosSy;
        double b = -double.CosPi(rot - sy) * tanSx / cosSy - double.SinPi(rot);
        double c = double.SinPi(rot - sy) / cosSy;
        double d = -double.SinPi(rot - sy) * tanSx / cosSy + double.CosPi(rot);
        // The rotation-shear part has determinant 1, so its inverse is the adjugate; then undo scale, translation and centre.
        double[] m = [d / scale, -b / scale, 0, -c / scale, a / scale, 0];
        double ux = -center.X - translate.X, uy = -center.Y - translate.Y;
        m[2] = m[0] * ux + m[1] * uy + center.X;
        m[5] = m[3] * ux + m[4] * uy + center.Y;
        return m;
    }

    /// <summary>Output (width, height) that holds the whole image after the map (torchvision's <c>_compute_affine_output_size</c>).</summary>
    private static (int W, int H) ExpandedSize(double[] m, int w, int h)
    {
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var (x, y) in new[] { (-0.5 * w, -0.5 * h), (-0.5 * w, 0.5 * h), (0.5 * w, 0.5 * h), (0.5 * w, -0.5 * h) })
        {
            double nx = m[0] * x + m[1] * y + m[2] + w * 0.5, ny = m[3] * x + m[4] * y + m[5] + h * 0.5;
            minX = Math.Min(minX, nx); maxX = Math.Max(maxX, nx);
            minY = Math.Min(minY, ny); maxY = Math.Max(maxY, ny);
        }
        // Cut the precision to 1e-4 first, as torchvision does, so that 28.000000000000004 does not round up to 29.
        const double tol = 1e-4;
        static double Cut(double v) => Math.Truncate(v / tol) * tol;
        return ((int)(Math.Ceiling(Cut(maxX)) - Math.Floor(Cut(minX))), (int)(Math.Ceiling(Cut(maxY)) - Math.Floor(Cut(minY))));
    }

    /// <summary>
    /// Samples every plane of <paramref name="img"/> at the input points that <paramref name="m"/> gives for the
    /// <paramref name="ow"/> x <paramref name="oh"/> output pixel centres; this is torchvision's grid_sample path with
    /// align_corners=False. Bilinear sampling treats pixels outside the input as zero and then blends towards the
    /// fill with the weight that fell outside (output = sample * inside + (1 - inside) * fill, with inside the in-bounds
    /// weight), exactly as torchvision does with its mask channel; nearest takes the fill where the nearest pixel is outside.
    /// </summary>
    private static Tensor Sample(Tensor img, double[] m, int ow, int oh, InterpolationMode interpolation, double fill)
    {
        int h = img.Size(-2), w = img.Size(-1);
        var outShape = img.Shape;
        outShape[^2] = oh;
        outShape[^1] = ow;
        int planes = 1;
        for (int d = 0; d < outShape.Length - 2; d++) planes *= outShape[d];
        int inPlane = h * w, outPlane = oh * ow;
        var src = img.ToArray<double>();
        var dst = new double[checked(planes * outPlane)];
        bool bilinear = interpolation == InterpolationMode.Bilinear;
        Span<int> index = stackalloc int[4];
        Span<double> weight = stackalloc double[4];

        for (int i = 0; i < oh; i++)
        {
            double y = i + 0.5 - oh * 0.5;
            for (int j = 0; j < ow; j++)
            {
                double x = j + 0.5 - ow * 0.5;
                // Input position in pixel indices: pixel k's centre is at k + 0.5 - size / 2 relative to the centre.
                double ix = m[0] * x + m[1] * y + m[2] + w * 0.5 - 0.5;
                double iy = m[3] * x + m[4] * y + m[5] + h * 0.5 - 0.5;
                int o = i * ow + j;
                int count = 0;
                double inside = 0;
                if (bilinear)
                {
                    double x0 = Math.Floor(ix), y0 = Math.Floor(iy);
                    double fx = ix - x0, fy = iy - y0;
                    for (int corner = 0; corner < 4; corner++)
                    {
                        double cx = x0 + (corner & 1), cy = y0 + (corner >> 1);
                        if (cx < 0 || cx > w - 1 || cy < 0 || cy > h - 1) continue;
                        double wt = ((corner & 1) == 1 ? fx : 1 - fx) * ((corner >> 1) == 1 ? fy : 1 - fy);
                        index[count] = (int)cy * w + (int)cx;
                        weight[count++] = wt;
                        inside += wt;
                    }
                }
                else
                {
                    double rx = Math.Round(ix), ry = Math.Round(iy);
                    if (rx >= 0 && rx <= w - 1 && ry >= 0 && ry <= h - 1)
                    {
                        index[0] = (int)ry * w + (int)rx;
                        weight[0] = 1;
                        count = 1;
                        inside = 1;
                    }
                }
                for (int p = 0; p < planes; p++)
                {
                    double v = 0;
                    for (int k = 0; k < count; k++) v += weight[k] * src[p * inPlane + index[k]];
                    dst[p * outPlane + o] = !bilinear ? (count == 1 ? v : fill) : v * inside + (1 - inside) * fill;
                }
            }
        }
        if (!img.IsFloatingPoint())
            for (int k = 0; k < dst.Length; k++) dst[k] = Math.Round(dst[k]);
        return Tensor.FromBuffer(dst, outShape).To(img.DType);
    }
}
