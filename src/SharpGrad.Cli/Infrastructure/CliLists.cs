using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SharpGrad.Cli.Infrastructure;

/// <summary>
/// Options that take a comma-separated list (<c>--x 1,-2,0.5</c>), parsed by hand so that a bad item gives one
/// readable line ("--x expects comma-separated numbers, got 'abc' (item 2 of '1,abc')").
/// </summary>
internal static class CliLists
{
    /// <summary>
    /// A list of finite numbers; null when the option is absent. A <paramref name="defaultValue"/> is only shown in the
    /// help, written as the user would type it ("[default: -10,-2,0.5]", not the parser's "-10|-2|0.5"): read the value
    /// with <c>Given(parse, option) ?? defaultValue</c>.
    /// </summary>
    public static Option<double[]?> Numbers(string name, string description, double[]? defaultValue = null)
        => new(name)
        {
            Description = defaultValue is null ? description
                : $"{description} [default: {string.Join(",", defaultValue.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]",
            CustomParser = r =>
            {
                string text = Token(r);
                if (TryParseNumbers(text, out var values, out string? error)) return values;
                r.AddError($"{name} expects comma-separated numbers, {error}");
                return defaultValue;
            },
        };

    /// <summary>A list of non-empty words (items are trimmed); null when the option is absent.</summary>
    public static Option<string[]?> Words(string name, string description)
        => new(name)
        {
            Description = description,
            CustomParser = r =>
            {
                string text = Token(r);
                var items = text.Split(',').Select(s => s.Trim()).ToArray();
                if (text.Trim().Length > 0 && items.All(s => s.Length > 0)) return items;
                r.AddError($"{name} expects comma-separated items, got '{text}'");
                return null;
            },
        };

    /// <summary>
    /// Parses "1, -2,0.5" into numbers (invariant culture). On failure <paramref name="error"/> says which item is bad,
    /// e.g. "got 'abc' (item 2 of '1,abc')".
    /// </summary>
    public static bool TryParseNumbers(string text, out double[] values, out string? error)
    {
        values = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "got an empty list";
            return false;
        }
        var items = text.Split(',');
        var result = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]) || !double.IsFinite(result[i]))
            {
                error = items.Length == 1 ? $"got '{item}'" : $"got '{item}' (item {i + 1} of '{text}')";
                return false;
            }
        }
        values = result;
        return true;
    }

    /// <summary>The list given on the command line, or null when the option was not given (an absent list parses as empty).</summary>
    public static T[]? Given<T>(ParseResult parse, Option<T[]?> option)
        => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;

    /// <summary>Formats numbers the way the tool prints them (invariant culture, shortest round trip).</summary>
    public static string Format(IEnumerable<double> values)
        => string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));

    private static string Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
}
