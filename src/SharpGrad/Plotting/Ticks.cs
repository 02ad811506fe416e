using System.Globalization;

namespace SharpGrad.Plotting;

/// <summary>One tick label: the text, and for log axes an exponent drawn as a superscript (10<sup>k</sup>).</summary>
internal readonly record struct TickLabel(string Text, string? Superscript = null)
{
    /// <summary>The estimated rendered width in pixels at the given font size.</summary>
    public double Width(double fontSize) => Svg.TextWidth(Text, fontSize) + (Superscript is null ? 0 : Svg.TextWidth(Superscript, fontSize * 0.75));
}

/// <summary>An axis after tick selection: its limits, major ticks with labels, and minor ticks.</summary>
internal sealed class Axis
{
    public required double Lo { get; init; }
    public required double Hi { get; init; }
    public required bool Log { get; init; }

    /// <summary>The distance between major ticks in data units (linear axes; decades per tick on log axes).</summary>
    public double Step { get; init; }
    public required double[] Ticks { get; init; }
    public required TickLabel[] Labels { get; init; }
    public double[] Minor { get; init; } = [];

    /// <summary>Where <paramref name="v"/> falls between the limits: 0 at <see cref="Lo"/>, 1 at <see cref="Hi"/>.</summary>
    public double Fraction(double v) => Log
        ? (Math.Log10(v) - Math.Log10(Lo)) / (Math.Log10(Hi) - Math.Log10(Lo))
        : double.IsFinite(Hi - Lo) ? (v - Lo) / (Hi - Lo) : (v / 2 - Lo / 2) / (Hi / 2 - Lo / 2);

    /// <summary>One major step as a fraction of the axis length (linear axes); safe for limits near ±double.MaxValue.</summary>
    public double StepFraction => Step / 2 / (Hi / 2 - Lo / 2);

    public double MaxLabelWidth(double fontSize)
    {
        double w = 0;
        foreach (var l in Labels) w = Math.Max(w, l.Width(fontSize));
        return w;
    }
}

/// <summary>
/// Tick selection: linear axes get "nice" steps (1, 2 or 5 times a power of ten) with limits rounded
/// out to whole steps; log axes get ticks at powers of ten (matplotlib's MaxNLocator / LogLocator in spirit).
/// </summary>
internal static class Ticks
{
    private static readonly double[] Mantissas = [1, 2, 5];

    /// <summary>
    /// Widens [lo, hi] by the given fractions of its length (matplotlib's 5% axes margins), then picks
    /// the smallest 1-2-5 step giving at most <paramref name="maxIntervals"/> intervals for which
    /// <paramref name="fits"/> (given the candidate axis) holds. Ticks are the step's multiples inside the limits.
    /// </summary>
    public static Axis Linear(double lo, double hi, int maxIntervals, Func<Axis, bool>? fits = null, double marginLo = 0.05, double marginHi = 0.05)
    {
        (lo, hi) = Nonsingular(lo, hi);
        // Half the span never overflows, even for [-double.MaxValue, double.MaxValue].
        double half = hi / 2 - lo / 2;
        double limLo = Math.Max(-double.MaxValue, lo - marginLo * 2 * half), limHi = Math.Min(double.MaxValue, hi + marginHi * 2 * half);
        maxIntervals = Math.Max(2, maxIntervals);
        int exponent = (int)Math.Floor(Math.Log10(half) + Math.Log10(2.0 / maxIntervals)) - 1;
        Axis? last = null, crowded = null;
        for (int attempt = 0; attempt < 60; attempt++)
        {
            double step = Mantissas[attempt % 3] * Math.Pow(10, exponent + attempt / 3);
            if (!double.IsFinite(step)) break;
            // A little slack so that 0.3 / 0.1 = 2.9999999999999996 still counts as 3 steps.
            long kLo = (long)Math.Ceiling(limLo / step - 1e-9), kHi = (long)Math.Floor(limHi / step + 1e-9);
            if (kHi - kLo < 1) break; // fewer than two ticks: larger steps only get worse
            var values = new double[kHi - kLo + 1];
            for (long k = kLo; k <= kHi; k++) values[k - kLo] = k * step;
            var axis = new Axis { Lo = limLo, Hi = limHi, Log = false, Step = step, Ticks = values, Labels = FormatLinear(values, step) };
            if (kHi - kLo > maxIntervals)
            {
                crowded = axis;
                continue;
            }
            if (fits is null || fits(axis)) return axis;
            last = axis;
        }
        // Nothing satisfied every wish: prefer a step whose labels may touch over one with too many ticks.
        return last ?? crowded ?? throw new InvalidOperationException($"plot: no tick step found for the range [{lo}, {hi}]");
    }

    /// <summary>Ticks at powers of ten covering [lo, hi] (both positive), every decade or every few decades.</summary>
    public static Axis Log(double lo, double hi, int maxIntervals)
    {
        maxIntervals = Math.Max(2, maxIntervals);
        int eLo = (int)Math.Floor(Math.Log10(lo) + 1e-9), eHi = (int)Math.Ceiling(Math.Log10(hi) - 1e-9);
        if (eHi <= eLo) { eLo--; eHi++; }
        // 10^-323 is the smallest and 10^308 the largest power of ten a double holds.
        eLo = Math.Clamp(eLo, MinDecade, MaxDecade - 1);
        eHi = Math.Clamp(eHi, eLo + 1, MaxDecade);
        int every = 1;
        while ((eHi - eLo + every - 1) / every > maxIntervals) every++;
        eLo = Math.Max(FloorMultiple(eLo, every), MinDecade);
        eHi = Math.Min(-FloorMultiple(-eHi, every), MaxDecade);
        var values = new List<double>();
        var labels = new List<TickLabel>();
        for (int e = eLo; e <= eHi; e += every)
        {
            values.Add(Math.Pow(10, e));
            labels.Add(new TickLabel("10", Minus(e.ToString(CultureInfo.InvariantCulture))));
        }
        var minor = new List<double>();
        if (every == 1 && eHi - eLo <= 8)
            for (int e = eLo; e < eHi; e++)
                for (int m = 2; m <= 9; m++) minor.Add(m * Math.Pow(10, e));
        return new Axis { Lo = Math.Pow(10, eLo), Hi = Math.Pow(10, eHi), Log = true, Step = every, Ticks = [.. values], Labels = [.. labels], Minor = [.. minor] };
    }

    private const int MinDecade = -323, MaxDecade = 308;

    /// <summary>Data whose largest magnitude is below this count as all zero (matplotlib's nonsingular does the same).</summary>
    private const double Negligible = 1e-280;

    /// <summary>A spread below this fraction of the largest magnitude counts as no spread: it cannot get distinct tick labels.</summary>
    private const double RelativeResolution = 1e-12;

    /// <summary>
    /// Gives an empty, single-value or almost flat range some width, as matplotlib's nonsingular does for a constant
    /// series: 10% of the value on each side (±1 around zero). A spread too small for distinct tick labels
    /// (1e-12 of the values or less) counts as flat, and values that are all practically zero as zero.
    /// </summary>
    internal static (double Lo, double Hi) Nonsingular(double lo, double hi)
    {
        double maxAbs = Math.Max(Math.Abs(lo), Math.Abs(hi));
        if (maxAbs < Negligible) return (-1, 1);
        if (hi > lo && hi - lo > maxAbs * RelativeResolution) return (lo, hi);
        double mid = lo / 2 + hi / 2, pad = Math.Abs(mid) * 0.1;
        return (Math.Max(-double.MaxValue, mid - pad), Math.Min(double.MaxValue, mid + pad));
    }

    private static int FloorMultiple(int value, int of) => (int)Math.Floor(value / (double)of) * of;

    /// <summary>Labels with as many decimals as the step needs; scientific notation for very large or very small values.</summary>
    internal static TickLabel[] FormatLinear(double[] values, double step)
    {
        int stepExponent = (int)Math.Floor(Math.Log10(step) + 1e-9);
        double maxAbs = 0;
        foreach (double v in values) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        bool scientific = maxAbs >= 1e6 || stepExponent < -4;
        var labels = new TickLabel[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            // Snap to the step grid so that 3 * 0.1 prints as 0.3 and -0 as 0.
            double v = Math.Round(values[i] / step) * step;
            string text;
            if (v == 0) v = 0; // no "-0"
            if (scientific && v == 0) text = "0";
            else if (scientific)
            {
                int e = (int)Math.Floor(Math.Log10(Math.Abs(v)) + 1e-9);
                int digits = Math.Clamp(e - stepExponent, 0, 15);
                text = Math.Round(v / Math.Pow(10, e), digits).ToString("0.###############", CultureInfo.InvariantCulture) + "e" + e.ToString(CultureInfo.InvariantCulture);
            }
            else text = v.ToString("F" + Math.Max(0, -stepExponent), CultureInfo.InvariantCulture);
            labels[i] = new TickLabel(Minus(text));
        }
        return labels;
    }

    /// <summary>Typographic minus sign (U+2212) instead of the hyphen, as matplotlib prints negative numbers.</summary>
    private static string Minus(string text) => text.Replace('-', '\u2212');
}
