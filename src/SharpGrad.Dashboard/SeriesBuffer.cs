namespace SharpGrad.Dashboard;

/// <summary>
/// One series of (x, y) points with bounded memory, whatever the number of appends: the points are
/// grouped into at most <see cref="Capacity"/> buckets of equal size (a power of two, the last bucket
/// still filling). When the buckets run out, adjacent pairs are merged and the bucket size doubles, so
/// the whole history keeps one uniform resolution and the result depends only on the appended values.
/// <para>A line bucket keeps its lowest and its highest finite point (in arrival order), so spikes
/// survive merging (the same min/max idea as the renderer's per-pixel thinning); a scatter bucket keeps
/// its first point (a uniform stride sample). A bucket that saw a non-finite y ends with a NaN point,
/// which the chart draws as a gap.</para>
/// </summary>
internal sealed class SeriesBuffer
{
    private struct Bucket
    {
        public long Count;
        public long FirstIndex, LowIndex, HighIndex;
        public double FirstX, FirstY, LowX, LowY, HighX, HighY;
        public bool HasFinite, HasGap;
    }

    private readonly bool _envelope;
    private Bucket[] _buckets;
    private int _used;

    /// <summary>Creates a series keeping at most <paramref name="capacity"/> buckets (an even number, at least 2).</summary>
    public SeriesBuffer(int capacity, bool envelope)
    {
        if (capacity < 2 || capacity % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "dashboard: a series capacity must be an even number of at least 2");
        Capacity = capacity;
        _envelope = envelope;
        _buckets = new Bucket[Math.Min(capacity, 64)];
    }

    /// <summary>The most buckets kept; a series then draws at most 3 * Capacity points (low, high and a gap marker per bucket).</summary>
    public int Capacity { get; }

    /// <summary>How many raw points each full bucket stands for (1, 2, 4, ...).</summary>
    public long BucketSize { get; private set; } = 1;

    /// <summary>The number of points appended since creation.</summary>
    public long Appended { get; private set; }

    /// <summary>The x of the last appended point (NaN before the first).</summary>
    public double LastX { get; private set; } = double.NaN;

    /// <summary>The number of buckets in use.</summary>
    public int Buckets => _used;

    /// <summary>Appends one point; amortized O(1).</summary>
    public void Add(double x, double y)
    {
        long index = Appended++;
        LastX = x;
        if (_used == 0 || _buckets[_used - 1].Count >= BucketSize)
        {
            if (_used == Capacity) Halve();
            if (_used == _buckets.Length) Array.Resize(ref _buckets, Math.Min(Capacity, _buckets.Length * 2));
            _buckets[_used++] = new Bucket { FirstIndex = index, FirstX = x, FirstY = y };
        }
        ref Bucket b = ref _buckets[_used - 1];
        b.Count++;
        if (!double.IsFinite(y) || !double.IsFinite(x)) { b.HasGap = true; return; }
        if (!b.HasFinite)
        {
            b.HasFinite = true;
            (b.LowIndex, b.LowX, b.LowY) = (index, x, y);
            (b.HighIndex, b.HighX, b.HighY) = (index, x, y);
            return;
        }
        if (y < b.LowY) (b.LowIndex, b.LowX, b.LowY) = (index, x, y);
        if (y > b.HighY) (b.HighIndex, b.HighX, b.HighY) = (index, x, y);
    }

    /// <summary>Merges adjacent bucket pairs; the bucket size doubles.</summary>
    private void Halve()
    {
        int kept = 0;
        for (int i = 0; i < _used; i += 2)
            _buckets[kept++] = i + 1 < _used ? Merge(_buckets[i], _buckets[i + 1]) : _buckets[i];
        _used = kept;
        BucketSize *= 2;
    }

    private static Bucket Merge(Bucket a, Bucket b)
    {
        var m = a;
        m.Count = a.Count + b.Count;
        m.HasGap = a.HasGap || b.HasGap;
        if (!b.HasFinite) return m;
        if (!a.HasFinite)
        {
            m.HasFinite = true;
            (m.LowIndex, m.LowX, m.LowY) = (b.LowIndex, b.LowX, b.LowY);
            (m.HighIndex, m.HighX, m.HighY) = (b.HighIndex, b.HighX, b.HighY);
            return m;
        }
        if (b.LowY < a.LowY) (m.LowIndex, m.LowX, m.LowY) = (b.LowIndex, b.LowX, b.LowY);
        if (b.HighY > a.HighY) (m.HighIndex, m.HighX, m.HighY) = (b.HighIndex, b.HighX, b.HighY);
        return m;
    }

    /// <summary>The points to draw, in arrival order (NaN y marks a gap).</summary>
    public (double[] X, double[] Y) Points()
    {
        var xs = new List<double>(_used * 2);
        var ys = new List<double>(_used * 2);
        for (int i = 0; i < _used; i++)
        {
            ref Bucket b = ref _buckets[i];
            if (!_envelope)
            {
                xs.Add(b.FirstX);
                ys.Add(b.FirstY);
                continue;
            }
            if (b.HasFinite)
            {
                bool lowFirst = b.LowIndex <= b.HighIndex;
                var (x1, y1) = lowFirst ? (b.LowX, b.LowY) : (b.HighX, b.HighY);
                var (x2, y2) = lowFirst ? (b.HighX, b.HighY) : (b.LowX, b.LowY);
                xs.Add(x1); ys.Add(y1);
                if (b.LowIndex != b.HighIndex) { xs.Add(x2); ys.Add(y2); }
            }
            if (b.HasGap)
            {
                xs.Add(b.HasFinite ? xs[^1] : b.FirstX);
                ys.Add(double.NaN);
            }
        }
        return (xs.ToArray(), ys.ToArray());
    }
}
