using SharpGrad;
using SharpGrad.Graph;
using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

/// <summary>Autograd.Trace: execution order, the rules in words, the recorded gradients against plain Backward, the table.</summary>
public class TraceTests
{
    private static Tensor Scalar(double v) => GraphTests.Scalar(v);

    [Fact]
    public void Trace_APlusBTimesC_RecordsEachNodeInExecutionOrder_WithItsRule()
    {
        var (a, b, c) = (Scalar(2), Scalar(-3), Scalar(10));
        var trace = Autograd.Trace(a * b + c, [("a", a), ("b", b), ("c", c)]);
        Assert.Equal(["AddBackward0", "AccumulateGrad (c)", "MulBackward0", "AccumulateGrad (b)", "AccumulateGrad (a)"],
            trace.Steps.Select(s => trace.NodeLabel(s.Node)).ToArray());
        var mul = trace.Steps[2];
        Assert.Equal("MulBackward0: grad_a = grad * b; grad_b = grad * a", mul.Formula);
        Assert.Equal(1.0, mul.Incoming.Item());
        Assert.Equal([("grad_a = grad * b", "AccumulateGrad (a)", -3.0), ("grad_b = grad * a", "AccumulateGrad (b)", 2.0)],
            mul.Outgoing.Select(o => (o.Rule, trace.NodeLabel(o.To), o.Gradient.Item())).ToArray());
        Assert.Equal((-3.0, 2.0, 1.0), (a.Grad!.Item(), b.Grad!.Item(), c.Grad!.Item()));
        Assert.Equal(Enumerable.Range(0, trace.Steps.Count), trace.Steps.Select(s => s.Index));
    }

    [Fact]
    public void Trace_IncomingGradient_IsTheSumOfWhatTheConsumersSent()
    {
        var x = Scalar(3);
        var trace = Autograd.Trace(x * x + x, [("x", x)]);
        var accumulate = trace.Steps.Single(s => s.Name == "AccumulateGrad");
        Assert.Equal(7.0, accumulate.Incoming.Item());   // 2x + 1
        double sent = trace.Steps.SelectMany(s => s.Outgoing).Where(o => o.To == accumulate.Node).Sum(o => o.Gradient.Item());
        Assert.Equal(7.0, sent);
        Assert.Equal(7.0, x.Grad!.Item());
    }

    private static (Tensor Loss, Module Net) Mlp(DType dtype)
    {
        Tensor.ManualSeed(5);
        var net = new Sequential(new Linear(3, 8), new ReLU(), new Linear(8, 8), new Tanh(), new Linear(8, 4));
        if (dtype == DType.Float64) net.Double();
        var x = Tensor.Randn([6, 3], dtype: dtype);
        return (F.CrossEntropy(net.Forward(x), Tensor.From(new long[] { 0, 1, 2, 3, 0, 1 })), net);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Trace_Gradients_EqualPlainBackwardBitForBit(DType dtype)
    {
        var (plainLoss, plainNet) = Mlp(dtype);
        plainLoss.Backward();
        var (tracedLoss, tracedNet) = Mlp(dtype);
        var trace = Autograd.Trace(tracedLoss, tracedNet.NamedParameters());

        var plain = plainNet.NamedParameters().ToArray();
        var traced = tracedNet.NamedParameters().ToArray();
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.Equal(Bits(plain[i].Parameter.Grad!), Bits(traced[i].Parameter.Grad!));
            // What reached the parameter's AccumulateGrad is its .Grad, to the bit.
            var step = trace.Steps.Single(s => trace.NodeLabel(s.Node) == $"AccumulateGrad ({traced[i].Name})");
            Assert.Equal(Bits(traced[i].Parameter.Grad!), Bits(step.Incoming));
        }
    }

    [Fact]
    public void Trace_TinyNetLoss_GradientsEqualPlainBackwardBitForBit()
    {
        var (plainLoss, plainLeaves) = GraphTests.TinyNetLoss();
        plainLoss.Backward();
        var (tracedLoss, tracedLeaves) = GraphTests.TinyNetLoss();
        var trace = Autograd.Trace(tracedLoss, tracedLeaves);
        for (int i = 0; i < plainLeaves.Length; i++)
        {
            Assert.Equal(Bits(plainLeaves[i].Item2.Grad!), Bits(tracedLeaves[i].Item2.Grad!));
            var step = trace.Steps.Single(s => trace.NodeLabel(s.Node) == $"AccumulateGrad ({tracedLeaves[i].Item1})");
            Assert.Equal(Bits(tracedLeaves[i].Item2.Grad!), Bits(step.Incoming));
        }
        // Every node of the graph but the leaves' boxes and the output ran once.
        Assert.Equal(trace.Graph.Nodes.Count(n => n.Kind == GraphNodeKind.Function), trace.Steps.Count);
        Assert.Equal(trace.Steps.Count, trace.Steps.Select(s => s.Node).Distinct().Count());
    }

    [Fact]
    public void Trace_RecordsCopies_ThatLaterPassesDoNotChange()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var trace = Autograd.Trace((w * 3.0).Sum(), [("w", w)]);
        (w * 5.0).Sum().Backward();   // accumulates into w.Grad in place
        var step = trace.Steps.Single(s => s.Name == "AccumulateGrad");
        Assert.Equal([3.0, 3.0], step.Incoming.ToArray<double>());
        Assert.Equal([8.0, 8.0], w.Grad!.ToArray<double>());
    }

    [Fact]
    public void Trace_Table_ShowsSmallTensorsInFull_AndBigOnesAsStatistics()
    {
        var small = Tensor.From(new[,] { { 1.0, -2.5 }, { 0.125, 4.0 } }, DType.Float64, requiresGrad: true);
        var big = Tensor.Ones([6, 6], DType.Float64).RequiresGrad_();
        string table = Autograd.Trace((small * 2.0).Sum() + big.Sum(), [("small", small), ("big", big)]).ToString();
        Assert.Contains("| AccumulateGrad (small) | (2, 2): [[2, 2], [2, 2]]", table);
        Assert.Contains("-> MulBackward0: (2, 2): [[1, 1], [1, 1]]", table);
        Assert.Contains("(6, 6): mean 1, min 1, max 1", table);
        Assert.Contains("| step | node", table);
        Assert.Contains("grad_a = grad * b", table);
        Assert.Equal("1.5 (scalar)", BackwardTrace.FormatTensor(Tensor.From(1.5)));
    }

    [Fact]
    public void Trace_ComposedLoss_SaysItsNodeOnlyPassesTheGradientOn()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64, requiresGrad: true);
        var trace = Autograd.Trace(F.MseLoss(x, Tensor.Zeros([2], DType.Float64)));
        Assert.StartsWith("MseLossBackward0: grad_x = grad (this node names the loss", trace.Steps[0].Formula);
    }

    [Fact]
    public void Trace_OfATensorWithoutGrad_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Autograd.Trace(Tensor.Ones(3).Sum()));
        Assert.Contains("does not require grad", ex.Message);
    }

    [Fact]
    public void GradientFormulas_CoverEveryNodeOfTheCoursesModels()
    {
        Assert.Equal("MulBackward0: grad_a = grad * b; grad_b = grad * a", GradientFormulas.Describe("MulBackward0"));
        var (loss, names) = GraphTests.TinyNetLoss();
        foreach (var node in loss.Graph(names).Nodes.Where(n => n.Kind == GraphNodeKind.Function))
            Assert.DoesNotContain("own rule", GradientFormulas.Describe(node.Name));
        Assert.Contains("own rule", GradientFormulas.Describe("SomethingBackward7"));
    }

    private static long[] Bits(Tensor t) => t.DType == DType.Float64
        ? t.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray()
        : t.ToArray<float>().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray();
}
