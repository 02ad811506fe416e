using System.Globalization;
using System.Xml.Linq;

namespace SharpGrad.Tests;

/// <summary>Reading back the SVG the charts write: parse as XML and pick out groups by their class.</summary>
internal static class Svgs
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public static XDocument Parse(string svg)
    {
        var doc = XDocument.Parse(svg); // throws on malformed XML
        Assert.Equal(Ns + "svg", doc.Root!.Name);
        return doc;
    }

    public static XElement Group(XDocument doc, string cls) =>
        doc.Descendants(Ns + "g").Single(g => (string?)g.Attribute("class") == cls);

    public static string[] TickLabels(XDocument doc, string axis) =>
        Group(doc, axis).Elements(Ns + "text").Select(t => t.Value).ToArray();

    public static XElement[] Series(XDocument doc) =>
        doc.Descendants(Ns + "g").Where(g => (string?)g.Attribute("class") == "series").ToArray();

    public static string[] LegendLabels(XDocument doc) =>
        Group(doc, "legend").Elements(Ns + "text").Select(t => t.Value).ToArray();

    public static (double X, double Y)[] Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ')
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToArray();

    public static string TextOf(XDocument doc, string cls) =>
        doc.Descendants(Ns + "text").Single(t => (string?)t.Attribute("class") == cls).Value;
}
