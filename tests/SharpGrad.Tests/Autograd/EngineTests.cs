using SharpGrad;
using SharpGrad.Graph;

namespace SharpGrad.Tests;

/// <summary>The backward engine: accumulation, graph freeing, root gradients, graph shapes, depth, determinism, leaves and grad_fn names.</summary>
public class EngineTests
{
    private static Tensor Vector(params double[] values) => Tensor.From(values, DType.Float64, requiresGrad: true);

    [Fact]
    public void Backward_TwoCalls_AccumulateGradients()
    {
        var x = Vector(1, -2, 3);
        (x * x).Sum().Backward();
        Check.Close(x.Grad!, [2, -4, 6]);
        (x * 3.0).Sum().Backward();
        Check.Close(x.Grad!, [5, -1, 9]);
    }

    [Fact]
    public void Backward_AccumulatesIntoTheSameGradTensor()
    {
        var x = Vector(1, 2);
        x.Sum().Backward();
        var first = x.Grad!;
        x.Sum().Backward();
        Assert.Same(first, x.Grad);
        Check.Close(first, [2, 2]);
    }

    [Fact]
    public void Backward_TwiceWithoutRetainGraph_ThrowsNamingRetainGraph()
    {
        var x = Vector(1, 2);
        var loss = (x * x).Sum();
        loss.Backward();
        Check.Throws<InvalidOperationException>(() => loss.Backward(), "second time", "retainGraph");
    }

    [Fact]
    public void Backward_TwiceWithRetainGraph_AddsTheGradientAgain()
    {
        var x = Vector(1, 2);
        var loss = (x * x).Sum();
        loss.Backward(retainGraph: true);
        loss.Backward();
        Check.Close(x.Grad!, [4, 8]);
    }

    [Fact]
    public void Backward_SharedSubgraphAfterFreeing_Throws()
    {
        var x = Vector(1, 2);
        var h = x.Exp();
        h.Sum().Backward();
        Check.Throws<InvalidOperationException>(() => (h * 2.0).Sum().Backward(), "ExpBackward0", "retainGraph");
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_ThrowsNamingTheShape()
    {
        var x = GradInputs.Leaf(1, 2, 3);
        Check.Throws<InvalidOperationException>(() => (x * 2.0).Backward(), "backward", "scalar", "[2, 3]");
    }

    [Fact]
    public void Backward_GradientOfWrongShape_ThrowsNamingBothShapes()
    {
        var x = GradInputs.Leaf(2, 2, 3);
        var y = x * 2.0;
        Check.Throws<ArgumentException>(() => y.Backward(Tensor.Ones([3, 2], DType.Float64)), "backward", "[3, 2]", "[2, 3]");
        Check.Throws<ArgumentException>(() => y.Sum().Backward(Tensor.Ones([1], DType.Float64)), "[1]", "[]");
    }

    [Fact]
    public void Backward_WithGradient_IsTheVectorJacobianProduct()
    {
        var x = Vector(1, 2, 3);
        (x * x).Backward(Tensor.From(new[] { 1.0, 10.0, 100.0 }, DType.Float64));
        Check.Close(x.Grad!, [2, 40, 600]);
    }

    [Fact]
    public void Backward_GradientOfAnotherDType_IsConverted()
    {
        var x = Vector(1, 2);
        (x * 3.0).Backward(Tensor.From(new[] { 1f, 2f }));
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Check.Close(x.Grad, [3, 6]);
    }

    [Fact]
    public void Backward_OnTensorNotRequiringGrad_Throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 });
        Check.Throws<InvalidOperationException>(() => x.Sum().Backward(), "does not require grad");
    }

    [Fact]
    public void Backward_OnLeafItself_GivesOnes()
    {
        var x = Tensor.From(3.0, DType.Float64, requiresGrad: true);
        x.Backward();
        Check.Close(x.Grad!, [], [1]);
    }

    [Fact]
    public void Backward_DiamondGraph_SumsThePaths()
    {
        // x*x + x: x reaches the loss three times (twice through mul, once through add).
        var x = Vector(1, -2, 0.5);
        (x * x + x).Sum().Backward();
        Check.Close(x.Grad!, [3, -3, 2]);
    }

    [Fact]
    public void Backward_NestedDiamonds_SumThePaths()
    {
        // a = 2x, b = a * a, c = a + b, loss = sum(b * c) = sum(4x^2 (2x + 4x^2)) = sum(8x^3 + 16x^4)
        var x = Vector(1, -0.5);
        var a = x * 2.0;
        var b = a * a;
        var c = a + b;
        (b * c).Sum().Backward();
        Check.Close(x.Grad!, [24 + 64, 24 * 0.25 - 64 * 0.125]);
    }

    [Fact]
    public void Backward_OnlyInputsThatRequireGrad_GetGradients()
    {
        var x = Vector(1, 2);
        var c = Tensor.From(new[] { 3.0, 4.0 }, DType.Float64);
        (x * c).Sum().Backward();
        Check.Close(x.Grad!, [3, 4]);
        Assert.Null(c.Grad);
    }

    [Fact]
    public void Backward_IntermediateTensors_GetNoGrad()
    {
        var x = Vector(1, 2);
        var h = x * 2.0;
        h.Sum().Backward();
        Assert.Null(h.Grad);
        Assert.False(h.IsLeaf);
    }

    [Fact]
    public void Backward_HundredThousandOpChain_DoesNotOverflowTheStack()
    {
        const int n = 100_000;
        const double c = 1.000001;
        var x = Tensor.From(1.0, DType.Float64, requiresGrad: true);
        var y = x;
        for (int i = 0; i < n; i++) y = y * c;
        y.Backward();
        double expected = 1;
        for (int i = 0; i < n; i++) expected *= c;
        Check.Close(expected, x.Grad!.Item(), 1e-12);
    }

    [Fact]
    public void Backward_SameProgramTwice_GivesBitIdenticalGradients()
    {
        static (double[], double[]) Run()
        {
            var gen = new Generator(7);
            var w1 = Tensor.Randn([5, 8], gen, DType.Float32).RequiresGrad_();
            var w2 = Tensor.Randn([8, 3], gen, DType.Float32).RequiresGrad_();
            var x = Tensor.Randn([16, 5], gen, DType.Float32);
            var h = x.MatMul(w1).Tanh();
            var loss = (h.MatMul(w2).Sigmoid() * h.Sum(1, keepDim: true)).Mean() + w1.Pow(2).Sum() * 1e-3;
            loss.Backward();
            return (w1.Grad!.ToArray<double>(), w2.Grad!.ToArray<double>());
        }
        var (a1, a2) = Run();
        var (b1, b2) = Run();
        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
    }

    [Fact]
    public void GradSetter_AcceptsNullAndRejectsWrongShapeOrDType()
    {
        var x = Vector(1, 2);
        x.Sum().Backward();
        Assert.NotNull(x.Grad);
        x.Grad = null;
        Assert.Null(x.Grad);
        (x * 2.0).Sum().Backward();
        Check.Close(x.Grad!, [2, 2]);
        Check.Throws<ArgumentException>(() => x.Grad = Tensor.Zeros([3], DType.Float64), "grad", "[3]", "[2]");
        Check.Throws<ArgumentException>(() => x.Grad = Tensor.Zeros([2], DType.Float32), "float32", "float64");
        x.Grad = Tensor.From(new[] { 10.0, 20.0 }, DType.Float64);
        x.Sum().Backward();
        Check.Close(x.Grad!, [11, 21]);
    }

    [Fact]
    public void Detach_SharesStorageAndLeavesTheGraph()
    {
        var x = Vector(1, 2);
        var y = x * 2.0;
        var d = y.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        Assert.Null(d.GradFn);
        Assert.Same(y.Storage, d.Storage);
        using (Tensor.NoGrad()) d.Add_(1.0);
        Check.Close(y, [3, 5]);
        // Gradient does not flow through the detached branch.
        (y + y.Detach() * 100.0).Sum().Backward();
        Check.Close(x.Grad!, [2, 2]);
    }

    [Fact]
    public void Data_SharesStorageWithoutGrad()
    {
        var x = Vector(1, 2);
        var data = x.Data;
        Assert.False(data.RequiresGrad);
        Assert.Same(x.Storage, data.Storage);
        data.Mul_(3.0);
        Check.Close(x, [3, 6]);
        Assert.True(x.RequiresGrad);
    }

    [Fact]
    public void IsLeaf_TrueForCreatedTensorsAndResultsOfUntrackedOps()
    {
        var x = Vector(1, 2);
        var c = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64);
        Assert.True(x.IsLeaf);
        Assert.True(c.IsLeaf);
        Assert.True((c * 2.0).IsLeaf);
        Assert.False((x * 2.0).IsLeaf);
        Assert.True((x * 2.0).Detach().IsLeaf);
        using (Tensor.NoGrad()) Assert.True((x * 2.0).IsLeaf);
    }

    public static TheoryData<string, string> GradFnCases => new()
    {
        { "add", "AddBackward0" }, { "addBias", "AddBackward0" }, { "addScalar", "AddBackward0" }, { "sub", "SubBackward0" },
        { "mul", "MulBackward0" }, { "div", "DivBackward0" }, { "neg", "NegBackward0" }, { "mm", "MmBackward0" },
        { "matmul2d", "MmBackward0" }, { "bmm", "BmmBackward0" }, { "sum", "SumBackward0" }, { "sumDim", "SumBackward1" },
        { "mean", "MeanBackward0" }, { "meanDim", "MeanBackward1" }, { "pow", "PowBackward0" }, { "powTensor", "PowBackward1" },
        { "square", "PowBackward0" }, { "exp", "ExpBackward0" }, { "log", "LogBackward0" }, { "tanh", "TanhBackward0" },
        { "sigmoid", "SigmoidBackward0" }, { "relu", "ReluBackward0" }, { "view", "ViewBackward0" }, { "reshape", "ViewBackward0" },
        { "transpose", "TransposeBackward0" }, { "permute", "PermuteBackward0" }, { "t", "PermuteBackward0" },
        { "expand", "ExpandBackward0" }, { "unsqueeze", "UnsqueezeBackward0" }, { "squeeze", "SqueezeBackward0" },
        { "narrow", "SliceBackward0" }, { "select", "SelectBackward0" }, { "clone", "CloneBackward0" }, { "to", "ToCopyBackward0" },
        { "max", "MaxBackward1" }, { "maxDim", "MaxBackward0" }, { "prod", "ProdBackward0" }, { "maximum", "MaximumBackward0" },
        { "clamp", "ClampBackward1" }, { "where", "WhereBackward0" },
    };

    [Theory]
    [MemberData(nameof(GradFnCases))]
    public void GradFn_HasPyTorchsName(string op, string expected)
    {
        var x = GradInputs.Positive(3, 2, 3);
        var y = GradInputs.Positive(4, 2, 3);
        var bias = GradInputs.Leaf(5, 3);
        Tensor result = op switch
        {
            "add" => x + y,
            "addBias" => x + bias,
            "addScalar" => x + 1.0,
            "sub" => x - y,
            "mul" => x * y,
            "div" => x / y,
            "neg" => -x,
            "mm" => x.Mm(y.T),
            "matmul2d" => x.MatMul(y.T),
            "bmm" => x.Unsqueeze(0).Bmm(y.T.Unsqueeze(0)),
            "sum" => x.Sum(),
            "sumDim" => x.Sum(1),
            "mean" => x.Mean(),
            "meanDim" => x.Mean(0),
            "pow" => x.Pow(3),
            "powTensor" => x.Pow(y),
            "square" => x.Square(),
            "exp" => x.Exp(),
            "log" => x.Log(),
            "tanh" => x.Tanh(),
            "sigmoid" => x.Sigmoid(),
            "relu" => x.Relu(),
            "view" => x.View(6),
            "reshape" => x.Reshape(3, 2),
            "transpose" => x.Transpose(0, 1),
            "permute" => x.Permute(1, 0),
            "t" => x.T,
            "expand" => bias.Expand(2, 3),
            "unsqueeze" => x.Unsqueeze(0),
            "squeeze" => x.Unsqueeze(0).Squeeze(),
            "narrow" => x.Narrow(1, 0, 2),
            "select" => x.Select(0, 1),
            "clone" => x.Clone(),
            "to" => x.Float(),
            "max" => x.Max(),
            "maxDim" => x.Max(1).Values,
            "prod" => x.Prod(),
            "maximum" => x.Maximum(y),
            "clamp" => x.Clamp(1, 2),
            "where" => Tensor.Where(x.Gt(1.0), x, y),
            _ => throw new ArgumentException(op),
        };
        Assert.NotNull(result.GradFn);
        Assert.Equal(expected, result.GradFn!.Name);
        Assert.Equal($"<{expected}>", result.GradFn.ToString());
        Assert.True(result.RequiresGrad);
    }

    /// <summary>A backward node that returns the sum of the gradient: the wrong shape for any non-scalar input.</summary>
    private sealed class WrongShapeBackward : Node
    {
        public override string Name => "WrongShapeBackward";
        protected internal override Tensor?[] Backward(Tensor g) => [g.Sum()];
    }

    /// <summary>A backward node that passes the gradient on as float32 and remembers the dtype it was given.</summary>
    private sealed class Float32Backward : Node
    {
        public DType? Received { get; private set; }
        public override string Name => "Float32Backward";
        protected internal override Tensor?[] Backward(Tensor g)
        {
            Received = g.DType;
            return [g.Float()];
        }
    }

    [Fact]
    public void Backward_NodeReturningWrongShape_ThrowsNamingTheNodeAndShapes()
    {
        var x = Vector(1, 2, 3);
        var y = Tensor.Record(x.Detach().Clone(), new WrongShapeBackward(), x * 2.0);
        Check.Throws<InvalidOperationException>(() => y.Sum().Backward(), "WrongShapeBackward", "[]", "[3]");
    }

    [Fact]
    public void Backward_GradientOfAnotherDType_IsConvertedToTheInputsDType()
    {
        // The float32 gradient from the first node reaches the second as float64, the dtype of its input.
        var x = Vector(1, 2);
        var outer = new Float32Backward();
        var inner = new Float32Backward();
        var h = Tensor.Record((x * 3.0).Detach(), inner, x * 3.0);
        var y = Tensor.Record(h.Detach().Clone(), outer, h);
        y.Sum().Backward();
        Assert.Equal(DType.Float64, outer.Received);
        Assert.Equal(DType.Float64, inner.Received);
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Check.Close(x.Grad, [3, 3]);
    }

    [Fact]
    public void GradFn_NextFunctions_PointAtInputNodes()
    {
        var x = Vector(1, 2);
        var c = Tensor.From(new[] { 1.0, 2.0 }, DType.Float64);
        var h = x.Exp();
        var y = h * c;
        var next = y.GradFn!.NextFunctions;
        Assert.Equal(2, next.Length);
        Assert.Same(h.GradFn, next[0]);
        Assert.Null(next[1]);
        var leafNode = Assert.IsType<SharpGrad.Graph.AccumulateGrad>(h.GradFn!.NextFunctions[0]);
        Assert.Same(x, leafNode.Variable);
    }
}
