using System.CommandLine;
using SharpGrad.Cli.Infrastructure;
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
        => CliOptions.Checked<int?>(name, description, null, t => (CliOptions.TryInt(t, out int v) && v >= min, v),
            $"a whole number of at least {min}", hasDefault: false);

    /// <summary>An optional finite number in [<paramref name="min"/>, <paramref name="max"/>] (or above <paramref name="min"/> when
    /// <paramref name="exclusiveMin"/>, below <paramref name="max"/> when <paramref name="exclusiveMax"/>); null when not given.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double min, double max, bool exclusiveMin = false, bool exclusiveMax = false)
    {
        string low = (exclusiveMin ? "(" : "[") + min.ToString(CultureInfo.InvariantCulture);
        string high = double.IsPositiveInfinity(max) ? "inf)" : max.ToString(CultureInfo.InvariantCulture) + (exclusiveMax ? ")" : "]");
        return CliOptions.Checked<double?>(name, description, null,
            t => (CliOptions.TryNumber(t, out double v) && (exclusiveMin ? v > min : v >= min) && (exclusiveMax ? v < max : v <= max), v),
            $"a number in {low}, {high}", hasDefault: false);
    }

    /// <summary>An optional value out of <paramref name="choices"/> (case-insensitive, returned in lower case); null when not given.</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] choices)
        => CliOptions.Checked<string?>(name, $"{description} ({string.Join(", ", choices)})", null,
            t => CliOptions.OneOf(t, choices), $"one of {string.Join(", ", choices)}", hasDefault: false);
}
