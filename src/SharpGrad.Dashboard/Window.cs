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

    /// <summary>A private copy of the batch, at most <see cref="MaxImages"/> images (never mutated after it is stored).</summary>
    public Tensor? Batch { get; set; }

    /// <summary>The number of images in the batch as given (more than <see cref="Batch"/> holds when it was cut).</summary>
    public int Total { get; set; }

    /// <summary>The factor the images were shrunk by to stay within <see cref="Visdom.MaxImagePixels"/> (1: as given).</summary>
    public int Downscale { get; set; } = 1;

    public int Nrow { get; set; } = 8;

    public int Padding { get; set; } = 2;

    public override Func<string> Snapshot()
    {
        var batch = Batch;
        int nrow = Nrow, padding = Padding, total = Total, factor = Downscale;
        return () =>
        {
            if (batch is null) return "";
            int n = batch.Dim() == 4 || batch.Dim() == 3 ? batch.Shape[0] : 1;
            bool bytes = false;
            if (batch.DType.IsFloatingPoint())
            {
                // visdom's rule: a float batch whose maximum exceeds 1 holds 0..255 values.
                bytes = batch.ToArray<double>().Where(double.IsFinite).DefaultIfEmpty(0).Max() > 1;
            }
            var grid = new ImageGrid(batch, nrow: nrow, padding: padding, normalize: bytes, valueRange: bytes ? (0, 255) : null);
            string png = Convert.ToBase64String(grid.ToPng());
            var notes = new List<string>();
            if (total > n) notes.Add($"first {n} of {total} images");
            if (factor > 1) notes.Add($"downscaled {factor}x to stay within {Visdom.MaxImagePixels:N0} pixels");
            string caption = notes.Count > 0 ? $"<p class=\"caption\">{string.Join("; ", notes)}</p>" : "";
            return $"<img alt=\"{WebUtility.HtmlEncode(Id)}\" width=\"{grid.Width * 2}\" height=\"{grid.Height * 2}\" src=\"data:image/png;base64,{png}\">{caption}";
        };
    }

    /// <summary>
    /// The stored copy of a batch: its first <see cref="MaxImages"/> images, every <c>factor</c>-th row and column of
    /// them when their pixels exceed <see cref="Visdom.MaxImagePixels"/>. Only the small result is allocated.
    /// </summary>
    public static (Tensor Copy, int Factor) Bounded(Tensor tensor)
    {
        var images = tensor.Detach();
        int rank = images.Dim();
        if (rank >= 3 && images.Shape[0] > MaxImages) images = images.Narrow(0, 0, MaxImages);
        int n = rank >= 3 ? images.Shape[0] : 1, h = images.Shape[rank - 2], w = images.Shape[rank - 1];
        int factor = 1;
        while ((long)n * Shrunk(h, factor) * Shrunk(w, factor) > Visdom.MaxImagePixels) factor++;
        if (factor == 1) return (images.Clone(), 1);
        var rows = Every(h, factor);
        var columns = Every(w, factor);
        return (images.IndexSelect(rank - 2, rows).IndexSelect(rank - 1, columns), factor);
    }

    private static long Shrunk(int size, int factor) => (size + factor - 1) / factor;

    private static Tensor Every(int size, int factor)
    {
        var index = new long[Shrunk(size, factor)];
        for (int i = 0; i < index.Length; i++) index[i] = (long)i * factor;
        return Tensor.FromBuffer(index, index.Length);
    }
}

/// <summary>
/// A text window (visdom's <c>viz.text</c>); appends keep at most <see cref="MaxChars"/> characters (the tail). The
/// text is kept in pieces, so an append costs what it appends, not a copy of everything shown.
/// </summary>
internal sealed class TextWindow(string id) : Window(id, "text")
{
    /// <summary>The most characters kept; older text is dropped from the front.</summary>
    public const int MaxChars = 100_000;

    /// <summary>More pieces than this are joined into one (amortised: a join per this many appends).</summary>
    private const int MaxPieces = 1024;

    private readonly LinkedList<string> _pieces = new();
    private int _length, _skip; // characters shown, and characters of the first piece already dropped

    /// <summary>The whole text (joins the pieces; the renderer's snapshot and tests read it).</summary>
    public string Text
    {
        get
        {
            if (_pieces.Count == 0) return "";
            var sb = new System.Text.StringBuilder(_length);
            sb.Append(_pieces.First!.Value, _skip, _pieces.First.Value.Length - _skip);
            for (var node = _pieces.First.Next; node is not null; node = node.Next) sb.Append(node.Value);
            return sb.ToString();
        }
        set
        {
            _pieces.Clear();
            _length = _skip = 0;
            Add(value);
        }
    }

    /// <summary>Adds <paramref name="text"/> as a new line (the first line when the window is empty).</summary>
    public void Append(string text) => Add(_length == 0 ? text : "\n" + text);

    private void Add(string piece)
    {
        if (piece.Length >= MaxChars)
        {
            _pieces.Clear();
            _length = _skip = 0;
            piece = piece[^MaxChars..];
        }
        if (piece.Length == 0) return;
        _pieces.AddLast(piece);
        _length += piece.Length;
        // Drop from the front: whole pieces, then part of the first one (by an offset, never a copy).
        while (_length > MaxChars)
        {
            int excess = _length - MaxChars, firstLeft = _pieces.First!.Value.Length - _skip;
            if (firstLeft <= excess)
            {
                _pieces.RemoveFirst();
                _skip = 0;
                _length -= firstLeft;
            }
            else
            {
                _skip += excess;
                _length -= excess;
            }
        }
        if (_pieces.Count > MaxPieces)
        {
            string joined = Text;
            _pieces.Clear();
            _pieces.AddLast(joined);
            _skip = 0;
        }
    }

    public override Func<string> Snapshot()
    {
        string text = Text;
        return () => $"<pre>{WebUtility.HtmlEncode(text)}</pre>";
    }
}
