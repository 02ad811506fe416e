using System.Text;
using SharpGrad.Core;

namespace SharpGrad.Vision.Transforms;

/// <summary>Random draws for the random transforms, serialised on the generator they use.</summary>
internal static class TransformRandom
{
    /// <summary>Runs <paramref name="draw"/> on <paramref name="generator"/> (or the default generator) under its lock, so that several draws stay together.</summary>
    public static T Draw<T>(Generator? generator, Func<Generator, T> draw)
    {
        var g = generator ?? Tensor.DefaultGenerator;
        lock (g) return draw(g);
    }

    /// <summary>A uniform value in [low, high) (<c>torch.empty(1).uniform_(low, high)</c>).</summary>
    public static double Uniform(Generator g, double low, double high) => low + (high - low) * g.NextDouble();

    /// <summary>A (-x, x) range from a single non-negative number, as torchvision's <c>_setup_angle</c>.</summary>
    public static (double Min, double Max) Symmetric(string op, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(name, $"{op}: if {name} is a single number, it must be non-negative and finite, got {value}");
        return (0 - value, value); // 0 - 0 is +0.0, which prints as Python's -0 (an int) does: 0.0
    }

    /// <summary>Checks that a (min, max) range is finite and ordered.</summary>
    public static (double Min, double Max) Range(string op, string name, (double Min, double Max) range)
    {
        if (!double.IsFinite(range.Min) || !double.IsFinite(range.Max) || range.Min > range.Max)
            throw new ArgumentException($"{op}: {name} range ({range.Min}, {range.Max}) must be finite with min <= max", name);
        return range;
    }
}

/// <summary>Python-style pieces of the transforms' reprs.</summary>
internal static class Repr
{
    /// <summary>A Python list of floats: <c>[-10.0, 10.0]</c>.</summary>
    public static string FloatList(IReadOnlyList<double> values) => List(values, PyFormat.Float);

    /// <summary>A Python list of numbers, whole values as ints: <c>[14, 14]</c>.</summary>
    public static string NumberList(IReadOnlyList<double> values) => List(values, PyFormat.Number);

    private static string List(IReadOnlyList<double> values, Func<double, string> format)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(format(values[i]));
        }
        return sb.Append(']').ToString();
    }
}
