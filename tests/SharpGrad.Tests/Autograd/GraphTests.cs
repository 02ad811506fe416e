using System.Text.RegularExpressions;
using SharpGrad;
using SharpGrad.Graph;
using SharpGrad.NN;
using SharpGrad.Plotting;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>Tensor.Graph / Autograd.Graph: the DOT text, the saved-tensor shapes, names from NamedParameters, the layered SVG.</summary>
public class GraphTests
{
    internal static Tensor Scalar(double v) => Tensor.From(v, DType.Float64, requiresGrad: true);

    /// <summary>The course's TinyNet loss written with autograd ops, as the tinynet command checks it.</summary>
    internal static (Tensor Loss, (string, Tensor)[] Names) TinyNetLoss()
    {
        var g = new Generator(3);
        string[] names = ["W_conv1", "b_conv1", "W_conv2", "b_conv2", "W_fc", "b_fc"];
        int[][] shapes = [[6, 3, 3, 3], [6], [12, 6, 3, 3], [12], [48, 10], [10]];
        var p = shapes.Select(s => (Tensor.Randn(s, g, DType.Float64) * 0.3).RequiresGrad_()).ToArray();
        var x = Tensor.Randn([2, 3, 8, 8], g, DType.Float64);
        var t = Tensor.From(new long[] { 1, 7 });
        var h = F.MaxPool2d(F.Relu(F.Conv2d(x, p[0], p[1], stride: 1, padding: 1)), 2, 2);
        h = F.MaxPool2d(F.Relu(F.Conv2d(h, p[2], p[3], stride: 1, padding: 1)), 2, 2);
        var loss = F.CrossEntropy(F.Linear(h.Flatten(1), p[4].T, p[5]), t);
        return (loss, names.Zip(p, (n, q) => (n, q)).ToArray());
    }

    /// <summary>
    /// Nodes and edges of a DOT text by label, as the lists tests/Autograd reference script prints them for PyTorch:
    /// a leaf is "var:NAME", the output "output", a function its name; each edge "FROM -> TO". Both sorted.
    /// </summary>
    internal static (string[] Nodes, string[] Edges) Read(string dot)
    {
        var label = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(dot, @"^\t(n\d+) \[label=""([^""\\]*(?:\\.[^""\\]*)*)""( fillcolor=(\w+))?\]$", RegexOptions.Multiline))
        {
            string first = m.Groups[2].Value.Split("\\n")[0];
            label[m.Groups[1].Value] = m.Groups[4].Value switch
            {
                "lightblue" => "var:" + first,
                "darkolivegreen1" => "output",
                _ => first,
            };
        }
        var edges = Regex.Matches(dot, @"^\t(n\d+) -> (n\d+)$", RegexOptions.Multiline)
            .Select(m => $"{label[m.Groups[1].Value]} -> {label[m.Groups[2].Value]}").Order(StringComparer.Ordinal).ToArray();
        return (label.Values.Order(StringComparer.Ordinal).ToArray(), edges);
    }

    // PyTorch 1.13's graphs, printed by walking grad_fn.next_functions as torchviz's make_dot does (a leaf is
    // "var:NAME", an edge runs from an input's node to its consumer): tests/SharpGrad.Tests/Autograd/GraphTests.md
    // holds the script. The lists below are SharpGrad's; where SharpGrad's graph differs, the comment says how.

    [Fact]
    public void Dot_APlusBTimesC_HasExactlyPyTorchsNodesAndEdges()
    {
        var (a, b, c) = (Scalar(2), Scalar(3), Scalar(4));
        var (nodes, edges) = Read((a + b * c).Graph([("a", a), ("b", b), ("c", c)]).ToDot());
        // PyTorch 1.13, identical.
        Assert.Equal(["AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AddBackward0", "MulBackward0", "output", "var:a", "var:b", "var:c"], nodes);
        Assert.Equal(["AccumulateGrad -> AddBackward0", "AccumulateGrad -> MulBackward0", "AccumulateGrad -> MulBackward0",
            "AddBackward0 -> output", "MulBackward0 -> AddBackward0", "var:a -> AccumulateGrad", "var:b -> AccumulateGrad", "var:c -> AccumulateGrad"], edges);
    }

    [Fact]
    public void Dot_LinearReluLinearCrossEntropy_HasExactlyTheExpectedNodesAndEdges()
    {
        Tensor.ManualSeed(0);
        var net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 2));
        var loss = F.CrossEntropy(net.Forward(Tensor.Randn(4, 2)), Tensor.From(new long[] { 0, 1, 1, 0 }));
        var (nodes, edges) = Read(loss.Graph(net.NamedParameters()).ToDot());
        // PyTorch 1.13 has the same leaves, AddmmBackward0 x2, ReluBackward0 and LogSoftmaxBackward0, and differs in two
        // places: its F.linear feeds the weight through a TBackward0 (SharpGrad's AddmmBackward0 takes the weight as it
        // is), and its cross_entropy is one NllLossBackward0 after LogSoftmaxBackward0, where SharpGrad composes the NLL
        // from gather, squeeze, neg, mul, sum and div under a node named CrossEntropyLossBackward0.
        Assert.Equal(["AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AddmmBackward0", "AddmmBackward0",
            "CrossEntropyLossBackward0", "DivBackward0", "GatherBackward0", "LogSoftmaxBackward0", "MulBackward0", "NegBackward0",
            "ReluBackward0", "SqueezeBackward1", "SumBackward0", "output", "var:0.bias", "var:0.weight", "var:2.bias", "var:2.weight"], nodes);
        Assert.Equal(["AccumulateGrad -> AddmmBackward0", "AccumulateGrad -> AddmmBackward0", "AccumulateGrad -> AddmmBackward0",
            "AccumulateGrad -> AddmmBackward0", "AddmmBackward0 -> LogSoftmaxBackward0", "AddmmBackward0 -> ReluBackward0",
            "CrossEntropyLossBackward0 -> output", "DivBackward0 -> CrossEntropyLossBackward0", "GatherBackward0 -> SqueezeBackward1",
            "LogSoftmaxBackward0 -> GatherBackward0", "MulBackward0 -> SumBackward0", "NegBackward0 -> MulBackward0",
            "ReluBackward0 -> AddmmBackward0", "SqueezeBackward1 -> NegBackward0", "SumBackward0 -> DivBackward0",
            "var:0.bias -> AccumulateGrad", "var:0.weight -> AccumulateGrad", "var:2.bias -> AccumulateGrad", "var:2.weight -> AccumulateGrad"], edges);
    }

    [Fact]
    public void Dot_TinyNetLoss_HasExactlyTheExpectedNodesAndEdges()
    {
        var (loss, names) = TinyNetLoss();
        var (nodes, edges) = Read(loss.Graph(names).ToDot());
        // PyTorch 1.13 has the same convolutions, ReLUs, max-pools, W_fc.T (PermuteBackward0) and Addmm; it names the
        // flatten ReshapeAliasBackward0 (later versions: ViewBackward0, as here), adds linear's TBackward0 and ends in
        // NllLossBackward0 (see the Linear test for the composed cross-entropy).
        Assert.Equal(["AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AccumulateGrad", "AccumulateGrad",
            "AddmmBackward0", "ConvolutionBackward0", "ConvolutionBackward0", "CrossEntropyLossBackward0", "DivBackward0",
            "GatherBackward0", "LogSoftmaxBackward0", "MaxPool2DWithIndicesBackward0", "MaxPool2DWithIndicesBackward0", "MulBackward0",
            "NegBackward0", "PermuteBackward0", "ReluBackward0", "ReluBackward0", "SqueezeBackward1", "SumBackward0", "ViewBackward0",
            "output", "var:W_conv1", "var:W_conv2", "var:W_fc", "var:b_conv1", "var:b_conv2", "var:b_fc"], nodes);
        Assert.Equal(["AccumulateGrad -> AddmmBackward0", "AccumulateGrad -> ConvolutionBackward0", "AccumulateGrad -> ConvolutionBackward0",
            "AccumulateGrad -> ConvolutionBackward0", "AccumulateGrad -> ConvolutionBackward0", "AccumulateGrad -> PermuteBackward0",
            "AddmmBackward0 -> LogSoftmaxBackward0", "ConvolutionBackward0 -> ReluBackward0", "ConvolutionBackward0 -> ReluBackward0",
            "CrossEntropyLossBackward0 -> output", "DivBackward0 -> CrossEntropyLossBackward0", "GatherBackward0 -> SqueezeBackward1",
            "LogSoftmaxBackward0 -> GatherBackward0", "MaxPool2DWithIndicesBackward0 -> ConvolutionBackward0",
            "MaxPool2DWithIndicesBackward0 -> ViewBackward0", "MulBackward0 -> SumBackward0", "NegBackward0 -> MulBackward0",
            "PermuteBackward0 -> AddmmBackward0", "ReluBackward0 -> MaxPool2DWithIndicesBackward0", "ReluBackward0 -> MaxPool2DWithIndicesBackward0",
            "SqueezeBackward1 -> NegBackward0", "SumBackward0 -> DivBackward0", "ViewBackward0 -> AddmmBackward0",
            "var:W_conv1 -> AccumulateGrad", "var:W_conv2 -> AccumulateGrad", "var:W_fc -> AccumulateGrad", "var:b_conv1 -> AccumulateGrad",
            "var:b_conv2 -> AccumulateGrad", "var:b_fc -> AccumulateGrad"], edges);
    }

    [Fact]
    public void Dot_FunctionLabelsListTheSavedTensorsShapes_AndLeavesTheirShapes()
    {
        var a = Tensor.Ones([2, 3], DType.Float64).RequiresGrad_();
        var b = Tensor.Ones([3], DType.Float64).RequiresGrad_();
        var graph = (a * b).Sum().Graph([("a", a)]);
        var mul = graph.Nodes.Single(n => n.Name == "MulBackward0");
        Assert.Equal([("self", new[] { 2, 3 }), ("other", new[] { 3 })], mul.Saved.Select(s => (s.Name, s.Shape)).ToArray());
        string dot = graph.ToDot();
        Assert.Contains("[label=\"MulBackward0\\nself: (2, 3)\\nother: (3)\"]", dot);
        Assert.Contains("[label=\"a\\n(2, 3)\" fillcolor=lightblue]", dot);
        Assert.Contains("[label=\"(3)\" fillcolor=lightblue]", dot);      // unnamed leaf: its shape, as torchviz
        Assert.Contains("[label=\"output\\n()\" fillcolor=darkolivegreen1]", dot);
        Assert.StartsWith("digraph {", dot);
    }

    [Fact]
    public void Graph_AfterBackward_StillDrawsTheStructure_WithoutTheFreedSavedTensors()
    {
        var a = Scalar(2);
        var y = a * a;
        y.Backward();
        var mul = y.Graph().Nodes.Single(n => n.Name == "MulBackward0");
        Assert.Empty(mul.Saved);
    }

    [Fact]
    public void Graph_OfATensorWithoutGrad_SaysThereIsNoGraph()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).Graph());
        Assert.Contains("graph: the tensor (shape [2, 3]) does not require grad", ex.Message);
    }

    [Fact]
    public void Graph_OfALeaf_IsTheLeafAndItsAccumulateGrad()
    {
        var a = Scalar(1);
        var graph = a.Graph();
        Assert.Equal([GraphNodeKind.Output, GraphNodeKind.Function, GraphNodeKind.Tensor], graph.Nodes.Select(n => n.Kind).ToArray());
    }

    /// <summary>Course 003's CNN as `sharpgrad mnist --model cnn` builds it, on a batch of two 28x28 digits.</summary>
    private static Tensor CnnLoss(out Module net)
    {
        Tensor.ManualSeed(1);
        net = new Sequential(new Conv2d(1, 32, 5, 1, 2), new MaxPool2d(2), new Conv2d(32, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 64, 5, 1, 2), new MaxPool2d(2), new Flatten(), new Linear(64 * 3 * 3, 64), new Linear(64, 10));
        return F.CrossEntropy(net.Forward(Tensor.Randn(2, 1, 28, 28)), Tensor.From(new long[] { 3, 8 }));
    }

    [Fact]
    public void Layout_CnnGraph_HasNoOverlappingBoxes_AndTheSvgDrawsThem()
    {
        var loss = CnnLoss(out var net);
        var graph = loss.Graph(net.NamedParameters());
        var layout = GraphLayout.Compute(graph);
        AssertNoOverlaps(layout);
        Assert.Equal(graph.Nodes.Count, layout.Boxes.Count);

        // The SVG draws exactly these boxes, each with its node's first label line.
        var doc = Svgs.Parse(graph.ToSvg());
        var drawn = doc.Descendants(Svgs.Ns + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("node ") == true).ToArray();
        Assert.Equal(graph.Nodes.Count, drawn.Length);
        foreach (var g in drawn)
        {
            var box = layout.Boxes[int.Parse((string)g.Attribute("data-node")!)];
            var rect = g.Element(Svgs.Ns + "rect")!;
            Assert.Equal(box.X, double.Parse((string)rect.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture), 0.051);
            Assert.Equal(box.Y, double.Parse((string)rect.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture), 0.051);
            Assert.Equal(box.Lines[0], g.Elements(Svgs.Ns + "text").First().Value);
        }
        Assert.Contains(drawn, g => g.Elements(Svgs.Ns + "text").First().Value == "0.weight");
        Assert.Equal(graph.Edges.Count, doc.Descendants(Svgs.Ns + "path").Count(p => (string?)p.Attribute("class") == "edge"));
    }

    [Fact]
    public void Layout_TwoHundredNodes_NoOverlaps_EdgesRunDownward_InsideTheDrawing()
    {
        // 32 Linear + Tanh layers with a skip connection every 4: ~200 nodes, and edges that skip layers.
        Tensor.ManualSeed(2);
        var layers = Enumerable.Range(0, 32).Select(_ => new Linear(4, 4)).ToArray();
        var h = Tensor.Randn(3, 4);
        Tensor? skip = null;
        for (int i = 0; i < layers.Length; i++)
        {
            h = layers[i].Forward(h).Tanh();
            if (i % 4 == 0) { if (skip is not null) h = h + skip; skip = h; }
        }
        var graph = h.Sum().Graph();
        Assert.InRange(graph.Nodes.Count, 190, 260);
        var layout = GraphLayout.Compute(graph);
        AssertNoOverlaps(layout);
        foreach (var route in layout.Routes)
        {
            for (int i = 1; i < route.Points.Count; i++) Assert.True(route.Points[i].Y > route.Points[i - 1].Y, "edges run down, from inputs to consumers");
            Assert.All(route.Points, p => Assert.InRange(p.X, 0, layout.Width));
        }
        Assert.All(layout.Boxes, b => Assert.True(b.X >= 0 && b.Y >= 0 && b.X + b.Width <= layout.Width && b.Y + b.Height <= layout.Height));
    }

    private static void AssertNoOverlaps(GraphLayout layout)
    {
        var boxes = layout.Boxes;
        for (int i = 0; i < boxes.Count; i++)
            for (int j = i + 1; j < boxes.Count; j++)
                Assert.False(boxes[i].Overlaps(boxes[j]), $"boxes {i} ({string.Join(" ", boxes[i].Lines)}) and {j} ({string.Join(" ", boxes[j].Lines)}) overlap");
    }
}
