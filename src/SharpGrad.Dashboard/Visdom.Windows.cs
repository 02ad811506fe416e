namespace SharpGrad.Dashboard;

public sealed partial class Visdom
{
    /// <summary>The most pixels (images x height x width) one image window keeps; larger batches are downscaled.</summary>
    public const int MaxImagePixels = 4_000_000;

    /// <summary>The most windows open at once; creating one more closes the oldest (what bounds <c>/state</c> and the page).</summary>
    public const int MaxWindows = 500;

    /// <summary>The most buckets kept per series: a series draws at most three times as many points, however long training runs.</summary>
    public const int SeriesCapacity = 1000;

    private readonly object _createGate = new();
    private int _nextWindow;

    /// <summary>
    /// Plots or extends one line (<c>viz.line(Y, X, win=win, opts=dict(title=..., legend=[...]), update='append')</c>).
    /// <paramref name="x"/> defaults to 0, 1, 2, ... (continuing after the last x when appending).
    /// <paramref name="update"/> is null or "replace" (new content) or "append" (add points; creates the window when missing).
    /// Returns the window id (<paramref name="win"/>, or a new id when null).
    /// </summary>
    public string Line(double[] y, double[]? x = null, string? win = null, string? title = null, IReadOnlyList<string>? legend = null,
        string? update = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        return LineCore("line", y, y.Length, 1, x, win, title, legend, update, xLabel, yLabel);
    }

    /// <summary>
    /// Plots or extends several lines at once: row i of <paramref name="y"/> (N x M) holds the M series' values at
    /// <c>x[i]</c> (<c>viz.line([[loss, acc]], [step], win='test', opts=dict(legend=['loss', 'acc.']), update='append')</c>).
    /// </summary>
    public string Line(double[,] y, double[]? x = null, string? win = null, string? title = null, IReadOnlyList<string>? legend = null,
        string? update = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        int n = y.GetLength(0), m = y.GetLength(1);
        var flat = new double[n * m];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) flat[i * m + j] = y[i, j];
        return LineCore("line", flat, n, m, x, win, title, legend, update, xLabel, yLabel);
    }

    /// <summary>Appends (or plots) one point per series: <c>viz.line([value], [x], win=win, update='append')</c> for a single series.</summary>
    public string Line(double y, double x, string? win = null, string? title = null, IReadOnlyList<string>? legend = null,
        string? update = "append", string? xLabel = null, string? yLabel = null) =>
        LineCore("line", [y], 1, 1, [x], win, title, legend, update, xLabel, yLabel);

    /// <summary>
    /// <see cref="Line(double[], double[], string?, string?, IReadOnlyList{string}?, string?, string?, string?)"/> from tensors of any dtype:
    /// <paramref name="y"/> is a scalar, 1-D (N) or 2-D (N, M) tensor, <paramref name="x"/> a scalar or 1-D tensor of N values.
    /// </summary>
    public string Line(Tensor y, Tensor? x = null, string? win = null, string? title = null, IReadOnlyList<string>? legend = null,
        string? update = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        var shape = y.Shape;
        if (shape.Length > 2)
            throw new ArgumentException($"line: y must be a scalar, 1-D (N) or 2-D (N, M) tensor, got shape {Shape(shape)}", nameof(y));
        int n = shape.Length == 0 ? 1 : shape[0], m = shape.Length == 2 ? shape[1] : 1;
        double[]? xs = null;
        if (x is not null)
        {
            if (x.Dim() > 1)
                throw new ArgumentException($"line: x must be a scalar or 1-D tensor, got shape {Shape(x.Shape)}", nameof(x));
            xs = x.ToArray<double>();
        }
        return LineCore("line", y.ToArray<double>(), n, m, xs, win, title, legend, update, xLabel, yLabel);
    }

    /// <summary>
    /// Plots or extends a scatter series of points (x[i], y[i]) (<c>viz.scatter(np.stack([x, y], 1), win=win, name=name, update='append')</c>);
    /// <paramref name="name"/> picks the series (one legend entry per name).
    /// </summary>
    public string Scatter(double[] x, double[] y, string? win = null, string? title = null, string? name = null,
        string? update = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
            throw new ArgumentException($"scatter: x has {x.Length} values but y has {y.Length}", nameof(y));
        var groups = new Dictionary<string, (List<double>, List<double>)> { [name ?? ""] = ([.. x], [.. y]) };
        return ScatterCore(groups, win, title, update, xLabel, yLabel);
    }

    /// <summary>
    /// Scatter plot of an (N, 2) tensor of points (<c>viz.scatter(X, Y, win=win, opts=dict(legend=[...]))</c>): with
    /// <paramref name="labels"/> (N values in 1..K) each label is its own series, named by <paramref name="legend"/> when given.
    /// </summary>
    public string Scatter(Tensor points, Tensor? labels = null, string? win = null, string? title = null, IReadOnlyList<string>? legend = null,
        string? update = null, string? xLabel = null, string? yLabel = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var shape = points.Shape;
        if (shape.Length != 2 || shape[1] != 2)
            throw new ArgumentException($"scatter: points must have shape (N, 2), got {Shape(shape)}", nameof(points));
        int n = shape[0];
        var p = points.ToArray<double>();
        long[]? l = null;
        if (labels is not null)
        {
            if (labels.Dim() != 1 || labels.Shape[0] != n)
                throw new ArgumentException($"scatter: labels must have shape ({n}), one per point, got {Shape(labels.Shape)}", nameof(labels));
            l = labels.ToArray<long>();
        }
        var groups = new SortedDictionary<long, (List<double> X, List<double> Y)>();
        for (int i = 0; i < n; i++)
        {
            long k = l?[i] ?? 1;
            if (k < 1 || (legend is not null && k > legend.Count))
                throw new ArgumentException($"scatter: label {k} at index {i} is outside 1..{(legend is null ? "K" : legend.Count.ToString())} (labels are 1-based, one legend entry each)", nameof(labels));
            if (!groups.TryGetValue(k, out var g)) groups[k] = g = ([], []);
            g.X.Add(p[2 * i]);
            g.Y.Add(p[2 * i + 1]);
        }
        var named = new Dictionary<string, (List<double>, List<double>)>();
        foreach (var (k, g) in groups) named[legend is not null ? legend[(int)k - 1] : l is null ? "" : k.ToString()] = g;
        return ScatterCore(named, win, title, update, xLabel, yLabel);
    }

    /// <summary>
    /// Shows a batch of images as one grid (<c>viz.images(tensor, win=win, nrow=8, padding=2)</c>): shape (N, 1, H, W),
    /// (N, 3, H, W), (N, H, W) or (H, W); float values in 0..1 (or 0..255 when the maximum exceeds 1, as visdom does),
    /// int64 values in 0..255. The tensor is copied, so it may change after the call: its first
    /// <see cref="ImagesWindow.MaxImages"/> images, shrunk (every k-th row and column) when they hold more than
    /// <see cref="MaxImagePixels"/> pixels, so one window never holds more than that.
    /// </summary>
    public string Images(Tensor tensor, string? win = null, string? title = null, int nrow = 8, int padding = 2)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(tensor);
        var shape = tensor.Shape;
        int channels = shape.Length == 4 ? shape[1] : 1;
        if (shape.Length < 2 || shape.Length > 4 || (channels != 1 && channels != 3))
            throw new ArgumentException($"images: expected shape (N, 1, H, W), (N, 3, H, W), (N, H, W) or (H, W), got {Shape(shape)}", nameof(tensor));
        if (tensor.Numel() == 0)
            throw new ArgumentException($"images: no pixels in shape {Shape(shape)}", nameof(tensor));
        if (nrow < 1) throw new ArgumentOutOfRangeException(nameof(nrow), nrow, "images: nrow must be at least 1");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, "images: padding must be non-negative");
        string id = win ?? NewId();
        var (copy, factor) = ImagesWindow.Bounded(tensor);
        var w = new ImagesWindow(id) { Title = title, Batch = copy, Total = shape.Length >= 3 ? shape[0] : 1, Downscale = factor, Nrow = nrow, Padding = padding };
        _hub.Put(w);
        _hub.MarkDirty(id);
        return id;
    }

    /// <summary>Shows text in a window (<c>viz.text(text, win=win, opts=dict(title=...))</c>); "append" adds it as a new line.</summary>
    public string Text(string text, string? win = null, string? title = null, string? update = null)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(text);
        bool append = Append("text", update);
        string id = win ?? NewId();
        lock (_createGate)
        {
            var existing = _hub.Find(id);
            if (append && existing is not null and not TextWindow)
                throw new ArgumentException($"text: window '{id}' is a {existing.Kind} window; cannot append text to it", nameof(win));
            if (append && existing is TextWindow t)
            {
                lock (t.Gate)
                {
                    t.Append(text);
                    if (title is not null) t.Title = title;
                }
            }
            else _hub.Put(new TextWindow(id) { Title = title, Text = text });
        }
        _hub.MarkDirty(id);
        return id;
    }

    /// <summary>Closes window <paramref name="win"/>, or every window when null (<c>viz.close(win)</c>); true when something was closed.</summary>
    public bool Close(string? win = null)
    {
        ThrowIfDisposed();
        if (win is not null) return _hub.Close(win);
        bool any = false;
        foreach (var id in _hub.Ids()) any |= _hub.Close(id);
        return any;
    }

    /// <summary>The number of points stored for window <paramref name="win"/> over all its series (0 when not a line or scatter window).</summary>
    internal int StoredPoints(string win)
    {
        if (_hub.Find(win) is not LineWindow w) return 0;
        lock (w.Gate) return w.StoredPoints();
    }

    private string LineCore(string op, double[] y, int n, int m, double[]? x, string? win, string? title, IReadOnlyList<string>? legend,
        string? update, string? xLabel, string? yLabel)
    {
        ThrowIfDisposed();
        if (x is not null && x.Length != n)
            throw new ArgumentException($"{op}: x has {x.Length} values but y has {n} rows", nameof(x));
        if (legend is not null && legend.Count != m)
            throw new ArgumentException($"{op}: legend has {legend.Count} names but y has {m} series (columns)", nameof(legend));
        if (legend is not null && legend.Distinct().Count() != legend.Count)
            throw new ArgumentException($"{op}: legend names must differ, got [{string.Join(", ", legend)}]", nameof(legend));
        return UpdateLineWindow(op, "a line", scatter: false, win, update, title, xLabel, yLabel, (w, id) =>
        {
            if (legend is null && w.SeriesCount != 0 && w.SeriesCount != m)
                throw new ArgumentException($"{op}: window '{id}' has {w.SeriesCount} series but the update has {m} columns; pass legend to name the series", nameof(y));
            var series = new SeriesBuffer[m];
            for (int j = 0; j < m; j++)
                series[j] = legend is not null ? w.Series(legend[j]) : w.SeriesCount > j ? w.SeriesAt(j) : w.Series(m == 1 ? "" : (j + 1).ToString());
            double start = double.IsNaN(series[0].LastX) ? 0 : series[0].LastX + 1;
            for (int i = 0; i < n; i++)
            {
                double xi = x is null ? start + i : x[i];
                for (int j = 0; j < m; j++) series[j].Add(xi, y[i * m + j]);
            }
        });
    }

    private string ScatterCore(Dictionary<string, (List<double> X, List<double> Y)> groups, string? win, string? title, string? update,
        string? xLabel, string? yLabel)
    {
        ThrowIfDisposed();
        return UpdateLineWindow("scatter", "points", scatter: true, win, update, title, xLabel, yLabel, (w, _) =>
        {
            foreach (var (name, (xs, ys)) in groups)
            {
                var s = w.Series(name);
                for (int i = 0; i < xs.Count; i++) s.Add(xs[i], ys[i]);
            }
        });
    }

    /// <summary>
    /// The window update <c>line</c> and <c>scatter</c> share: window <paramref name="win"/> (a new id when null) is
    /// replaced by a new line or scatter window, or with <c>update="append"</c> extended (an error when it is a window of
    /// another kind: "cannot append <paramref name="what"/> to it"); <paramref name="fill"/> adds the points under the
    /// window's lock, then the given title and labels are set and the page is told. Returns the id.
    /// </summary>
    private string UpdateLineWindow(string op, string what, bool scatter, string? win, string? update, string? title,
        string? xLabel, string? yLabel, Action<LineWindow, string> fill)
    {
        bool append = Append(op, update);
        string id = win ?? NewId();
        string kind = scatter ? "scatter" : "line";
        lock (_createGate)
        {
            var existing = _hub.Find(id);
            if (append && existing is not null && !(existing is LineWindow { Kind: var k } && k == kind))
                throw new ArgumentException($"{op}: window '{id}' is a {existing.Kind} window; cannot append {what} to it", nameof(win));
            var w = append && existing is LineWindow lw ? lw : new LineWindow(id, SeriesCapacity, scatter);
            lock (w.Gate)
            {
                fill(w, id);
                if (title is not null) w.Title = title;
                if (xLabel is not null) w.XLabel = xLabel;
                if (yLabel is not null) w.YLabel = yLabel;
            }
            if (!ReferenceEquals(w, existing)) _hub.Put(w);
        }
        _hub.MarkDirty(id);
        return id;
    }

    private static bool Append(string op, string? update) => update switch
    {
        null or "replace" => false,
        "append" => true,
        _ => throw new ArgumentException($"{op}: update must be null, \"replace\" or \"append\", got \"{update}\"", nameof(update)),
    };

    private string NewId() => "window_" + Interlocked.Increment(ref _nextWindow);

    private static string Shape(int[] shape) => "[" + string.Join(", ", shape) + "]";
}
