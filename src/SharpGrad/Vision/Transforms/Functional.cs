using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>
/// The transforms as plain functions with explicit parameters (<c>torchvision.transforms.functional</c>, imported
/// there as <c>F</c> or <c>TF</c>). The transform classes draw random parameters and call these.
/// Images are [..., H, W] tensors: [H, W] grayscale, [C, H, W], or batches with more leading dimensions.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// Converts an [H, W] or [H, W, C] image into [C, H, W] (<c>F.to_tensor</c>). Integer (int64) images stand for
    /// torchvision's uint8 images: their values must lie in [0, 255] and the result is float32 divided by 255.
    /// Floating-point images are permuted only, without scaling and keeping their dtype, as torchvision does for
    /// float arrays. The result never shares memory with the input.
    /// </summary>
    public static Tensor ToTensor(Tensor pic)
    {
        ArgumentNullException.ThrowIfNull(pic);
        if (pic.Dim() is not (2 or 3))
            throw new ArgumentException($"ToTensor: expected an image of shape [H, W] or [H, W, C], got shape {Shape.Format(pic.Shape)}");
        if (pic.DType == DType.Bool)
            throw new ArgumentException("ToTensor: expected an image of integer byte values (int64) or floats, got torch.bool");
        var hwc = pic.Dim() == 2 ? pic.Unsqueeze(-1) : pic;
        var chw = hwc.Permute(2, 0, 1);
        if (pic.IsFloatingPoint()) return chw.Clone();
        if (pic.Numel() > 0)
        {
            long min = pic.Min().Item<long>(), max = pic.Max().Item<long>();
            if (min < 0 || max > 255)
                throw new ArgumentException($"ToTensor: integer images must hold byte values in [0, 255], got values from {min} to {max} in shape {Shape.Format(pic.Shape)}");
        }
        return chw.To(DType.Float32).Div(255.0).Contiguous();
    }

    /// <summary>
    /// Per-channel <c>(x - mean[c]) / std[c]</c> on a float [..., C, H, W] tensor (<c>F.normalize</c>); each of
    /// <paramref name="mean"/> and <paramref name="std"/> holds C values or one. With <paramref name="inplace"/> the input is overwritten.
    /// </summary>
    public static Tensor Normalize(Tensor tensor, double[] mean, double[] std, bool inplace = false)
        => NormalizeCore("normalize", tensor, mean, std, inplace);

    /// <summary>Mirrors the image left to right, i.e. along its last dimension (<c>F.hflip</c>). Not differentiable.</summary>
    public static Tensor HFlip(Tensor img)
    {
        var (_, w) = CheckImage("hflip", img);
        CheckNotTracked("hflip", img);
        if (img.Numel() == 0) return img.Clone();
        var src = img.ToArray<double>();
        var dst = new double[src.Length];
        for (int row = 0; row < src.Length; row += w)
            for (int j = 0; j < w; j++) dst[row + j] = src[row + w - 1 - j];
        return Tensor.FromBuffer(dst, img.Shape).To(img.DType);
    }

    /// <summary>
    /// The <paramref name="height"/> x <paramref name="width"/> window whose top-left pixel is (<paramref name="top"/>,
    /// <paramref name="left"/>) (<c>F.crop</c>). Parts of the window outside the image are zero, as in torchvision.
    /// Differentiable while the window lies inside the image.
    /// </summary>
    public static Tensor Crop(Tensor img, int top, int left, int height, int width)
    {
        var (h, w) = CheckImage("crop", img);
        if (height < 0 || width < 0)
            throw new ArgumentOutOfRangeException(nameof(height), $"crop: height and width must be non-negative, got ({height}, {width})");
        long right = (long)left + width, bottom = (long)top + height;
        if (left >= 0 && top >= 0 && right <= w && bottom <= h)
            return img.Narrow(-2, top, height).Narrow(-1, left, width).Clone();
        int padLeft = Math.Max(-left, 0), padTop = Math.Max(-top, 0);
        var padded = PadCore("crop", img, [padLeft, padTop, (int)Math.Max(right - w, 0), (int)Math.Max(bottom - h, 0)], 0);
        return padded.Narrow(-2, top + padTop, height).Narrow(-1, left + padLeft, width).Clone();
    }

    /// <summary>
    /// Pads the last two dimensions with the constant <paramref name="fill"/> (<c>F.pad(img, padding, fill, "constant")</c>).
    /// <paramref name="padding"/> is one value for all borders, two (left/right, top/bottom) or four (left, top, right, bottom).
    /// Not differentiable.
    /// </summary>
    public static Tensor Pad(Tensor img, int[] padding, double fill = 0) => PadCore("pad", img, ExpandPadding("pad", padding), fill);

    /// <summary>Checks an image tensor's rank and returns its height and width.</summary>
    internal static (int H, int W) CheckImage(string op, Tensor img)
    {
        ArgumentNullException.ThrowIfNull(img);
        if (img.Dim() < 2)
            throw new ArgumentException($"{op}: expected an image tensor of shape [..., H, W], got shape {Shape.Format(img.Shape)}");
        return (img.Size(-2), img.Size(-1));
    }

    /// <summary>
    /// Refuses inputs that autograd would track: the sampling transforms copy pixels through arrays, so a gradient
    /// could not flow back and silently losing it would be worse than an error.
    /// </summary>
    internal static void CheckNotTracked(string op, Tensor img)
    {
        if (Tensor.IsGradEnabled && img.RequiresGrad)
            throw new InvalidOperationException(
                $"{op}: the input (shape {Shape.Format(img.Shape)}) requires grad, but this transform is not differentiable; call Detach() first or run it under Tensor.NoGrad()");
    }

    /// <summary>Padding given as 1, 2 or 4 values, as [left, top, right, bottom].</summary>
    internal static int[] ExpandPadding(string op, int[] padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        int[] ltrb = padding.Length switch
        {
            1 => [padding[0], padding[0], padding[0], padding[0]],
            2 => [padding[0], padding[1], padding[0], padding[1]],
            4 => (int[])padding.Clone(),
            _ => throw new ArgumentException($"{op}: padding must have 1, 2 or 4 values, got {padding.Length}", nameof(padding)),
        };
        foreach (int p in ltrb)
            if (p < 0) throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: padding values must be non-negative, got {Shape.Format(padding)}");
        return ltrb;
    }

    /// <summary>Constant padding by [left, top, right, bottom] into a new tensor.</summary>
    internal static Tensor PadCore(string op, Tensor img, int[] ltrb, double fill)
    {
        var (h, w) = CheckImage(op, img);
        CheckNotTracked(op, img);
        var shape = img.Shape;
        shape[^2] = checked(h + ltrb[1] + ltrb[3]);
        shape[^1] = checked(w + ltrb[0] + ltrb[2]);
        var output = Tensor.Full(shape, fill, img.DType);
        output.Narrow(-2, ltrb[1], h).Narrow(-1, ltrb[0], w).Copy_(img);
        return output;
    }

    /// <summary>Normalization with the op name to put in error messages.</summary>
    internal static Tensor NormalizeCore(string op, Tensor tensor, double[] mean, double[] std, bool inplace)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (!tensor.IsFloatingPoint())
            throw new ArgumentException($"{op}: input tensor should be a float tensor, got {tensor.DType.TorchName()}");
        if (tensor.Dim() < 3)
            throw new ArgumentException($"{op}: expected a tensor image of shape [..., C, H, W], got shape {Shape.Format(tensor.Shape)}");
        int channels = tensor.Size(-3);
        foreach (var (name, values) in new[] { ("mean", mean), ("std", std) })
            if (values.Length != 1 && values.Length != channels)
                throw new ArgumentException(
                    $"{op}: {name} has {values.Length} values but the image has {channels} channels (shape {Shape.Format(tensor.Shape)})");
        var stdT = Tensor.From(std, tensor.DType);
        foreach (double s in stdT.ToArray<double>())
            if (s == 0)
                throw new ArgumentException($"{op}: std evaluated to zero after conversion to {tensor.DType.TorchName()}, leading to division by zero.");
        var meanT = Tensor.From(mean, tensor.DType).View(-1, 1, 1);
        stdT = stdT.View(-1, 1, 1);
        return inplace ? tensor.Sub_(meanT).Div_(stdT) : tensor.Sub(meanT).Div(stdT);
    }
}
