using SharpGrad.Graph;

namespace SharpGrad.Plotting;

/// <summary>Where one node of an autograd graph is drawn: its box (top-left corner and size, in pixels) and label lines.</summary>
/// <param name="Id">The node's id in <see cref="AutogradGraph.Nodes"/>.</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Box width.</param>
/// <param name="Height">Box height.</param>
/// <param name="Lines">The label, one string per line.</param>
public sealed record NodeBox(int Id, double X, double Y, double Width, double Height, IReadOnlyList<string> Lines)
{
    /// <summary>True when this box and <paramref name="other"/> share interior area.</summary>
    public bool Overlaps(NodeBox other) =>
        X < other.X + other.Width && other.X < X + Width && Y < other.Y + other.Height && other.Y < Y + Height;
}

/// <summary>The path of one edge: from the bottom of the producer's box through its bend points to the top of the consumer's box.</summary>
/// <param name="From">The producing node's id.</param>
/// <param name="To">The consuming node's id.</param>
/// <param name="Points">The points (x, y) the edge passes, first at the producer, last at the consumer.</param>
public sealed record EdgeRoute(int From, int To, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// A layered drawing of an autograd graph (what Graphviz's <c>dot</c> does for torchviz, done here without Graphviz):
/// each node is placed on a layer by its longest path to the output (leaves at the top, the output at the bottom, as
/// torchviz draws), edges that skip layers get bend points, the order within each layer is improved by barycenter
/// sweeps that keep the ordering with the fewest crossings, and x positions are pulled toward the nodes' neighbours
/// while keeping a fixed gap between boxes of a layer, so boxes never overlap.
/// </summary>
public sealed class GraphLayout
{
    private const double Margin = 16, LegendHeight = 40, HorizontalGap = 22, VerticalGap = 40, DummyWidth = 6;
    /// <summary>The narrowest drawing: the legend's width.</summary>
    public const double MinWidth = 540;

    internal const double TitleSize = 12.5, LineSize = 10.5, PadX = 9, PadY = 7, TitleLine = 15, ExtraLine = 13;

    private GraphLayout(IReadOnlyList<NodeBox> boxes, IReadOnlyList<EdgeRoute> routes, double width, double height)
    {
        Boxes = boxes;
        Routes = routes;
        Width = width;
        Height = height;
    }

    /// <summary>One box per node, indexed by node id.</summary>
    public IReadOnlyList<NodeBox> Boxes { get; }

    /// <summary>One route per edge of the graph, in the graph's edge order.</summary>
    public IReadOnlyList<EdgeRoute> Routes { get; }

    /// <summary>Width of the drawing in pixels.</summary>
    public double Width { get; }

    /// <summary>Height of the drawing in pixels (including the legend strip at the top).</summary>
    public double Height { get; }

    /// <summary>Lays out <paramref name="graph"/>.</summary>
    public static GraphLayout Compute(AutogradGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.Nodes.Count;
        var depth = Depths(graph);
        int layers = depth.Max() + 1;

        // Vertices: the nodes, then one dummy per layer an edge skips.
        var vDepth = new List<int>(depth);
        var vWidth = new List<double>();
        var lines = new IReadOnlyList<string>[n];
        var heights = new double[n];
        for (int i = 0; i < n; i++)
        {
            lines[i] = graph.Nodes[i].Lines();
            double w = Svg.TextWidth(lines[i][0], TitleSize) * 1.08; // bold
            for (int l = 1; l < lines[i].Count; l++) w = Math.Max(w, Svg.TextWidth(lines[i][l], LineSize));
            vWidth.Add(Math.Max(54, w + 2 * PadX));
            heights[i] = 2 * PadY + TitleLine + ExtraLine * (lines[i].Count - 1);
        }
        var up = new List<List<int>>();   // producers (one layer up)
        var down = new List<List<int>>(); // consumers (one layer down)
        for (int i = 0; i < n; i++) { up.Add([]); down.Add([]); }
        var chains = new List<List<int>>(graph.Edges.Count);
        foreach (var e in graph.Edges)
        {
            var chain = new List<int> { e.From };
            for (int d = depth[e.From] - 1; d > depth[e.To]; d--)
            {
                vDepth.Add(d);
                vWidth.Add(DummyWidth);
                up.Add([]);
                down.Add([]);
                chain.Add(vDepth.Count - 1);
            }
            chain.Add(e.To);
            for (int k = 0; k + 1 < chain.Count; k++)
            {
                down[chain[k]].Add(chain[k + 1]);
                up[chain[k + 1]].Add(chain[k]);
            }
            chains.Add(chain);
        }

        CentreMainInputs(vDepth, up, layers);
        var order = InitialOrder(vDepth, up, layers);
        order = ReduceCrossings(order, up, down);
        var x = AssignX(order, vWidth, up, down);

        // Layer bands, top (deepest) to bottom (the output).
        var bandHeight = new double[layers];
        for (int i = 0; i < n; i++) bandHeight[depth[i]] = Math.Max(bandHeight[depth[i]], heights[i]);
        var bandTop = new double[layers];
        double y = Margin + LegendHeight;
        for (int d = layers - 1; d >= 0; d--)
        {
            bandTop[d] = y;
            y += bandHeight[d] + VerticalGap;
        }
        double height = y - VerticalGap + Margin;

        double minLeft = double.MaxValue, maxRight = 0;
        for (int v = 0; v < vDepth.Count; v++)
        {
            minLeft = Math.Min(minLeft, x[v] - vWidth[v] / 2);
            maxRight = Math.Max(maxRight, x[v] + vWidth[v] / 2);
        }
        double width = Math.Max(maxRight - minLeft + 2 * Margin, MinWidth);
        double shift = (width - (maxRight - minLeft)) / 2 - minLeft;
        var boxes = new NodeBox[n];
        for (int i = 0; i < n; i++)
        {
            double top = bandTop[depth[i]] + (bandHeight[depth[i]] - heights[i]) / 2;
            boxes[i] = new NodeBox(i, x[i] - vWidth[i] / 2 + shift, top, vWidth[i], heights[i], lines[i]);
        }
        // Several edges leaving (or entering) one box start (end) at points spread along its side, ordered by where
        // the other end lies, so they do not pile into one point.
        var exitX = new double[chains.Count];
        var entryX = new double[chains.Count];
        for (int i = 0; i < n; i++)
        {
            Spread(chains, k => chains[k][0] == i, k => x[chains[k][1]], boxes[i], exitX);
            Spread(chains, k => chains[k][^1] == i, k => x[chains[k][^2]], boxes[i], entryX);
        }
        var routes = new EdgeRoute[chains.Count];
        for (int k = 0; k < chains.Count; k++)
        {
            var chain = chains[k];
            var points = new List<(double, double)>(chain.Count);
            var from = boxes[chain[0]];
            points.Add((exitX[k], from.Y + from.Height));
            for (int c = 1; c + 1 < chain.Count; c++)
            {
                int v = chain[c];
                points.Add((x[v] + shift, bandTop[vDepth[v]] + bandHeight[vDepth[v]] / 2));
            }
            var to = boxes[chain[^1]];
            points.Add((entryX[k], to.Y));
            routes[k] = new EdgeRoute(graph.Edges[k].From, graph.Edges[k].To, points);
        }
        return new GraphLayout(boxes, routes, width, height);
    }

    /// <summary>Spreads the ends of the edges <paramref name="at"/> selects over the middle of <paramref name="box"/>'s width, ordered by <paramref name="otherX"/>.</summary>
    private static void Spread(List<List<int>> chains, Func<int, bool> at, Func<int, double> otherX, NodeBox box, double[] result)
    {
        var edges = Enumerable.Range(0, chains.Count).Where(at).OrderBy(otherX).ToList();
        double span = Math.Min(box.Width * 0.6, 14.0 * (edges.Count - 1));
        for (int j = 0; j < edges.Count; j++)
            result[edges[j]] = box.X + box.Width / 2 + (edges.Count == 1 ? 0 : span * (j / (double)(edges.Count - 1) - 0.5));
    }

    /// <summary>Each node's layer: the longest path from it to the output, along the edges (the output is layer 0).</summary>
    private static int[] Depths(AutogradGraph graph)
    {
        int n = graph.Nodes.Count;
        var consumers = new List<int>[n];
        var remaining = new int[n];
        for (int i = 0; i < n; i++) consumers[i] = [];
        var producers = new List<int>[n];
        for (int i = 0; i < n; i++) producers[i] = [];
        foreach (var e in graph.Edges)
        {
            consumers[e.From].Add(e.To);
            producers[e.To].Add(e.From);
            remaining[e.From]++;
        }
        var depth = new int[n];
        var ready = new Queue<int>();
        for (int i = 0; i < n; i++) if (remaining[i] == 0) ready.Enqueue(i);
        while (ready.TryDequeue(out int v))
        {
            foreach (int c in consumers[v]) depth[v] = Math.Max(depth[v], depth[c] + 1);
            foreach (int p in producers[v]) if (--remaining[p] == 0) ready.Enqueue(p);
        }
        return depth;
    }

    /// <summary>
    /// Moves the producer with the longest chain above it (the data path, as opposed to a weight's leaf) to the middle of
    /// each vertex's producer list, so that the first order puts weights and biases on both sides of a straight spine.
    /// </summary>
    private static void CentreMainInputs(List<int> vDepth, List<List<int>> up, int layers)
    {
        var height = new int[vDepth.Count];
        var byDepth = Enumerable.Range(0, vDepth.Count).OrderByDescending(v => vDepth[v]).ToList();
        foreach (int v in byDepth)
        {
            foreach (int u in up[v]) height[v] = Math.Max(height[v], height[u] + 1);
            if (up[v].Count < 2) continue;
            int main = up[v].OrderByDescending(u => height[u]).First();
            if (up[v].Count(u => height[u] == height[main]) > 1) continue;   // no single main input: keep the input order
            up[v].Remove(main);
            up[v].Insert((up[v].Count + 1) / 2, main);
        }
    }

    /// <summary>A first order per layer: depth-first from the output through producers in input order.</summary>
    private static List<int>[] InitialOrder(List<int> vDepth, List<List<int>> up, int layers)
    {
        var order = new List<int>[layers];
        for (int d = 0; d < layers; d++) order[d] = [];
        var seen = new bool[vDepth.Count];
        var stack = new Stack<int>();
        for (int root = 0; root < vDepth.Count; root++)
        {
            if (seen[root] || vDepth[root] != 0) continue;
            stack.Push(root);
            while (stack.TryPop(out int v))
            {
                if (seen[v]) continue;
                seen[v] = true;
                order[vDepth[v]].Add(v);
                for (int k = up[v].Count - 1; k >= 0; k--) if (!seen[up[v][k]]) stack.Push(up[v][k]);
            }
        }
        for (int v = 0; v < vDepth.Count; v++) if (!seen[v]) order[vDepth[v]].Add(v);
        return order;
    }

    /// <summary>Barycenter sweeps up and down the layers; returns the ordering with the fewest edge crossings seen.</summary>
    private static List<int>[] ReduceCrossings(List<int>[] order, List<List<int>> up, List<List<int>> down)
    {
        var best = Copy(order);
        long bestCrossings = Crossings(order, up);
        var position = new Dictionary<int, int>();
        for (int iteration = 0; iteration < 16 && bestCrossings > 0; iteration++)
        {
            // Upward: order layer d by the mean position of its consumers in layer d - 1; then downward by producers.
            for (int d = 1; d < order.Length; d++) SortByBarycenter(order[d], order[d - 1], down, position);
            for (int d = order.Length - 2; d >= 0; d--) SortByBarycenter(order[d], order[d + 1], up, position);
            long crossings = Crossings(order, up);
            if (crossings < bestCrossings)
            {
                bestCrossings = crossings;
                best = Copy(order);
            }
        }
        return best;
    }

    private static List<int>[] Copy(List<int>[] order) => order.Select(l => new List<int>(l)).ToArray();

    private static void SortByBarycenter(List<int> layer, List<int> fixedLayer, List<List<int>> neighbours, Dictionary<int, int> position)
    {
        position.Clear();
        for (int i = 0; i < fixedLayer.Count; i++) position[fixedLayer[i]] = i;
        var keys = new Dictionary<int, double>();
        for (int i = 0; i < layer.Count; i++)
        {
            int v = layer[i];
            double sum = 0;
            int count = 0;
            foreach (int u in neighbours[v])
                if (position.TryGetValue(u, out int p)) { sum += p; count++; }
            // A vertex without neighbours in the fixed layer keeps its relative place.
            keys[v] = count == 0 ? i * (fixedLayer.Count / (double)Math.Max(1, layer.Count)) : sum / count;
        }
        var indexed = layer.Select((v, i) => (v, i)).OrderBy(t => keys[t.v]).ThenBy(t => t.i).Select(t => t.v).ToList();
        layer.Clear();
        layer.AddRange(indexed);
    }

    /// <summary>The number of pairs of edges that cross between adjacent layers.</summary>
    private static long Crossings(List<int>[] order, List<List<int>> up)
    {
        long total = 0;
        var position = new Dictionary<int, int>();
        for (int d = 0; d + 1 < order.Length; d++)
        {
            position.Clear();
            for (int i = 0; i < order[d + 1].Count; i++) position[order[d + 1][i]] = i;
            var pairs = new List<(int Low, int High)>();
            for (int i = 0; i < order[d].Count; i++)
                foreach (int u in up[order[d][i]]) pairs.Add((i, position[u]));
            for (int a = 0; a < pairs.Count; a++)
                for (int b = a + 1; b < pairs.Count; b++)
                    if ((pairs[a].Low - pairs[b].Low) * (long)(pairs[a].High - pairs[b].High) < 0) total++;
        }
        return total;
    }

    /// <summary>
    /// Centre x of every vertex: packed left to right, then pulled toward the mean x of its neighbours several times.
    /// Each pull places a layer twice (a left-to-right pass that pushes right and a right-to-left pass that pushes left,
    /// both keeping the gap) and takes the mean of the two, which keeps the gap too.
    /// </summary>
    private static double[] AssignX(List<int>[] order, List<double> width, List<List<int>> up, List<List<int>> down)
    {
        var x = new double[width.Count];
        foreach (var layer in order)
        {
            double at = 0;
            foreach (int v in layer)
            {
                x[v] = at + width[v] / 2;
                at += width[v] + HorizontalGap;
            }
        }
        // Centre every layer under the widest one, so the pulls start from a balanced picture.
        double widest = order.Max(l => l.Count == 0 ? 0 : x[l[^1]] + width[l[^1]] / 2);
        foreach (var layer in order)
        {
            if (layer.Count == 0) continue;
            double offset = (widest - (x[layer[^1]] + width[layer[^1]] / 2)) / 2;
            foreach (int v in layer) x[v] += offset;
        }
        for (int iteration = 0; iteration < 8; iteration++)
        {
            bool downward = iteration % 2 == 0;
            for (int k = 0; k < order.Length; k++)
            {
                var layer = order[downward ? order.Length - 1 - k : k];
                int count = layer.Count;
                if (count == 0) continue;
                var desired = new double[count];
                for (int i = 0; i < count; i++)
                {
                    int v = layer[i];
                    double sum = 0;
                    int m = 0;
                    foreach (int u in up[v]) { sum += x[u]; m++; }
                    foreach (int u in down[v]) { sum += x[u]; m++; }
                    desired[i] = m == 0 ? x[v] : sum / m;
                }
                var left = new double[count];
                var right = new double[count];
                for (int i = 0; i < count; i++)
                    left[i] = i == 0 ? desired[i] : Math.Max(desired[i], left[i - 1] + Gap(width, layer, i - 1));
                for (int i = count - 1; i >= 0; i--)
                    right[i] = i == count - 1 ? desired[i] : Math.Min(desired[i], right[i + 1] - Gap(width, layer, i));
                for (int i = 0; i < count; i++) x[layer[i]] = (left[i] + right[i]) / 2;
            }
        }
        // Then the priority method: chains of bend points first, then the best-connected nodes, move to the mean of
        // their neighbours in the layer just placed, pushing only nodes of lower priority; this straightens chains.
        for (int sweep = 0; sweep < 4; sweep++)
        {
            bool fromAbove = sweep % 2 == 1;
            for (int k = 0; k < order.Length; k++)
            {
                int d = fromAbove ? order.Length - 1 - k : k;
                PlaceByPriority(order[d], fromAbove ? up : down, width, x);
            }
        }
        // Last, pendant chains (a leaf tensor and its AccumulateGrad) slide over their consumer as far as their
        // neighbours allow, from the bottom layer up so that each box follows the one below it.
        var pendant = new bool[width.Count];
        for (int d = order.Length - 1; d >= 0; d--)
            foreach (int v in order[d])
                pendant[v] = down[v].Count == 1 && (up[v].Count == 0 || (up[v].Count == 1 && pendant[up[v][0]]));
        for (int d = 0; d < order.Length; d++)
        {
            var layer = order[d];
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < layer.Count; k++)
                {
                    int i = pass == 0 ? k : layer.Count - 1 - k, v = layer[i];
                    if (!pendant[v]) continue;
                    double lo = i > 0 ? x[layer[i - 1]] + Gap(width, layer, i - 1) : double.MinValue;
                    double hi = i + 1 < layer.Count ? x[layer[i + 1]] - Gap(width, layer, i) : double.MaxValue;
                    if (lo <= hi) x[v] = Math.Clamp(x[down[v][0]], lo, hi);
                }
        }
        return x;
    }

    private static void PlaceByPriority(List<int> layer, List<List<int>> neighbours, List<double> width, double[] x)
    {
        int count = layer.Count;
        var fixedNode = new bool[count];
        var byPriority = Enumerable.Range(0, count)
            .OrderByDescending(i => width[layer[i]] == DummyWidth ? int.MaxValue : neighbours[layer[i]].Count).ThenBy(i => i).ToList();
        foreach (int i in byPriority)
        {
            var ns = neighbours[layer[i]];
            if (ns.Count == 0) { fixedNode[i] = true; continue; }
            double target = ns.Average(u => x[u]);
            if (target > x[layer[i]])
            {
                // Blocked by the nearest fixed node to the right.
                double limit = double.MaxValue, offset = 0;
                for (int j = i + 1; j < count; j++)
                {
                    offset += Gap(width, layer, j - 1);
                    if (fixedNode[j]) { limit = x[layer[j]] - offset; break; }
                }
                x[layer[i]] = Math.Max(x[layer[i]], Math.Min(target, limit));
                for (int j = i + 1; j < count && !fixedNode[j]; j++)
                    x[layer[j]] = Math.Max(x[layer[j]], x[layer[j - 1]] + Gap(width, layer, j - 1));
            }
            else
            {
                double limit = double.MinValue, offset = 0;
                for (int j = i - 1; j >= 0; j--)
                {
                    offset += Gap(width, layer, j);
                    if (fixedNode[j]) { limit = x[layer[j]] + offset; break; }
                }
                x[layer[i]] = Math.Min(x[layer[i]], Math.Max(target, limit));
                for (int j = i - 1; j >= 0 && !fixedNode[j]; j--)
                    x[layer[j]] = Math.Min(x[layer[j]], x[layer[j + 1]] - Gap(width, layer, j));
            }
            fixedNode[i] = true;
        }
    }

    /// <summary>The smallest distance between the centres of layer[i] and layer[i + 1].</summary>
    private static double Gap(List<double> width, List<int> layer, int i) =>
        (width[layer[i]] + width[layer[i + 1]]) / 2 + HorizontalGap;
}
