using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>
/// Options of <c>sharpgrad mnist</c> whose default depends on the model (so they are null when not given), and the
/// range-checked ones the shared <see cref="Infrastructure.CliOptions"/> has no factory for. Bad values give one line.
/// </summary>
internal static class MnistOptions
{
    /// <summary>An optional integer of at least <paramref name="min"/>; null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 1)
        => new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min) return v;
                r.AddError($"{name} expects a whole number of at least {min}, got '{text}'");
                return null;
            },
        };

    /// <summary>An optional finite number in [<paramref name="min"/>, <paramref name="max"/>] (or above <paramref name="min"/> when
    /// <paramref name="exclusiveMin"/>, below <paramref name="max"/> when <paramref name="exclusiveMax"/>); null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max, bool exclusiveMin = false, bool exclusiveMax = false)
        => new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
                    && (exclusiveMin ? v > min : v >= min) && (exclusiveMax ? v < max : v <= max))
                    return v;
                string low = (exclusiveMin ? "(" : "[") + min.ToString(CultureInfo.InvariantCulture);
                string high = double.IsPositiveInfinity(max) ? "inf)" : max.ToString(CultureInfo.InvariantCulture) + (exclusiveMax ? ")" : "]");
                r.AddError($"{name} expects a number in {low}, {high}, got '{text}'");
                return null;
            },
        };

    /// <summary>An optional value out of <paramref name="choices"/> (case-insensitive, returned in lower case); null when not given.</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
        => new(name)
        {
            Description = $"{description} ({string.Join(", ", choices)})",
            CustomParser = r =>
            {
                string text = Token(r).ToLowerInvariant();
                if (choices.Contains(text, StringComparer.Ordinal)) return text;
                r.AddError($"{name} expects one of {string.Join(", ", choices)}, got '{Token(r)}'");
                return null;
            },
        };

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}
