using System.Globalization;
using System.Numerics;

namespace SharpGrad;

/// <summary>
/// Print options of <see cref="Tensor.ToString"/> (PyTorch <c>torch._tensor_str.PRINT_OPTS</c>). Immutable: setting
/// options swaps the whole record, so a print running on another thread sees either the old or the new options.
/// </summary>
/// <param name="Precision">Digits after the decimal point of floats.</param>
/// <param name="Threshold">Element count above which the tensor is summarised with <c>...</c>.</param>
/// <param name="EdgeItems">Items kept at the start and at the end of each summarised dimension.</param>
/// <param name="LineWidth">Characters per line before a row wraps.</param>
/// <param name="SciMode">Forces (true) or forbids (false) scientific notation; null picks it from the values.</param>
internal sealed record PrintOptions(int Precision, int Threshold, int EdgeItems, int LineWidth, bool? SciMode)
{
    /// <summary>PyTorch's defaults (<c>profile="default"</c>).</summary>
    public static readonly PrintOptions Default = new(4, 1000, 3, 80, null);
}

/// <summary>
/// Formats the elements of one tensor to a common width (PyTorch <c>torch._tensor_str._Formatter</c>): floats whose
/// finite values are all integers print as <c>1.</c>, others as fixed <c>0.1000</c>, or in scientific notation when
/// the nonzero finite magnitudes span more than 1000x, exceed 1e8 or go below 1e-4.
/// </summary>
internal sealed class TensorFormatter
{
    private readonly PrintOptions _options;
    private readonly bool _intMode = true;
    private readonly bool _sciMode;

    /// <summary>Width every formatted element is padded to on the left.</summary>
    public int Width { get; } = 1;

    /// <summary>
    /// Builds the formatter from the values that will be printed (the summarised ones when summarising).
    /// Exactly one of the arrays is non-null; float32 values arrive widened to double, which is exact.
    /// </summary>
    public TensorFormatter(PrintOptions options, double[]? floats, long[]? ints, bool[]? bools)
    {
        _options = options;
        if (ints is not null)
        {
            foreach (long v in ints) Width = Math.Max(Width, v.ToString(CultureInfo.InvariantCulture).Length);
            return;
        }
        if (bools is not null)
        {
            foreach (bool v in bools) Width = Math.Max(Width, v ? 4 : 5);
            return;
        }

        double min = double.PositiveInfinity, max = 0;
        int count = 0;
        foreach (double v in floats!)
        {
            if (!double.IsFinite(v) || v == 0) continue;
            count++;
            double a = Math.Abs(v);
            min = Math.Min(min, a);
            max = Math.Max(max, a);
            if (v != Math.Ceiling(v)) _intMode = false;
        }
        // PyTorch returns before looking at the sci_mode option when no value is nonzero and finite,
        // so an all-zero (or all-nan) tensor never prints in scientific notation.
        if (count == 0) return;

        _sciMode = max / min > 1000.0 || max > 1e8 || (!_intMode && min < 1e-4);
        foreach (double v in floats)
        {
            if (!double.IsFinite(v) || v == 0) continue;
            int length = _sciMode ? FormatScientific(v, options.Precision).Length
                : _intMode ? FormatFixed(v, 0).Length + 1
                : FormatFixed(v, options.Precision).Length;
            Width = Math.Max(Width, length);
        }
        if (options.SciMode is bool forced) _sciMode = forced;
    }

    /// <summary>A float element, padded to <see cref="Width"/>.</summary>
    public string Format(double value)
    {
        string s;
        if (_sciMode) s = FormatScientific(value, _options.Precision);
        else if (_intMode) s = double.IsFinite(value) ? FormatFixed(value, 0) + "." : FormatFixed(value, 0);
        else s = FormatFixed(value, _options.Precision);
        return s.PadLeft(Width);
    }

    /// <summary>An int64 element, padded to <see cref="Width"/>.</summary>
    public string Format(long value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(Width);

    /// <summary>A bool element (<c>True</c>/<c>False</c>), padded to <see cref="Width"/>.</summary>
    public string Format(bool value) => (value ? "True" : "False").PadLeft(Width);

    /// <summary>
    /// Python's <c>'{:.Nf}'.format(value)</c>: the exact binary value rounded half-to-even to
    /// <paramref name="precision"/> decimals, keeping the sign of negative zero and of negatives that round to zero.
    /// (.NET's "F" format rounds exact ties away from zero, e.g. 0.03125 to 0.0313 where Python prints 0.0312.)
    /// </summary>
    public static string FormatFixed(double value, int precision)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var (negative, mantissa, exponent) = Decompose(value);
        BigInteger scaled = mantissa * BigInteger.Pow(10, precision);
        BigInteger q = exponent >= 0 ? scaled << exponent : RoundHalfEven(scaled, BigInteger.One << -exponent);
        string digits = q.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        string sign = negative ? "-" : "";
        if (precision == 0) return sign + digits;
        return sign + digits[..^precision] + "." + digits[^precision..];
    }

    /// <summary>
    /// Python's <c>'{:.Ne}'.format(value)</c>: one digit, <paramref name="precision"/> decimals rounded half-to-even
    /// from the exact binary value, and a signed exponent of at least two digits (<c>1.0000e-05</c>).
    /// </summary>
    public static string FormatScientific(double value, int precision)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        var (negative, mantissa, exponent) = Decompose(value);
        string sign = negative ? "-" : "";
        if (mantissa.IsZero) return sign + "0" + (precision > 0 ? "." + new string('0', precision) : "") + "e+00";

        BigInteger low = BigInteger.Pow(10, precision), high = low * 10;
        int power = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        BigInteger num, den;
        while (true)
        {
            // |value| / 10^(power - precision) as the exact fraction num / den.
            num = mantissa;
            den = BigInteger.One;
            if (exponent >= 0) num <<= exponent; else den <<= -exponent;
            int shift = power - precision;
            if (shift >= 0) den *= BigInteger.Pow(10, shift); else num *= BigInteger.Pow(10, -shift);
            BigInteger floor = BigInteger.Divide(num, den);
            if (floor < low) power--;
            else if (floor >= high) power++;
            else break;
        }
        BigInteger digitsValue = RoundHalfEven(num, den);
        if (digitsValue == high)
        {
            digitsValue = low;
            power++;
        }
        string digits = digitsValue.ToString(CultureInfo.InvariantCulture);
        string mantissaText = precision > 0 ? digits[..1] + "." + digits[1..] : digits;
        string exponentText = (power < 0 ? "-" : "+") + Math.Abs(power).ToString("00", CultureInfo.InvariantCulture);
        return sign + mantissaText + "e" + exponentText;
    }

    /// <summary>Splits a finite double into sign, integer mantissa and binary exponent: |value| = mantissa * 2^exponent.</summary>
    private static (bool Negative, BigInteger Mantissa, int Exponent) Decompose(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        if (biased == 0) biased = 1;
        else fraction |= 1L << 52;
        return (negative, new BigInteger(fraction), biased - 1075);
    }

    /// <summary>num / den rounded to the nearest integer, ties to even (both positive).</summary>
    private static BigInteger RoundHalfEven(BigInteger num, BigInteger den)
    {
        BigInteger q = BigInteger.DivRem(num, den, out BigInteger r);
        int cmp = (r << 1).CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        return q;
    }
}
