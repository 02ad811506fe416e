using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>
/// Crops a window of <see cref="Size"/> at a random position (<c>torchvision.transforms.RandomCrop</c>), after optional
/// constant padding by <see cref="Padding"/> and, with <see cref="PadIfNeeded"/>, padding of images smaller than the crop.
/// Only torchvision's "constant" padding mode is provided.
/// </summary>
public sealed class RandomCrop : ITransform
{
    private readonly int[]? _padding;
    private readonly string _paddingRepr;

    /// <summary>A square crop with one padding for all borders (<c>RandomCrop(size, padding=None, pad_if_needed=False, fill=0)</c>).</summary>
    public RandomCrop(int size, int? padding = null, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
        : this((size, size), padding is int p ? [p] : null, padding is int q ? PyFormat.Number(q) : "None", padIfNeeded, fill, generator) { }

    /// <summary>A square crop with padding given as 1, 2 (left/right, top/bottom) or 4 (left, top, right, bottom) values.</summary>
    public RandomCrop(int size, int[] padding, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
        : this((size, size), padding, PaddingRepr(padding), padIfNeeded, fill, generator) { }

    /// <summary>A (height, width) crop with one padding for all borders.</summary>
    public RandomCrop((int Height, int Width) size, int? padding = null, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
        : this(size, padding is int p ? [p] : null, padding is int q ? PyFormat.Number(q) : "None", padIfNeeded, fill, generator) { }

    /// <summary>A (height, width) crop with padding given as 1, 2 or 4 values.</summary>
    public RandomCrop((int Height, int Width) size, int[] padding, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
        : this(size, padding, PaddingRepr(padding), padIfNeeded, fill, generator) { }

    private RandomCrop((int Height, int Width) size, int[]? padding, string paddingRepr, bool padIfNeeded, double fill, Generator? generator)
    {
        if (size.Height <= 0 || size.Width <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), $"RandomCrop: size must be positive, got ({size.Height}, {size.Width})");
        _padding = padding is null ? null : Functional.ExpandPadding("RandomCrop", padding);
        _paddingRepr = paddingRepr;
        Size = size;
        PadIfNeeded = padIfNeeded;
        Fill = fill;
        Generator = generator;
    }

    /// <summary>The crop's (height, width) (<c>crop.size</c>).</summary>
    public (int Height, int Width) Size { get; }

    /// <summary>The padding as (left, top, right, bottom), or null for none (<c>crop.padding</c>).</summary>
    public IReadOnlyList<int>? Padding => _padding;

    /// <summary>Whether images smaller than the crop are padded first (<c>crop.pad_if_needed</c>).</summary>
    public bool PadIfNeeded { get; }

    /// <summary>The value padded pixels get (<c>crop.fill</c>).</summary>
    public double Fill { get; }

    /// <summary>The generator the draws come from; null means <see cref="Tensor.DefaultGenerator"/>.</summary>
    public Generator? Generator { get; }

    /// <summary>
    /// A random window (top, left, height, width) of <paramref name="outputSize"/> inside <paramref name="img"/>
    /// (<c>RandomCrop.get_params</c>): top then left, uniform over all positions; no draw when the sizes match.
    /// </summary>
    public static (int Top, int Left, int Height, int Width) GetParams(Tensor img, (int Height, int Width) outputSize, Generator? generator = null)
    {
        var (h, w) = Functional.CheckImage("RandomCrop", img);
        var (th, tw) = outputSize;
        if (h < th || w < tw)
            throw new ArgumentException($"RandomCrop: required crop size ({th}, {tw}) is larger than input image size ({h}, {w})");
        if (h == th && w == tw) return (0, 0, h, w);
        var (top, left) = TransformRandom.Draw(generator, g => ((int)g.NextInt64(0, h - th + 1), (int)g.NextInt64(0, w - tw + 1)));
        return (top, left, th, tw);
    }

    /// <summary>Pads (if asked) and crops one image at a random position.</summary>
    public Tensor Apply(Tensor input)
    {
        var img = input;
        Functional.CheckImage("RandomCrop", img);
        if (_padding is not null) img = Functional.PadCore("RandomCrop", img, _padding, Fill);
        // As torchvision: a missing width is added on both the left and the right (likewise the height).
        if (PadIfNeeded && img.Size(-1) < Size.Width)
        {
            int d = Size.Width - img.Size(-1);
            img = Functional.PadCore("RandomCrop", img, [d, 0, d, 0], Fill);
        }
        if (PadIfNeeded && img.Size(-2) < Size.Height)
        {
            int d = Size.Height - img.Size(-2);
            img = Functional.PadCore("RandomCrop", img, [0, d, 0, d], Fill);
        }
        var (top, left, height, width) = GetParams(img, Size, Generator);
        return img.Narrow(-2, top, height).Narrow(-1, left, width).Clone();
    }

    /// <summary>torchvision's repr, e.g. <c>RandomCrop(size=(32, 32), padding=4)</c>.</summary>
    public override string ToString() => $"RandomCrop(size=({Size.Height}, {Size.Width}), padding={_paddingRepr})";

    private static string PaddingRepr(int[] padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        var values = new double[padding.Length];
        for (int i = 0; i < padding.Length; i++) values[i] = padding[i];
        return Repr.NumberList(values);
    }
}
