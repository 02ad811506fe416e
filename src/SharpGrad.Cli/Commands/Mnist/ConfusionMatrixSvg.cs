using System.Globalization;
using System.Security;
using System.Text;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Mnist;

/// <summary>
/// A confusion matrix as an SVG heat map: one cell per (true, predicted) pair, shaded by the fraction of the true
/// class's samples that landed there (white 0 to dark blue 1), with the count written in the cell.
/// </summary>
internal static class ConfusionMatrixSvg
{
    private const int Cell = 44, Left = 110, Bottom = 20, LabelFont = 12;

    /// <summary>The SVG document of <paramref name="matrix"/> under <paramref name="title"/>.</summary>
    public static string Render(ConfusionMatrix matrix, string title)
    {
        int n = matrix.NumClasses;
        // Every label in one size; names wider than a cell turn the column labels by 45 degrees instead of shrinking them.
        bool rotate = matrix.ClassNames.Any(name => name.Length * LabelFont * 0.6 > Cell - 4);
        int slant = rotate ? (int)Math.Ceiling(matrix.ClassNames.Max(name => name.Length) * LabelFont * 0.6 * 0.71) : 0;
        int top = rotate ? 52 + slant : 70, right = 20 + slant;
        int width = Left + n * Cell + right, height = top + n * Cell + Bottom + 30;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n");
        sb.Append(inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(inv, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">{Escape(title)}</text>\n");
        sb.Append(inv, $"<text x=\"{Left + n * Cell / 2}\" y=\"{(rotate ? 40 : top - 30)}\" text-anchor=\"middle\" font-size=\"13\">predicted</text>\n");
        sb.Append(inv, $"<text x=\"18\" y=\"{top + n * Cell / 2}\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 {top + n * Cell / 2})\">true</text>\n");
        for (int j = 0; j < n; j++)
        {
            int x = Left + j * Cell + Cell / 2;
            sb.Append(rotate
                ? $"<text x=\"{x}\" y=\"{top - 8}\" text-anchor=\"start\" font-size=\"{LabelFont}\" transform=\"rotate(-45 {x} {top - 8})\">{Escape(matrix.ClassNames[j])}</text>\n"
                : $"<text x=\"{x}\" y=\"{top - 8}\" text-anchor=\"middle\" font-size=\"{LabelFont}\">{Escape(matrix.ClassNames[j])}</text>\n");
        }
        for (int i = 0; i < n; i++)
        {
            long rowTotal = 0;
            for (int j = 0; j < n; j++) rowTotal += matrix[i, j];
            int y = top + i * Cell;
            sb.Append(inv, $"<text x=\"{Left - 8}\" y=\"{y + Cell / 2 + 4}\" text-anchor=\"end\" font-size=\"{LabelFont}\">{Escape(matrix.ClassNames[i])}</text>\n");
            for (int j = 0; j < n; j++)
            {
                long count = matrix[i, j];
                double share = rowTotal == 0 ? 0 : (double)count / rowTotal;
                int x = Left + j * Cell;
                sb.Append(inv, $"<rect x=\"{x}\" y=\"{y}\" width=\"{Cell}\" height=\"{Cell}\" fill=\"{Shade(share)}\" stroke=\"#cccccc\"/>\n");
                if (count > 0)
                    sb.Append(inv, $"<text x=\"{x + Cell / 2}\" y=\"{y + Cell / 2 + 4}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{(share > 0.5 ? "white" : "black")}\">{count}</text>\n");
            }
        }
        sb.Append(inv, $"<text x=\"{Left}\" y=\"{height - 12}\" font-size=\"12\">accuracy {(100 * matrix.Accuracy).ToString("F2", inv)}% of {matrix.Total}; shade = share of the true class's row</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>White (0) to the tab10 blue #1f4e99 (1), linear in each channel.</summary>
    private static string Shade(double t)
    {
        t = Math.Clamp(t, 0, 1);
        int r = (int)Math.Round(255 + (31 - 255) * t), g = (int)Math.Round(255 + (78 - 255) * t), b = (int)Math.Round(255 + (153 - 255) * t);
        return $"#{r:x2}{g:x2}{b:x2}";
    }

    private static string Escape(string s) => SecurityElement.Escape(s) ?? "";
}
