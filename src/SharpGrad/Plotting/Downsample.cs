namespace SharpGrad.Plotting;

/// <summary>
/// Thins a long polyline for drawing without changing what it looks like: within each run of
/// consecutive points that fall in the same pixel column, only the first, the lowest, the highest
/// and the last point are kept, in their original order (the "M4" min/max-per-column reduction).
/// A monotonic series thus keeps at most four points per pixel column.
/// </summary>
internal static class Downsample
{
    /// <summary>Reduces the pixel-space points (xs[i], ys[i]) in place of copies; returns the kept points.</summary>
    public static (List<double> Xs, List<double> Ys) MinMaxPerColumn(List<double> xs, List<double> ys)
    {
        var outX = new List<double>();
        var outY = new List<double>();
        int n = xs.Count, start = 0;
        Span<int> picks = stackalloc int[4];
        while (start < n)
        {
            double column = Math.Floor(xs[start]);
            int end = start + 1, lo = start, hi = start;
            while (end < n && Math.Floor(xs[end]) == column)
            {
                if (ys[end] < ys[lo]) lo = end;
                if (ys[end] > ys[hi]) hi = end;
                end++;
            }
            picks[0] = start; picks[1] = lo; picks[2] = hi; picks[3] = end - 1;
            picks.Sort();
            int previous = -1;
            foreach (int p in picks)
            {
                if (p == previous) continue;
                outX.Add(xs[p]);
                outY.Add(ys[p]);
                previous = p;
            }
            start = end;
        }
        return (outX, outY);
    }
}
