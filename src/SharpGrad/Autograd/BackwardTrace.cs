using System.Globalization;
using System.Text;

namespace SharpGrad.Graph;

/// <summary>A gradient that one step of a traced backward pass sent to one of the node's inputs.</summary>
/// <param name="Input">The input's position in the node's <c>next_functions</c>.</param>
/// <param name="To">The id of the node that receives it (the input's own <c>grad_fn</c> or <c>AccumulateGrad</c>).</param>
/// <param name="Rule">The local-gradient rule that produced it, in words (<c>grad_b = grad * a</c>).</param>
/// <param name="Gradient">A private copy of the gradient.</param>
public sealed record TracedGradient(int Input, int To, string Rule, Tensor Gradient);

/// <summary>One node's turn in a traced backward pass.</summary>
/// <param name="Index">The position in execution order (0 runs first).</param>
/// <param name="Node">The id of the node in <see cref="BackwardTrace.Graph"/>.</param>
/// <param name="Name">The node's PyTorch name (<c>MulBackward0</c>).</param>
/// <param name="Rules">The node's local gradients in words, one per input (<see cref="GradientFormulas.For(string)"/>).</param>
/// <param name="Incoming">A private copy of the gradient of the node's output: the sum of what its consumers sent.</param>
/// <param name="Outgoing">The gradients it sent to its inputs, in input order (inputs that need none are left out).</param>
public sealed record TraceStep(int Index, int Node, string Name, IReadOnlyList<string> Rules, Tensor Incoming, IReadOnlyList<TracedGradient> Outgoing)
{
    /// <summary>The rules on one line after the node's name: <c>"MulBackward0: grad_a = grad * b; grad_b = grad * a"</c>.</summary>
    public string Formula => $"{Name}: {string.Join("; ", Rules)}";
}

/// <summary>
/// A backward pass recorded node by node (<see cref="Autograd.Trace"/>): the graph as it was before the pass (with
/// the saved tensors' shapes) and, per node in the order the engine ran them, the incoming gradient, the local rule
/// and the outgoing gradients. <see cref="ToString"/> renders the table; <c>SharpGrad.Plotting.TracePage</c> the page.
/// </summary>
public sealed class BackwardTrace
{
    /// <summary>Tensors with at most this many elements are shown in full; bigger ones as shape, mean, min and max.</summary>
    public const int FullValuesLimit = 32;

    internal BackwardTrace(AutogradGraph graph, List<TraceStep> steps) => (Graph, Steps) = (graph, steps);

    /// <summary>The graph the pass ran through, drawn before it ran.</summary>
    public AutogradGraph Graph { get; }

    /// <summary>The steps, in execution order.</summary>
    public IReadOnlyList<TraceStep> Steps { get; }

    /// <summary>A node's display name: its function name, and for AccumulateGrad the leaf it writes (<c>AccumulateGrad (w)</c>).</summary>
    public string NodeLabel(int id)
    {
        var n = Graph.Nodes[id];
        if (n.Function is AccumulateGrad acc)
        {
            foreach (var e in Graph.Edges)
                if (e.To == id && Graph.Nodes[e.From].Kind == GraphNodeKind.Tensor)
                {
                    var leaf = Graph.Nodes[e.From];
                    return $"AccumulateGrad ({(leaf.Name.Length > 0 ? leaf.Name : "leaf " + AutogradGraph.Dims(acc.Variable.Shape))})";
                }
        }
        return n.Kind == GraphNodeKind.Function ? n.Name : n.ToString();
    }

    /// <summary>
    /// The trace as a text table: step, node, incoming gradient, rule, and where each outgoing gradient went. Tensors of
    /// up to <see cref="FullValuesLimit"/> elements are written in full.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        string[] header = ["step", "node", "incoming grad", "local gradients", "outgoing grads"];
        var rows = new List<string[]>();
        foreach (var s in Steps)
        {
            var outgoing = s.Outgoing.Count == 0
                ? (s.Name == "AccumulateGrad" ? "(into .grad)" : "(none)")
                : string.Join("\n", s.Outgoing.Select(o => $"-> {NodeLabel(o.To)}: {Wrap(FormatTensor(o.Gradient))}"));
            rows.Add([s.Index.ToString(CultureInfo.InvariantCulture), NodeLabel(s.Node), Wrap(FormatTensor(s.Incoming)),
                string.Join("\n", s.Outgoing.Count == 0 ? s.Rules.Take(1) : s.Outgoing.Select(o => o.Rule)), outgoing]);
        }
        var widths = new int[header.Length];
        for (int c = 0; c < header.Length; c++)
            widths[c] = Math.Max(header[c].Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Split('\n').Max(l => l.Length)));
        void Line(string[] cells)
        {
            var split = cells.Select(c => c.Split('\n')).ToArray();
            int height = split.Max(l => l.Length);
            for (int i = 0; i < height; i++)
            {
                sb.Append('|');
                for (int c = 0; c < cells.Length; c++)
                    sb.Append(' ').Append((i < split[c].Length ? split[c][i] : "").PadRight(widths[c])).Append(" |");
                sb.Append('\n');
            }
        }
        void Rule() => sb.Append('+').Append(string.Join("+", widths.Select(w => new string('-', w + 2)))).Append("+\n");
        Rule();
        Line(header);
        Rule();
        foreach (var r in rows) { Line(r); Rule(); }
        return sb.ToString();
    }

    /// <summary>A long tensor text for a table cell: one line per row.</summary>
    private static string Wrap(string text) => text.Length <= 60 ? text : RowPerLine(text);

    private static string RowPerLine(string text) => text.Replace("], [", "],\n    [", StringComparison.Ordinal);

    /// <summary>
    /// A tensor as the trace shows it: <c>(2, 3): [[1, 2, 3], [4, 5, 6]]</c> with up to <see cref="FullValuesLimit"/>
    /// elements, otherwise <c>(64, 576): mean 0.0012, min -0.3, max 0.29</c>; a 0-d tensor as <c>1.5 (scalar)</c>.
    /// Numbers use 5 significant digits.
    /// </summary>
    /// <param name="t">The tensor.</param>
    /// <param name="rowPerLine">Put the shape on a line of its own and each row of a matrix on a new line.</param>
    public static string FormatTensor(Tensor t, bool rowPerLine = false)
    {
        ArgumentNullException.ThrowIfNull(t);
        string dims = AutogradGraph.Dims(t.Shape);
        if (t.Numel() == 0) return dims + ": []";
        var values = t.ToArray<double>();
        if (t.NDim == 0) return Num(values[0]) + " (scalar)";
        if (values.Length > FullValuesLimit)
        {
            double mean = values.Average(), min = values.Min(), max = values.Max();
            return $"{dims}: mean {Num(mean)}, min {Num(min)}, max {Num(max)}";
        }
        var sb = new StringBuilder();
        int at = 0;
        Nest(sb, t.Shape, 0, values, ref at);
        return rowPerLine && t.NDim >= 2
            ? dims + ":\n" + sb.ToString().Replace("], [", "],\n [", StringComparison.Ordinal)
            : dims + ": " + sb;
    }

    private static void Nest(StringBuilder sb, int[] shape, int dim, double[] values, ref int at)
    {
        if (dim == shape.Length) { sb.Append(Num(values[at++])); return; }
        sb.Append('[');
        for (int i = 0; i < shape[dim]; i++)
        {
            if (i > 0) sb.Append(", ");
            Nest(sb, shape, dim + 1, values, ref at);
        }
        sb.Append(']');
    }

    /// <summary>A number with 5 significant digits, invariant culture (<c>0.125</c>, <c>-3.4e-06</c>; -0 prints as 0).</summary>
    public static string Num(double v) => v == 0 ? "0" : v.ToString("G5", CultureInfo.InvariantCulture).Replace("E-0", "e-").Replace("E+0", "e+").Replace("E", "e");
}

/// <summary>Records a backward pass for <see cref="BackwardTrace"/>: copies of every gradient, as the engine hands them over.</summary>
internal sealed class TraceRecorder(AutogradGraph graph) : IBackwardObserver
{
    private readonly List<TraceStep> _steps = [];
    private Tensor? _incoming;

    public BackwardTrace Result() => new(graph, _steps);

    public void Running(Node node, Tensor grad) => _incoming = Copy(grad);

    public void Ran(Node node, Tensor?[] inputGrads)
    {
        int id = graph.IdOf(node);
        var rules = GradientFormulas.For(node);
        if (node is AccumulateGrad && id >= 0 && graph.Nodes[id + 1].Name is { Length: > 0 } leaf)
            rules = [$"{leaf}.grad += grad"];
        var outgoing = new List<TracedGradient>();
        var next = node.NextFunctions;
        for (int i = 0; i < inputGrads.Length && i < next.Length; i++)
            if (inputGrads[i] is { } g && next[i] is { } child)
                outgoing.Add(new TracedGradient(i, graph.IdOf(child), rules.Count == inputGrads.Length ? rules[i] : string.Join("; ", rules), Copy(g)));
        _steps.Add(new TraceStep(_steps.Count, id, node.Name, rules, _incoming!, outgoing));
        _incoming = null;
    }

    // The engine may add into a gradient in place later (pending sums, a leaf's Grad): the trace keeps its own copy.
    private static Tensor Copy(Tensor t)
    {
        using (Tensor.NoGrad()) return t.Detach().Clone();
    }
}
