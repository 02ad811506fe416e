using System.Globalization;
using System.Text;

namespace SharpGrad.Plotting;

/// <summary>Writes SVG markup by hand: numbers in invariant culture rounded to 0.1 px, text escaped.</summary>
internal sealed class Svg
{
    /// <summary>The font stack of every text element; widths are estimated for DejaVu Sans / Arial.</summary>
    public const string FontFamily = "DejaVu Sans, Arial, Helvetica, sans-serif";

    private readonly StringBuilder _sb = new();

    public Svg(int width, int height)
    {
        _sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
           .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
           .Append("\" font-family=\"").Append(FontFamily).Append("\">\n");
        Rect(0, 0, width, height, "fill=\"white\"");
    }

    /// <summary>A coordinate rounded to 0.1 px, without trailing zeros.</summary>
    public static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Estimated rendered width: about 0.62 em per character (digits are 0.64 em in DejaVu Sans).</summary>
    public static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.62;

    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                default:
                    // Control characters other than tab are not allowed in XML 1.0.
                    if (c >= ' ' || c == '\t') sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    public Svg Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    public Svg Open(string tag, string attributes = "")
    {
        _sb.Append('<').Append(tag);
        if (attributes.Length > 0) _sb.Append(' ').Append(attributes);
        _sb.Append(">\n");
        return this;
    }

    public Svg Close(string tag)
    {
        _sb.Append("</").Append(tag).Append(">\n");
        return this;
    }

    public Svg Rect(double x, double y, double w, double h, string attributes)
    {
        _sb.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" width=\"").Append(N(w))
           .Append("\" height=\"").Append(N(h)).Append("\" ").Append(attributes).Append("/>\n");
        return this;
    }

    public Svg Line(double x1, double y1, double x2, double y2, string attributes)
    {
        _sb.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1)).Append("\" x2=\"").Append(N(x2))
           .Append("\" y2=\"").Append(N(y2)).Append("\" ").Append(attributes).Append("/>\n");
        return this;
    }

    public Svg Circle(double cx, double cy, double r, string attributes)
    {
        _sb.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(r))
           .Append("\" ").Append(attributes).Append("/>\n");
        return this;
    }

    /// <summary>A polyline through the points (xs[i], ys[i]) for i in [start, end).</summary>
    public Svg Polyline(IReadOnlyList<double> xs, IReadOnlyList<double> ys, string attributes)
    {
        _sb.Append("<polyline points=\"");
        for (int i = 0; i < xs.Count; i++)
        {
            if (i > 0) _sb.Append(' ');
            _sb.Append(N(xs[i])).Append(',').Append(N(ys[i]));
        }
        _sb.Append("\" fill=\"none\" ").Append(attributes).Append("/>\n");
        return this;
    }

    /// <summary>A text element; <paramref name="anchor"/> is start, middle or end; an optional superscript follows the text.</summary>
    public Svg Text(double x, double y, string text, double fontSize, string anchor, string attributes = "", string? superscript = null)
    {
        _sb.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" font-size=\"").Append(N(fontSize))
           .Append("\" text-anchor=\"").Append(anchor).Append('"');
        if (attributes.Length > 0) _sb.Append(' ').Append(attributes);
        _sb.Append('>').Append(Escape(text));
        if (superscript is not null)
            _sb.Append("<tspan dy=\"").Append(N(-fontSize * 0.4)).Append("\" font-size=\"").Append(N(fontSize * 0.75)).Append("\">")
               .Append(Escape(superscript)).Append("</tspan>");
        _sb.Append("</text>\n");
        return this;
    }

    public override string ToString() => _sb.ToString() + "</svg>\n";
}
