using SharpGrad.IO;

namespace SharpGrad.Plotting;

/// <summary>
/// What every chart has: a title, axis labels and a pixel size, and rendering to SVG text
/// (matplotlib's <c>ax.set_title</c>, <c>ax.set_xlabel</c>, <c>ax.set_ylabel</c>, <c>fig.savefig("x.svg")</c>).
/// </summary>
public abstract class Chart
{
    /// <summary>The smallest accepted width in pixels.</summary>
    public const int MinWidth = 200;

    /// <summary>The smallest accepted height in pixels.</summary>
    public const int MinHeight = 150;

    /// <summary>The title drawn above the plot (<c>ax.set_title</c>); none when null or empty.</summary>
    public string? Title { get; set; }

    /// <summary>The label under the x axis (<c>ax.set_xlabel</c>); none when null or empty.</summary>
    public string? XLabel { get; set; }

    /// <summary>The label left of the y axis, drawn rotated (<c>ax.set_ylabel</c>); none when null or empty.</summary>
    public string? YLabel { get; set; }

    /// <summary>The width of the SVG in pixels (default 640, at least <see cref="MinWidth"/>).</summary>
    public int Width { get; set; } = 640;

    /// <summary>The height of the SVG in pixels (default 420, at least <see cref="MinHeight"/>).</summary>
    public int Height { get; set; } = 420;

    /// <summary>The chart's name in error messages.</summary>
    private protected abstract string Name { get; }

    /// <summary>The chart as a standalone SVG document (<c>fig.savefig(buffer, format="svg")</c>).</summary>
    public abstract string ToSvg();

    /// <summary>Writes <see cref="ToSvg"/> to <paramref name="path"/> as UTF-8, atomically (<c>fig.savefig(path)</c>).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToSvg());

    /// <summary>Checks axis limits set by <c>XLim</c> / <c>YLim</c>: both finite and lo below hi.</summary>
    private protected (double Lo, double Hi)? CheckLimits((double Lo, double Hi)? limits, string property)
    {
        if (limits is { } l && !(double.IsFinite(l.Lo) && double.IsFinite(l.Hi) && l.Lo < l.Hi))
            throw new ArgumentException($"{Name}: {property} must be two finite numbers with lo < hi, got ({l.Lo}, {l.Hi})", property);
        return limits;
    }

    private protected void CheckSize()
    {
        if (Width < MinWidth || Height < MinHeight)
            throw new InvalidOperationException($"{Name}: a {Width}x{Height} chart is too small (at least {MinWidth}x{MinHeight} pixels)");
    }

    /// <summary>Flattens a 0-d or 1-d tensor to doubles; other ranks are rejected with the chart's name and the shape.</summary>
    private protected double[] Values(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        if (t.Dim() > 1)
            throw new ArgumentException($"{Name}: {what} must be a 1-D tensor, got shape {Core.Shape.Format(t.Shape)}", what);
        return t.ToArray<double>();
    }
}
