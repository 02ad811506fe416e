using SharpGrad.IO;

namespace SharpGrad.Plotting;

/// <summary>
/// A grid of images from a batch tensor, written as PNG (torchvision's <c>make_grid</c> followed by
/// <c>save_image</c>), optionally with a text label under each image in a built-in 5x7 pixel font.
/// <para>Accepted shapes: (N, 1, H, W) and (N, H, W) give a grayscale PNG, (N, 3, H, W) an RGB PNG,
/// (H, W) a single grayscale image.</para>
/// <para>Pixel values: int64 tensors hold 0..255 (uint8-like; other values are rejected); bool tensors
/// map false/true to 0/255. Float tensors by default are taken as [0, 1] and clamped (torchvision's
/// default); with <c>normalize: true</c> they are min-max scaled to [0, 1] first, over the whole batch,
/// over each image with <c>scaleEach: true</c>, or from <c>valueRange</c> when given (values outside
/// are clamped). Then v becomes floor(255 v + 0.5); NaN becomes 0.</para>
/// <para>Geometry (as torchvision): images go row by row, <c>nrow</c> per row; the picture is
/// <c>cols*(W+padding)+padding</c> wide and <c>rows*(H+band+padding)+padding</c> high, where the
/// label band is 0 without labels. Padding and the label band are filled with <c>padValue</c>;
/// labels are drawn white on a dark pad, black on a light one, and cut to the width of a cell.</para>
/// </summary>
public sealed class ImageGrid
{
    private readonly byte[] _pixels;
    private readonly int _imageWidth, _imageHeight, _cellHeight, _padding, _columns;

    /// <summary>
    /// Lays out the images of <paramref name="images"/> in a grid (<c>torchvision.utils.make_grid(images,
    /// nrow, padding, normalize, value_range, scale_each, pad_value)</c>), with optional
    /// <paramref name="labels"/> (one per image) under them. Labels whose entry in <paramref name="highlight"/> is true are
    /// drawn in red (a wrong prediction); the picture is then RGB even for grayscale images.
    /// </summary>
    /// <exception cref="ArgumentException">A shape, label count or value range that does not fit; the message names it.</exception>
    public ImageGrid(Tensor images, int nrow = 8, int padding = 2, IReadOnlyList<string>? labels = null,
        bool normalize = false, (double Low, double High)? valueRange = null, bool scaleEach = false, double padValue = 0.0,
        IReadOnlyList<bool>? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        int[] shape = images.Shape;
        int n, c, h, w;
        switch (shape.Length)
        {
            case 2: (n, c, h, w) = (1, 1, shape[0], shape[1]); break;
            case 3: (n, c, h, w) = (shape[0], 1, shape[1], shape[2]); break;
            case 4: (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]); break;
            default:
                throw new ArgumentException($"make_grid: expected images of shape (N, C, H, W), (N, H, W) or (H, W), got {Core.Shape.Format(shape)}", nameof(images));
        }
        if (c != 1 && c != 3)
            throw new ArgumentException($"make_grid: images must have 1 or 3 channels, got {c} (shape {Core.Shape.Format(shape)})", nameof(images));
        if (n == 0 || h == 0 || w == 0)
            throw new ArgumentException($"make_grid: no pixels to draw in shape {Core.Shape.Format(shape)}", nameof(images));
        if (nrow < 1) throw new ArgumentOutOfRangeException(nameof(nrow), nrow, "make_grid: nrow must be at least 1");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "make_grid: padding must be non-negative");
        if (double.IsNaN(padValue) || padValue < 0 || padValue > 1)
            throw new ArgumentOutOfRangeException(nameof(padValue), padValue, "make_grid: padValue must be in [0, 1]");
        if (labels is not null && labels.Count != n)
            throw new ArgumentException($"make_grid: {labels.Count} labels for {n} images", nameof(labels));
        if (highlight is not null && (labels is null || highlight.Count != n))
            throw new ArgumentException($"make_grid: highlight needs labels and one flag per image, got {highlight.Count} flags for {n} images{(labels is null ? " and no labels" : "")}", nameof(highlight));
        int source = c;
        if (highlight is not null && highlight.Any(flag => flag)) c = 3;

        int labelScale = Math.Max(1, w / 48);
        int band = labels is null ? 0 : BitmapFont.GlyphHeight * labelScale + 3;
        _imageWidth = w;
        _imageHeight = h;
        _cellHeight = h + band;
        _padding = padding;
        _columns = Math.Min(nrow, n);
        Rows = (n + _columns - 1) / _columns;
        Channels = c;
        Width = _columns * (w + padding) + padding;
        Height = Rows * (_cellHeight + padding) + padding;
        Count = n;

        long total = (long)Width * Height * c;
        if (total > int.MaxValue) throw new ArgumentException($"make_grid: a {Width}x{Height} grid is too large for one PNG", nameof(images));
        _pixels = new byte[total];
        byte pad = (byte)Math.Floor(padValue * 255 + 0.5);
        Array.Fill(_pixels, pad);

        byte[] values = ToBytes(images, n, source * h * w, normalize, valueRange, scaleEach);
        for (int i = 0; i < n; i++)
        {
            var (x0, y0) = ImageOrigin(i);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        _pixels[((y0 + y) * Width + x0 + x) * c + ch] = values[(long)i * source * h * w + ((long)(ch < source ? ch : 0) * h + y) * w + x];
            if (labels is not null)
            {
                byte ink = pad < 128 ? (byte)255 : (byte)0;
                DrawLabel(labels[i] ?? "", x0, y0 + h + 2, labelScale, highlight?[i] == true ? Red : [ink, ink, ink]);
            }
        }
    }

    /// <summary>The width of the picture in pixels.</summary>
    public int Width { get; }

    /// <summary>The height of the picture in pixels.</summary>
    public int Height { get; }

    /// <summary>1 for a grayscale picture, 3 for RGB.</summary>
    public int Channels { get; }

    /// <summary>The number of grid rows (<c>ceil(N / nrow)</c>).</summary>
    public int Rows { get; }

    /// <summary>The number of images in the grid.</summary>
    public int Count { get; }

    /// <summary>The picture: row-major, <see cref="Channels"/> interleaved bytes per pixel.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The top-left pixel (x, y) where image <paramref name="index"/> is drawn.</summary>
    public (int X, int Y) ImageOrigin(int index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(null, $"make_grid: image index {index} is out of range for {Count} images");
        int row = index / _columns, col = index % _columns;
        return (_padding + col * (_imageWidth + _padding), _padding + row * (_cellHeight + _padding));
    }

    /// <summary>The picture encoded as PNG bytes.</summary>
    public byte[] ToPng() => Png.Encode(Width, Height, Channels, _pixels);

    /// <summary>Writes the picture to <paramref name="path"/> as PNG, atomically (<c>torchvision.utils.save_image</c>).</summary>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, ToPng());

    /// <summary>The colour of highlighted labels (a mistake), readable on dark and light padding alike.</summary>
    private static readonly byte[] Red = [235, 40, 40];

    private void DrawLabel(string text, int x0, int y, int scale, byte[] rgb)
    {
        // Cut the label to its cell (the image width plus the gap to the next image) and centre it under the image.
        int room = _imageWidth + _padding;
        int length = text.Length;
        while (length > 0 && BitmapFont.Measure(length, scale) > room) length--;
        text = text[..length];
        int x = x0 + (_imageWidth - BitmapFont.Measure(length, scale)) / 2;
        BitmapFont.Draw(_pixels, Width, Height, Channels, x, y, text, scale, rgb);
    }

    private static byte[] ToBytes(Tensor images, int n, int perImage, bool normalize, (double Low, double High)? valueRange, bool scaleEach)
    {
        var result = new byte[(long)n * perImage];
        if (images.DType == DType.Bool)
        {
            var bits = images.ToArray<bool>();
            for (int i = 0; i < bits.Length; i++) result[i] = bits[i] ? (byte)255 : (byte)0;
            return result;
        }
        if (images.DType == DType.Int64 && !normalize)
        {
            var ints = images.ToArray<long>();
            for (int i = 0; i < ints.Length; i++)
            {
                if (ints[i] < 0 || ints[i] > 255)
                    throw new ArgumentException($"make_grid: int64 pixels must be in 0..255 (uint8 range), got {ints[i]} at flat index {i}; pass normalize: true to rescale", nameof(images));
                result[i] = (byte)ints[i];
            }
            return result;
        }

        var v = images.ToArray<double>();
        if (normalize)
        {
            if (valueRange is { } r)
            {
                if (!(r.High > r.Low)) throw new ArgumentException($"make_grid: valueRange ({r.Low}, {r.High}) must have Low < High", nameof(valueRange));
                Rescale(v, 0, v.Length, r.Low, r.High);
            }
            else if (scaleEach)
                for (int i = 0; i < n; i++) RescaleMinMax(v, i * perImage, perImage);
            else RescaleMinMax(v, 0, v.Length);
        }
        for (int i = 0; i < v.Length; i++)
            result[i] = double.IsNaN(v[i]) ? (byte)0 : (byte)Math.Clamp(Math.Floor(v[i] * 255 + 0.5), 0, 255);
        return result;
    }

    private static void RescaleMinMax(double[] v, int start, int count)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = start; i < start + count; i++)
            if (!double.IsNaN(v[i])) { lo = Math.Min(lo, v[i]); hi = Math.Max(hi, v[i]); }
        if (lo > hi) return;
        Rescale(v, start, count, lo, hi);
    }

    /// <summary>Clamps to [lo, hi] and maps that range to [0, 1] (torchvision's <c>norm_ip</c>, with the same 1e-5 floor on the width).</summary>
    private static void Rescale(double[] v, int start, int count, double lo, double hi)
    {
        double scale = 1 / Math.Max(hi - lo, 1e-5);
        for (int i = start; i < start + count; i++)
            v[i] = (Math.Clamp(v[i], lo, hi) - lo) * scale;
    }
}
