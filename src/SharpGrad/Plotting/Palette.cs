namespace SharpGrad.Plotting;

/// <summary>The series colours: matplotlib's default cycle, the "tab10" palette.</summary>
public static class Palette
{
    private static readonly string[] Colors =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    /// <summary>The ten tab10 colours as <c>#rrggbb</c> strings (<c>matplotlib.colormaps["tab10"]</c>), in cycle order.</summary>
    public static IReadOnlyList<string> Tab10 => Colors;

    /// <summary>The colour of the series at <paramref name="index"/>, cycling through <see cref="Tab10"/> (matplotlib's <c>"C0"</c>, <c>"C1"</c>, ...).</summary>
    public static string Color(int index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "palette: the series index must be non-negative");
        return Colors[index % Colors.Length];
    }
}
