using System.Globalization;
using System.Text;

namespace SharpGrad.Core;

/// <summary>
/// Formats hyper-parameter values the way Python's <c>str()</c> prints them, so that optimizer reprs and
/// error messages read exactly like PyTorch's: <c>0.2</c>, <c>1e-05</c>, <c>(0.9, 0.999)</c>, <c>False</c>, <c>None</c>.
/// </summary>
internal static class PyFormat
{
    /// <summary>
    /// A hyper-parameter value as PyTorch prints it. Whole numbers print as Python ints ("0", "1"): PyTorch's
    /// integer defaults (momentum=0, weight_decay=0, ...) print that way, and a .NET double cannot tell 0 from 0.0.
    /// </summary>
    public static string Value(object? value) => value switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => Number(d),
        double[] seq => Tuple(seq),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "None",
    };

    /// <summary>A number: whole values below 1e16 as ints, others as Python's float repr.</summary>
    public static string Number(double x)
    {
        if (Math.Abs(x) < 1e16 && x == Math.Floor(x)) return ((long)x).ToString(CultureInfo.InvariantCulture);
        return Float(x);
    }

    /// <summary>A sequence of numbers as a Python tuple: <c>(0.9, 0.999)</c>, <c>(1.5,)</c>.</summary>
    public static string Tuple(IReadOnlyList<double> values)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Number(values[i]));
        }
        if (values.Count == 1) sb.Append(',');
        return sb.Append(')').ToString();
    }

    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, scientific below 1e-4 and from 1e16 on.</summary>
    public static string Float(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        if (x == 0) return double.IsNegative(x) ? "-0.0" : "0.0";

        // .NET's "R" gives the same shortest round-trip digits as Python; only the layout differs.
        string s = x.ToString("R", CultureInfo.InvariantCulture);
        bool negative = s[0] == '-';
        if (negative) s = s[1..];
        int exp10 = 0;
        int e = s.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp10 = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            s = s[..e];
        }
        int dot = s.IndexOf('.');
        string intPart = dot < 0 ? s : s[..dot];
        string digits = intPart + (dot < 0 ? "" : s[(dot + 1)..]);
        int decpt = intPart.Length + exp10;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') { lead++; decpt--; }
        digits = digits[lead..].TrimEnd('0');

        var sb = new StringBuilder(negative ? "-" : "");
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0) sb.Append("0.").Append('0', -decpt).Append(digits);
            else if (decpt >= digits.Length) sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            else sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int exponent = decpt - 1;
            sb.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
