using System.Globalization;
using SharpGrad.Graph;
using SharpGrad.Plotting;

namespace SharpGrad.Dashboard;

/// <summary>A window showing an autograd graph (<see cref="Visdom.Graph(Tensor, string?, string?)"/>), drawn once when it is set.</summary>
internal sealed class GraphWindow(string id, string svg, int width, int height) : Window(id, "graph")
{
    /// <summary>The widest and tallest the window gets on the page; a bigger graph scrolls inside it.</summary>
    public const int MaxWidth = 900, MaxHeight = 700;

    public override Func<string> Snapshot() => () =>
        // The SVG keeps its own pixel size (the page's rule would stretch it to the window's width) and scrolls.
        $"<div style=\"max-width:{MaxWidth}px;max-height:{MaxHeight}px;overflow:auto\">" +
        svg.Replace("<svg ", string.Create(CultureInfo.InvariantCulture, $"<svg style=\"width:{width}px;height:{height}px;max-width:none\" "), StringComparison.Ordinal) +
        "</div>";
}

public sealed partial class Visdom
{
    /// <summary>
    /// Shows the autograd graph behind <paramref name="tensor"/> (usually the loss) in window <paramref name="win"/>:
    /// torchviz's <c>make_dot(loss)</c> as a dashboard window, drawn with SharpGrad's layered layout. The graph is drawn
    /// on this call (the window keeps only the picture); calling again with the same <paramref name="win"/> replaces it.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor does not require grad, so it has no graph.</exception>
    public string Graph(Tensor tensor, string? win = null, string? title = null) => ShowGraph(Autograd.Graph(tensor), win, title);

    /// <summary><see cref="Graph(Tensor, string?, string?)"/> with leaves named from <paramref name="names"/> (<c>net.NamedParameters()</c>).</summary>
    public string Graph<T>(Tensor tensor, IEnumerable<(string Name, T Tensor)> names, string? win = null, string? title = null) where T : Tensor =>
        ShowGraph(Autograd.Graph(tensor, names), win, title);

    private string ShowGraph(AutogradGraph graph, string? win, string? title)
    {
        ThrowIfDisposed();
        var layout = GraphLayout.Compute(graph);
        string svg = graph.ToSvg(layout);
        string id = win ?? NewId();
        _hub.Put(new GraphWindow(id, svg, (int)Math.Ceiling(layout.Width), (int)Math.Ceiling(layout.Height)) { Title = title });
        _hub.MarkDirty(id);
        return id;
    }
}
