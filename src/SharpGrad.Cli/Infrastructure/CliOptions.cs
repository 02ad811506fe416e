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
        => Checked(name, description, defaultValue, t => (TryInt(t, out int v) && v >= min, v), $"a whole number of at least {min}");

    /// <summary>A 64-bit integer option (any value).</summary>
    public static Option<long> Long(string name, string description, long defaultValue)
        => Checked(name, description, defaultValue,
            t => (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v), v), "a whole number");

    /// <summary>A floating-point option that must be finite and greater than zero.</summary>
    public static Option<double> Positive(string name, string description, double defaultValue)
        => Checked(name, description, defaultValue, t => (TryNumber(t, out double v) && v > 0, v), "a positive number");

    /// <summary>A floating-point option that must be finite (any sign).</summary>
    public static Option<double> Double(string name, string description, double defaultValue)
        => Checked(name, description, defaultValue, t => (TryNumber(t, out double v), v), "a number");

    /// <summary>A floating-point option that must be finite and at least zero.</summary>
    public static Option<double> NonNegative(string name, string description, double defaultValue)
        => Checked(name, description, defaultValue, t => (TryNumber(t, out double v) && v >= 0, v), "a number of at least 0");

    /// <summary>A string option restricted to <paramref name="choices"/> (case-insensitive; the value is returned in lower case).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
        => Checked(name, $"{description} ({string.Join(", ", choices)}; default {defaultValue})", defaultValue,
            t => OneOf(t, choices), $"one of {string.Join(", ", choices)}");

    /// <summary>
    /// An option whose last token <paramref name="read"/> turns into its value, or rejects with the one-line error
    /// "NAME expects <paramref name="expects"/>, got 'TEXT'"; <paramref name="fallback"/> is the value when the option is
    /// absent (with <paramref name="hasDefault"/>) and after an error.
    /// </summary>
    public static Option<T> Checked<T>(string name, string description, T fallback, Func<string, (bool Ok, T Value)> read, string expects,
        bool hasDefault = true)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                var (ok, value) = read(text);
                if (ok) return value;
                r.AddError($"{name} expects {expects}, got '{text}'");
                return fallback;
            },
        };
        if (hasDefault) option.DefaultValueFactory = _ => fallback;
        return option;
    }

    /// <summary>An integer in the invariant culture.</summary>
    public static bool TryInt(string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    /// <summary>A finite number in the invariant culture.</summary>
    public static bool TryNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The lower-cased <paramref name="text"/> and whether it is one of <paramref name="choices"/>.</summary>
    public static (bool Ok, string Value) OneOf(string text, string[] choices)
    {
        string lower = text.ToLowerInvariant();
        return (choices.Contains(lower, StringComparer.Ordinal), lower);
    }

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}
