using System.Globalization;
using System.Reflection;
using System.Text;

namespace SharpGrad.Graph;

/// <summary>What a box of the drawn autograd graph stands for.</summary>
public enum GraphNodeKind
{
    /// <summary>A leaf tensor that requires grad (a parameter or an input): torchviz's light-blue box.</summary>
    Tensor,

    /// <summary>A backward function (<c>grad_fn</c>), such as <c>MulBackward0</c> or <c>AccumulateGrad</c>: torchviz's grey box.</summary>
    Function,

    /// <summary>The tensor the graph was drawn from (usually the loss): torchviz's green box.</summary>
    Output,
}

/// <summary>A tensor saved for backward by a function node: PyTorch's <c>grad_fn._saved_self</c> and friends.</summary>
/// <param name="Name">The role of the tensor in the backward formula ("self", "other", "weight", "result", ...).</param>
/// <param name="Shape">Its sizes.</param>
/// <param name="DType">Its element type.</param>
public sealed record SavedTensorInfo(string Name, int[] Shape, DType DType);

/// <summary>One box of an <see cref="AutogradGraph"/>.</summary>
public sealed class GraphNode
{
    internal GraphNode(int id, GraphNodeKind kind, string name, int[]? shape, IReadOnlyList<SavedTensorInfo> saved, Node? function, Tensor? tensor)
    {
        (Id, Kind, Name, Shape, Saved, Function, Tensor) = (id, kind, name, shape, saved, function, tensor);
    }

    /// <summary>The node's index in <see cref="AutogradGraph.Nodes"/> (0 is the output).</summary>
    public int Id { get; }

    /// <summary>Leaf tensor, backward function or output.</summary>
    public GraphNodeKind Kind { get; }

    /// <summary>The function's PyTorch name (<c>MulBackward0</c>), or the tensor's name from the names map ("" when unnamed).</summary>
    public string Name { get; }

    /// <summary>The tensor's sizes for tensor and output nodes; null for functions.</summary>
    public int[]? Shape { get; }

    /// <summary>The tensors a function node saved for backward, with their shapes (empty for tensor nodes or once released).</summary>
    public IReadOnlyList<SavedTensorInfo> Saved { get; }

    /// <summary>The backward function behind a function node; null for tensor nodes.</summary>
    public Node? Function { get; }

    /// <summary>The tensor behind a tensor or output node; null for functions.</summary>
    public Tensor? Tensor { get; }

    /// <summary>
    /// The lines of the node's label: a function's name and one line per saved tensor; a tensor's name (an unnamed
    /// output is "output", an unnamed leaf has none) and its shape.
    /// </summary>
    public IReadOnlyList<string> Lines()
    {
        if (Kind == GraphNodeKind.Function)
        {
            var lines = new List<string>(1 + Saved.Count) { Name };
            foreach (var s in Saved) lines.Add($"{s.Name}: {AutogradGraph.Dims(s.Shape)}");
            return lines;
        }
        string name = Name.Length == 0 && Kind == GraphNodeKind.Output ? "output" : Name;
        return name.Length == 0 ? [AutogradGraph.Dims(Shape!)] : [name, AutogradGraph.Dims(Shape!)];
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(" ", Lines());
}

/// <summary>
/// An edge of the drawn graph, in the direction data flows in the forward pass (as torchviz draws it): from an input's
/// node to the node that consumed it, and from the last function to the output. Gradients flow against it.
/// </summary>
/// <param name="From">The producing node's id.</param>
/// <param name="To">The consuming node's id.</param>
/// <param name="Input">Which input of <paramref name="To"/> this edge feeds (0 for the edges into tensor and output nodes).</param>
public readonly record struct GraphEdge(int From, int To, int Input);

/// <summary>
/// The autograd graph behind a tensor, as torchviz's <c>make_dot(y, params=dict(model.named_parameters()))</c> sees it:
/// the output, every backward function reachable through <c>grad_fn.next_functions</c> with PyTorch's names and the
/// shapes of the tensors it saved, and every leaf that requires grad, named from an optional map.
/// <see cref="ToDot"/> writes Graphviz text; <c>SharpGrad.Plotting.GraphDrawing.ToSvg</c> draws it without Graphviz.
/// </summary>
public sealed class AutogradGraph
{
    private readonly Dictionary<Node, int> _ids = new(ReferenceEqualityComparer.Instance);

    private AutogradGraph(List<GraphNode> nodes, List<GraphEdge> edges)
    {
        Nodes = nodes;
        Edges = edges;
    }

    /// <summary>The nodes; <c>Nodes[0]</c> is the output, the rest in breadth-first order from it.</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The edges, in forward (data-flow) direction.</summary>
    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The id of the node drawn for backward function <paramref name="function"/>, or -1 when it is not in the graph.</summary>
    public int IdOf(Node function) => _ids.TryGetValue(function, out int id) ? id : -1;

    /// <summary>Builds the graph behind <paramref name="output"/>; <paramref name="names"/> names leaves (and the output) by reference.</summary>
    /// <exception cref="ArgumentException">The output does not require grad, so it has no graph.</exception>
    internal static AutogradGraph Build(Tensor output, IEnumerable<(string Name, Tensor Tensor)>? names)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.RequiresGrad)
            throw new ArgumentException(
                $"graph: the tensor (shape {Core.Shape.Format(output.Shape)}) does not require grad and has no grad_fn, so there is no graph to draw; " +
                "compute it from tensors created with requiresGrad: true (or parameters)", nameof(output));
        var nameOf = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        if (names is not null)
            foreach (var (name, tensor) in names)
                if (tensor is not null) nameOf.TryAdd(tensor, name);

        var nodes = new List<GraphNode>();
        var edges = new List<GraphEdge>();
        var graph = new AutogradGraph(nodes, edges);
        nodes.Add(new GraphNode(0, GraphNodeKind.Output, nameOf.GetValueOrDefault(output, ""), output.Shape, [], null, output));
        var root = output.GradFn ?? output.GradAccumulator;
        var queue = new Queue<Node>();
        graph.Add(root, nameOf, queue);
        edges.Add(new GraphEdge(graph._ids[root], 0, 0));
        while (queue.TryDequeue(out var node))
        {
            var next = node.NextFunctions;
            for (int i = 0; i < next.Length; i++)
            {
                if (next[i] is not { } child) continue;
                if (!graph._ids.ContainsKey(child)) graph.Add(child, nameOf, queue);
                edges.Add(new GraphEdge(graph._ids[child], graph._ids[node], i));
            }
        }
        return graph;
    }

    private void Add(Node function, Dictionary<Tensor, string> nameOf, Queue<Node> queue)
    {
        var nodes = (List<GraphNode>)Nodes;
        int id = nodes.Count;
        _ids[function] = id;
        nodes.Add(new GraphNode(id, GraphNodeKind.Function, function.Name, null, SavedOf(function), function, null));
        queue.Enqueue(function);
        if (function is AccumulateGrad acc)
        {
            var v = acc.Variable;
            nodes.Add(new GraphNode(id + 1, GraphNodeKind.Tensor, nameOf.GetValueOrDefault(v, ""), v.Shape, [], null, v));
            ((List<GraphEdge>)Edges).Add(new GraphEdge(id + 1, id, 0));
        }
    }

    private static readonly Dictionary<Type, FieldInfo[]> s_savedFields = [];

    /// <summary>
    /// The tensors a node still holds for backward. Nodes keep them in <see cref="SavedTensor"/> fields, found by
    /// reflection once per node type (drawing is never on the training path); a field's name says its role.
    /// </summary>
    private static IReadOnlyList<SavedTensorInfo> SavedOf(Node node)
    {
        FieldInfo[] fields;
        lock (s_savedFields)
        {
            var type = node.GetType();
            if (!s_savedFields.TryGetValue(type, out fields!))
                s_savedFields[type] = fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                    .Where(f => f.FieldType == typeof(SavedTensor)).ToArray();
        }
        if (fields.Length == 0) return [];
        var saved = new List<SavedTensorInfo>(fields.Length);
        foreach (var f in fields)
            if (((SavedTensor)f.GetValue(node)!).Peek is { } t)
                saved.Add(new SavedTensorInfo(RoleOf(f.Name, node.Name), t.Shape, t.DType));
        return saved;
    }

    /// <summary>PyTorch's name for a saved tensor (what follows <c>_saved_</c>), from the field that holds it.</summary>
    private static string RoleOf(string field, string nodeName)
    {
        // Primary-constructor fields and compiler-generated names look like "<_x>P" or "_x".
        string f = field.TrimStart('<').Split('>')[0].TrimStart('_');
        return f switch
        {
            "a" => "self",
            "b" => "other",
            "x" => nodeName is "AddmmBackward0" or "ConvolutionBackward0" ? "input" : "self",
            "w" => "weight",
            "y" => "result",
            "e" => "exponent",
            "dy" => "grad_output",
            _ => f,
        };
    }

    /// <summary>
    /// The graph as Graphviz DOT text in torchviz's style: boxes filled light blue (leaves), light grey (functions) and
    /// green (the output); a function's label lists the shapes of its saved tensors. Node ids are n0, n1, ... as in <see cref="Nodes"/>.
    /// </summary>
    public string ToDot()
    {
        var sb = new StringBuilder();
        sb.Append("digraph {\n");
        sb.Append("\tgraph [size=\"12,12\"]\n");
        sb.Append("\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n");
        foreach (var n in Nodes)
        {
            string fill = n.Kind switch
            {
                GraphNodeKind.Tensor => " fillcolor=lightblue",
                GraphNodeKind.Output => " fillcolor=darkolivegreen1",
                _ => "",
            };
            sb.Append("\tn").Append(n.Id.ToString(CultureInfo.InvariantCulture)).Append(" [label=\"")
              .Append(string.Join("\\n", n.Lines().Select(EscapeDot))).Append('"').Append(fill).Append("]\n");
        }
        foreach (var e in Edges)
            sb.Append("\tn").Append(e.From.ToString(CultureInfo.InvariantCulture)).Append(" -> n").Append(e.To.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>Sizes as PyTorch prints a <c>torch.Size</c> in torchviz: <c>(3, 4)</c>, <c>(5)</c> for one dimension, <c>()</c> for a scalar.</summary>
    internal static string Dims(int[] shape) => "(" + string.Join(", ", shape) + ")";

    private static string EscapeDot(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <inheritdoc/>
    public override string ToString() => $"AutogradGraph({Nodes.Count} nodes, {Edges.Count} edges)";
}
