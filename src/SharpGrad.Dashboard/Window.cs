using System.Net;
using SharpGrad.Plotting;

namespace SharpGrad.Dashboard;

/// <summary>
/// The in-memory state of one dashboard window. Callers mutate it under <see cref="Gate"/> (cheap,
/// bounded work only); the renderer takes a <see cref="Snapshot"/> under the same lock and renders the
/// snapshot outside it, so a slow render never holds up the training loop.
/// </summary>
internal abstract class Window(string id, string kind)
{
    /// <summary>The window id (visdom's <c>win</c>).</summary>
    public string Id { get; } = id;

    /// <summary>"line", "scatter", "images" or "text": the CSS class of the window on the page.</summary>
    public string Kind { get; } = kind;

    /// <summary>Guards every field of the subclass.</summary>
    public object Gate { get; } = new();

    /// <summary>The title shown above the window (the id when none was given).</summary>
    public string? Title { get; set; }

    /// <summary>Returns a function that renders the current state as an HTML fragment; called under <see cref="Gate"/>.</summary>
    public abstract Func<string> Snapshot();

    /// <summary>Size of the chart SVGs in pixels.</summary>
    public const int ChartWidth = 600, ChartHeight = 380;
}

/// <summary>A line window: one or more named series sharing the x axis (visdom's <c>viz.line</c>).</summary>
internal sealed class LineWindow(string id, int capacity, bool scatter) : Window(id, scatter ? "scatter" : "line")
{
    private readonly List<(string Label, SeriesBuffer Points)> _series = [];

    public string? XLabel { get; set; }

    public string? YLabel { get; set; }

    public int SeriesCount => _series.Count;

    /// <summary>The series named <paramref name="label"/>, created empty when missing.</summary>
    public SeriesBuffer Series(string label)
    {
        foreach (var (l, s) in _series) if (l == label) return s;
        var created = new SeriesBuffer(capacity, envelope: !scatter);
        _series.Add((label, created));
        return created;
    }

    /// <summary>The series at <paramref name="index"/>, in creation order.</summary>
    public SeriesBuffer SeriesAt(int index) => _series[index].Points;

    /// <summary>The label of the series at <paramref name="index"/>.</summary>
    public string LabelAt(int index) => _series[index].Label;

    /// <summary>The number of stored points over all series (what bounds memory and page size).</summary>
    public int StoredPoints()
    {
        int total = 0;
        foreach (var (_, s) in _series) total += s.Buckets;
        return total;
    }

    public override Func<string> Snapshot()
    {
        var parts = new List<(string Label, double[] X, double[] Y)>(_series.Count);
        foreach (var (label, s) in _series)
        {
            var (x, y) = s.Points();
            parts.Add((label, x, y));
        }
        string? xLabel = XLabel, yLabel = YLabel;
        bool labelled = _series.Count > 1 || (_series.Count == 1 && _series[0].Label.Length > 0);
        return () =>
        {
            Chart chart;
            if (scatter)
            {
                var c = new ScatterChart { Width = ChartWidth, Height = ChartHeight, XLabel = xLabel, YLabel = yLabel };
                foreach (var (label, x, y) in parts) c.Add(x, y, labelled ? label : null);
                chart = c;
            }
            else
            {
                var c = new LineChart { Width = ChartWidth, Height = ChartHeight, XLabel = xLabel, YLabel = yLabel };
                foreach (var (label, x, y) in parts) c.Add(x, y, labelled ? label : null);
                chart = c;
            }
            return chart.ToSvg();
        };
    }
}

/// <summary>An image-grid window (visdom's <c>viz.images</c>): the latest batch, drawn as one PNG.</summary>
internal sealed class ImagesWindow(string id) : Window(id, "images")
{
    /// <summary>The most images drawn from one batch; the rest are counted in a caption.</summary>
    public const int MaxImages = 512;

    /// <summary>A private copy of the batch (never mutated after it is stored).</summary>
    public Tensor? Batch { get; set; }

    public int Nrow { get; set; } = 8;

    public int Padding { get; set; } = 2;

    public override Func<string> Snapshot()
    {
        var batch = Batch;
        int nrow = Nrow, padding = Padding;
        return () =>
        {
            if (batch is null) return "";
            var images = batch;
            int n = batch.Dim() == 4 || batch.Dim() == 3 ? batch.Shape[0] : 1;
            if (n > MaxImages) images = batch.Narrow(0, 0, MaxImages);
            bool bytes = false;
            if (images.DType.IsFloatingPoint())
            {
                // visdom's rule: a float batch whose maximum exceeds 1 holds 0..255 values.
                bytes = images.ToArray<double>().Where(double.IsFinite).DefaultIfEmpty(0).Max() > 1;
            }
            var grid = new ImageGrid(images, nrow: nrow, padding: padding, normalize: bytes, valueRange: bytes ? (0, 255) : null);
            string png = Convert.ToBase64String(grid.ToPng());
            string caption = n > MaxImages ? $"<p class=\"caption\">first {MaxImages} of {n} images</p>" : "";
            return $"<img alt=\"{WebUtility.HtmlEncode(Id)}\" width=\"{grid.Width * 2}\" height=\"{grid.Height * 2}\" src=\"data:image/png;base64,{png}\">{caption}";
        };
    }
}

/// <summary>A text window (visdom's <c>viz.text</c>); appends keep at most <see cref="MaxChars"/> characters (the tail).</summary>
internal sealed class TextWindow(string id) : Window(id, "text")
{
    /// <summary>The most characters kept; older text is dropped from the front.</summary>
    public const int MaxChars = 100_000;

    private string _text = "";

    public string Text
    {
        get => _text;
        set => _text = value.Length > MaxChars ? value[^MaxChars..] : value;
    }

    public override Func<string> Snapshot()
    {
        string text = _text;
        return () => $"<pre>{WebUtility.HtmlEncode(text)}</pre>";
    }
}
