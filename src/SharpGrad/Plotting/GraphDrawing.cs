using System.Text;
using SharpGrad.Graph;
using SharpGrad.IO;

namespace SharpGrad.Plotting;

/// <summary>
/// Draws an <see cref="AutogradGraph"/> as SVG with SharpGrad's own layout (<see cref="GraphLayout"/>; no Graphviz), in
/// torchviz's colours: leaf tensors light blue, backward functions grey, the output green; a function box lists the
/// shapes of the tensors it saved for backward. Edges follow the forward pass, from inputs down to the output.
/// </summary>
public static class GraphDrawing
{
    /// <summary>Fill and stroke of each kind of box.</summary>
    internal const string TensorFill = "#cfe7f7", TensorStroke = "#3f7fb5", FunctionFill = "#ececec", FunctionStroke = "#7a7a7a",
        OutputFill = "#d4f5a0", OutputStroke = "#5f8a1f", EdgeStroke = "#8a8a8a";

    /// <summary>The graph as a standalone SVG document (what <c>make_dot(y).render(format="svg")</c> makes with Graphviz).</summary>
    public static string ToSvg(this AutogradGraph graph) => Render(graph, GraphLayout.Compute(graph));

    /// <summary>The graph as SVG drawn with a layout already computed for it (<see cref="GraphLayout.Compute"/>).</summary>
    /// <exception cref="ArgumentException">The layout was computed for another graph (its box count differs).</exception>
    public static string ToSvg(this AutogradGraph graph, GraphLayout layout)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.Boxes.Count != graph.Nodes.Count || layout.Routes.Count != graph.Edges.Count)
            throw new ArgumentException($"graph svg: the layout has {layout.Boxes.Count} boxes and {layout.Routes.Count} edges, the graph " +
                                        $"{graph.Nodes.Count} nodes and {graph.Edges.Count} edges; compute the layout from this graph", nameof(layout));
        return Render(graph, layout);
    }

    /// <summary>Writes <see cref="ToSvg(AutogradGraph)"/> to <paramref name="path"/>, atomically.</summary>
    public static void SaveSvg(this AutogradGraph graph, string path) => AtomicFile.WriteAllText(path, graph.ToSvg());

    /// <summary>Writes <see cref="AutogradGraph.ToDot"/> to <paramref name="path"/>, atomically (<c>make_dot(y).save(path)</c>).</summary>
    public static void SaveDot(this AutogradGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        AtomicFile.WriteAllText(path, graph.ToDot());
    }

    /// <summary>
    /// The SVG of <paramref name="graph"/> drawn with <paramref name="layout"/>. Every box is a group
    /// <c>&lt;g class="node KIND" data-node="ID"&gt;</c> and every edge a <c>&lt;path class="edge" data-from data-to data-input&gt;</c>,
    /// so a page can highlight them.
    /// </summary>
    internal static string Render(AutogradGraph graph, GraphLayout layout)
    {
        int width = (int)Math.Ceiling(layout.Width), height = (int)Math.Ceiling(layout.Height);
        var svg = new Svg(width, height);
        svg.Raw("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\">" +
                $"<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"{EdgeStroke}\"/></marker></defs>\n");
        Legend(svg);

        svg.Open("g", "class=\"edges\" fill=\"none\"");
        for (int k = 0; k < layout.Routes.Count; k++)
        {
            var route = layout.Routes[k];
            var d = new StringBuilder();
            var p = route.Points;
            d.Append("M ").Append(Svg.N(p[0].X)).Append(' ').Append(Svg.N(p[0].Y));
            for (int i = 1; i < p.Count; i++)
            {
                double my = (p[i - 1].Y + p[i].Y) / 2;
                d.Append(" C ").Append(Svg.N(p[i - 1].X)).Append(' ').Append(Svg.N(my)).Append(' ')
                 .Append(Svg.N(p[i].X)).Append(' ').Append(Svg.N(my)).Append(' ')
                 .Append(Svg.N(p[i].X)).Append(' ').Append(Svg.N(p[i].Y - 1));
            }
            svg.Raw($"<path class=\"edge\" data-from=\"{route.From}\" data-to=\"{route.To}\" data-input=\"{graph.Edges[k].Input}\" d=\"{d}\" stroke=\"{EdgeStroke}\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>\n");
        }
        svg.Close("g");

        foreach (var box in layout.Boxes)
        {
            var node = graph.Nodes[box.Id];
            var (kind, fill, stroke) = node.Kind switch
            {
                GraphNodeKind.Tensor => ("tensor", TensorFill, TensorStroke),
                GraphNodeKind.Output => ("output", OutputFill, OutputStroke),
                _ => ("function", FunctionFill, FunctionStroke),
            };
            svg.Open("g", $"class=\"node {kind}\" data-node=\"{box.Id}\"");
            svg.Raw($"<title>{Svg.Escape(string.Join("\n", box.Lines))}</title>\n");
            svg.Rect(box.X, box.Y, box.Width, box.Height, $"rx=\"5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\"");
            double cx = box.X + box.Width / 2;
            double y = box.Y + GraphLayout.PadY + GraphLayout.TitleSize * 0.95;
            bool bold = node.Kind == GraphNodeKind.Function || box.Lines.Count > 1;
            svg.Text(cx, y, box.Lines[0], GraphLayout.TitleSize, "middle", bold ? "font-weight=\"bold\" fill=\"#222\"" : "fill=\"#222\"");
            for (int l = 1; l < box.Lines.Count; l++)
            {
                y += l == 1 ? GraphLayout.TitleLine - 1 : GraphLayout.ExtraLine;
                svg.Text(cx, y, box.Lines[l], GraphLayout.LineSize, "middle", "fill=\"#555\"");
            }
            svg.Close("g");
        }
        return svg.ToString();
    }

    private static void Legend(Svg svg)
    {
        double x = 16, y = 14;
        foreach (var (label, fill, stroke) in new[]
                 {
                     ("leaf tensor (requires grad)", TensorFill, TensorStroke),
                     ("backward function (grad_fn)", FunctionFill, FunctionStroke),
                     ("output", OutputFill, OutputStroke),
                 })
        {
            svg.Rect(x, y, 14, 12, $"rx=\"2\" fill=\"{fill}\" stroke=\"{stroke}\"");
            svg.Text(x + 19, y + 10, label, 10.5, "start", "fill=\"#444\"");
            x += 19 + Svg.TextWidth(label, 10.5) + 18;
        }
        svg.Text(16, y + 27, "arrows follow the forward pass; backward sends gradients against them", 10.5, "start", "fill=\"#777\" font-style=\"italic\"");
    }
}
