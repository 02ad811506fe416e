using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Options shared by the commands, parsed by hand so that a bad value gives one readable line
/// ("--steps expects a whole number of at least 1, got 'x'") instead of a conversion exception.
/// </summary>
internal static class CliOptions
{
    /// <summary>An integer option that must be at least <paramref name="min"/>.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r);
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min) return v;
                r.AddError($"{name} expects a whole number of at least {min}, got '{text}'");
                return defaultValue;
            },
        };

    /// <summary>A 64-bit integer option (any value).</summary>
    public static Option<long> Long(string name, string description, long defaultValue)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r);
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)) return v;
                r.AddError($"{name} expects a whole number, got '{text}'");
                return defaultValue;
            },
        };

    /// <summary>A floating-point option that must be finite and greater than zero.</summary>
    public static Option<double> Positive(string name, string description, double defaultValue)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)) return v;
                r.AddError($"{name} expects a positive number, got '{text}'");
                return defaultValue;
            },
        };

    /// <summary>A floating-point option that must be finite (any sign).</summary>
    public static Option<double> Double(string name, string description, double defaultValue)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)) return v;
                r.AddError($"{name} expects a number, got '{text}'");
                return defaultValue;
            },
        };

    /// <summary>A floating-point option that must be finite and at least zero.</summary>
    public static Option<double> NonNegative(string name, string description, double defaultValue)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r);
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 && double.IsFinite(v)) return v;
                r.AddError($"{name} expects a number of at least 0, got '{text}'");
                return defaultValue;
            },
        };

    /// <summary>A string option restricted to <paramref name="choices"/> (case-insensitive; the value is returned in lower case).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
        => new(name)
        {
            Description = $"{description} ({string.Join(", ", choices)}; default {defaultValue})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string text = Token(r).ToLowerInvariant();
                if (choices.Contains(text, StringComparer.Ordinal)) return text;
                r.AddError($"{name} expects one of {string.Join(", ", choices)}, got '{Token(r)}'");
                return defaultValue;
            },
        };

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}
