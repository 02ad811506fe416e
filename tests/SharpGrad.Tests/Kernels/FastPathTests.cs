using SharpGrad.Core;
using SharpGrad.Kernels;

namespace SharpGrad.Tests;

/// <summary>
/// The fast paths for small tensors: vector loops for + - * / (lengths around the vector width and its remainders),
/// operands broadcast from one element, shared layouts, and the backward engine's reused workspace.
/// </summary>
public class FastPathTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1001 };

    private static float[] Values(int n, int seed)
    {
        var g = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(g.NextDouble() * 4 - 2) + (i % 5 == 0 ? 3 : 0);
        return v;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void VectorLoops_MatchOneOperationPerElement_Float(int n)
    {
        var a = Values(n, 1);
        var b = Values(n, 2);
        float s = 1.7f;
        var y = new float[n];
        Simd.Apply<float, AddOp<float>>(a, b, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] + b[i], y[i]);
        Simd.Apply<float, SubOp<float>>(a, s, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] - s, y[i]);
        Simd.Apply<float, SubOp<float>>(s, b, y);
        for (int i = 0; i < n; i++) Assert.Equal(s - b[i], y[i]);
        Simd.Apply<float, DivOp<float>>(a, b, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] / b[i], y[i]);
        Simd.Cube<float>(a, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * a[i] * a[i], y[i]);
        // In place: the output is the first input.
        var c = (float[])a.Clone();
        Simd.Apply<float, MulOp<float>>(c, b, c);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * b[i], c[i]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void VectorSum_IsCloseToTheExactSum_AndUnaryLoopsMatchTheScalarForm(int n)
    {
        var a = Values(n, 7);
        double exact = 0;
        foreach (var v in a) exact += v;
        Check.Close(exact, Simd.Sum<float>(a), 1e-6);
        var y = new float[n];
        Simd.Apply<float, NegOp<float>>(a, y);
        for (int i = 0; i < n; i++) Assert.Equal(-a[i], y[i]);
        Simd.Apply<float, ReluOp<float>>(a, y);
        for (int i = 0; i < n; i++) Assert.Equal(Math.Max(a[i], 0f), y[i]);
    }

    [Fact]
    public void Relu_PropagatesNaN_AndMapsNegativeZeroToZero_InVectorAndScalarLanes()
    {
        var x = new float[19];
        for (int i = 0; i < x.Length; i++) x[i] = i % 3 == 0 ? float.NaN : i % 3 == 1 ? -0f : -i;
        var y = Tensor.From(x).Relu().ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 3 == 0) Assert.True(float.IsNaN(y[i]), $"element {i}");
            else Assert.True(y[i] == 0 && !float.IsNegative(y[i]), $"element {i}: {y[i]}");
        }
    }

    [Fact]
    public void VectorSum_OfMillionsOfFloats_StaysAccurate()
    {
        var ones = new float[3_000_001];
        Array.Fill(ones, 0.1f);
        Check.Close(3_000_001 * (double)0.1f, Simd.Sum<float>(ones), 1e-6);
        Check.Close(3_000_001 * (double)0.1f, Tensor.From(ones).Sum().Item(), 1e-6);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    public void VectorLoops_MatchOneOperationPerElement_DoubleAndLong(int n)
    {
        var a = Array.ConvertAll(Values(n, 3), v => (double)v);
        var y = new double[n];
        Simd.Apply<double, MulOp<double>>(a, 0.3, y);
        for (int i = 0; i < n; i++) Assert.Equal(a[i] * 0.3, y[i]);
        var l = new long[n];
        for (int i = 0; i < n; i++) l[i] = i * 7 - 20;
        var ly = new long[n];
        Simd.Apply<long, SubOp<long>>(5, l, ly);
        for (int i = 0; i < n; i++) Assert.Equal(5 - l[i], ly[i]);
    }

    [Fact]
    public void BinaryOps_WithOperandsBroadcastFromOneElement_MatchTheExplicitCopy()
    {
        var x = Tensor.From(Values(37, 4));
        var one = Tensor.From(new[] { 2.5f }).Reshape(1, 1);
        var scalar = Tensor.From(-1.25);
        var xe = Tensor.From(0.75f).Expand(37); // a 0-d tensor seen 37 times (stride 0)
        foreach (var (a, b) in new[] { (x, one), (one, x), (x, scalar), (scalar, x), (x, xe), (xe, x), (xe, xe) })
        {
            var shape = Shape.Broadcast("test", a.Shape, b.Shape);
            var ac = a.Expand(shape).Contiguous();
            var bc = b.Expand(shape).Contiguous();
            var av = ac.ToArray();
            var bv = bc.ToArray();
            var sum = (a + b).ToArray();
            var quotient = (a / b).ToArray();
            var less = a.Lt(b).ToArray<bool>();
            Assert.Equal(shape, (a * b).Shape);
            for (int i = 0; i < av.Length; i++)
            {
                Assert.Equal(av[i] + bv[i], sum[i]);
                Assert.Equal(av[i] / bv[i], quotient[i]);
                Assert.Equal(av[i] < bv[i], less[i]);
            }
        }
    }

    [Fact]
    public void Results_ShareTheOperandLayoutOnlyWhenItIsCanonical()
    {
        var x = Tensor.Rand([3, 4]);
        Assert.Same(x.Layout, (x * 2.0).Layout);
        Assert.Same(x.Layout, (x - x).Layout);
        var t = x.T;                      // a view: not contiguous
        var y = t * 2.0;
        Assert.NotSame(t.Layout, y.Layout);
        Assert.Equal([4, 3], y.Shape);
        Assert.Equal([3, 1], y.Stride());
        var narrowed = x.Narrow(0, 1, 2); // contiguous rows, but at an offset
        Assert.True(narrowed.IsContiguous());
        var z = narrowed + 1.0;
        Assert.Equal(0, z.StorageOffset());
        Assert.Equal(x.ToArray().Skip(4).Select(v => v + 1f), z.ToArray());
    }

    [Fact]
    public void Layout_IsContiguous_IgnoresStridesOfSizeOneDims_ButIsCanonicalDoesNot()
    {
        var odd = new Layout([2, 1, 3], [3, 7, 1], 0);
        Assert.True(odd.IsContiguous);
        Assert.False(odd.IsCanonical);
        Assert.True(Layout.Contiguous([2, 1, 3]).IsCanonical);
        Assert.False(Layout.Contiguous([2, 3], offset: 1).IsCanonical);
        Assert.True(new Layout([0, 3], [3, 1], 0).IsContiguous);
        Assert.False(new Layout([3, 2], [1, 3], 0).IsContiguous);
        var l = Layout.Contiguous([2, 3]);
        Assert.Same(l, l.BroadcastTo([2, 3]));
    }

    [Fact]
    public void ManyDims_UseTheStridedLoopBeyondItsStackBuffers()
    {
        var sizes = Enumerable.Repeat(2, 10).ToArray();
        var x = Tensor.Rand(sizes, new Generator(3));
        var order = Enumerable.Range(0, 10).Reverse().ToArray();
        var p = x.Permute(order);
        var y = (p * p.Contiguous()).Contiguous();
        var pv = p.Contiguous().ToArray();
        var yv = y.ToArray();
        for (int i = 0; i < pv.Length; i++) Assert.Equal(pv[i] * pv[i], yv[i]);
        Check.Close(x.Sum().Item(), p.Sum().Item(), 1e-5); // float sums in two orders
    }

    [Fact]
    public void Pow_TwoAndThree_AgreeForStridedAndContiguousInputs()
    {
        var x = Tensor.Randn([5, 9], new Generator(11));
        Assert.Equal(x.T.Contiguous().Pow(3).ToArray(), x.T.Pow(3).ToArray());
        Assert.Equal(x.T.Contiguous().Square().ToArray(), x.T.Square().ToArray());
        var v = x.ToArray();
        var cube = x.Pow(3).ToArray();
        for (int i = 0; i < v.Length; i++) Assert.Equal(v[i] * v[i] * v[i], cube[i]);
    }

    [Fact]
    public void Square_Gradient_Is2x_AndSecondOrderStillWorks()
    {
        var x = Check.Input(5, 7);
        Check.Gradients(t => t[0].Square().Sum(), x);
        var g = Autograd.Grad(x.Square().Sum(), [x], createGraph: true)[0]!;
        Check.Close(g, x.ToArray<double>().Select(v => 2 * v).ToArray(), 1e-12);
        var gg = Autograd.Grad(g.Sum(), [x])[0]!;
        Check.Close(gg, Enumerable.Repeat(2.0, 7).ToArray(), 1e-12);
    }

    [Fact]
    public void Backward_AfterAFailedPass_StartsFromAClearWorkspace()
    {
        var w = Tensor.From(3.0).RequiresGrad_();
        var loss = (w * w).Sum();
        loss.Backward();
        Check.Throws<InvalidOperationException>(() => loss.Backward(), "second time");
        w.Grad = null;
        var again = (w * 4.0).Sum();
        again.Backward();
        Assert.Equal(4.0, w.Grad!.Item());
        // A backward pass started from inside another one (a hook-like re-entry) gets a workspace of its own.
        var inner = Tensor.From(2.0).RequiresGrad_();
        var outer = Tensor.From(1.0).RequiresGrad_();
        var y = Reentrant.Apply(outer, inner);
        y.Backward();
        Assert.Equal(5.0, inner.Grad!.Item());
        Assert.Equal(1.0, outer.Grad!.Item());
    }

    [Theory]
    [InlineData(37, DType.Float32)]
    [InlineData(2500, DType.Float32)]
    [InlineData(1100, DType.Float64)]
    public void ScalarFactorGradient_WithoutTheProductTensor_HasTheCompositesBits(int n, DType dtype)
    {
        var x = Tensor.Randn([n], new Generator(21), dtype);
        var upstream = Tensor.Randn([n], new Generator(22), dtype);
        foreach (var shape in new[] { Array.Empty<int>(), [1] })
        {
            // Through Sum (the gradient reaching w * x is one element seen n times) and through an explicit gradient.
            var w = Tensor.Full(shape, 0.3, dtype).RequiresGrad_();
            (w * x).Sum().Backward();
            var viaComposite = Autograd.Grad((w * x).Sum(), [w], createGraph: true)[0]!;
            Assert.Equal(viaComposite.ToArray<double>(), w.Grad!.ToArray<double>());
            Assert.Equal(shape, w.Grad.Shape);
            Assert.Equal((x.Sum() * 1.0).Item(), w.Grad.Item());

            w.Grad = null;
            (x * w).Backward(upstream);
            var expected = (upstream * x).Sum();
            Assert.Equal(expected.Item(), w.Grad!.Item());
            Assert.Equal(Autograd.Grad(x * w, [w], upstream, createGraph: true)[0]!.Item(), w.Grad.Item());
        }
    }

    [Fact]
    public void Backward_RunsReadyNodes_MostRecentlyCreatedFirst()
    {
        // 40 branches from one leaf, created in a shuffled order of labels, all ready once the sum has run;
        // then a chain, whose nodes become ready one at a time.
        var x = Tensor.From(1.0).RequiresGrad_();
        var log = new List<int>();
        var labels = Enumerable.Range(0, 40).OrderBy(i => (i * 17) % 40).ToArray();
        Tensor? total = null;
        foreach (int label in labels)
        {
            var branch = Logged.Apply(x, label, log);
            total = total is null ? branch : total + branch;
        }
        var chained = Logged.Apply(Logged.Apply(total!, 100, log), 101, log);
        chained.Backward();
        Assert.Equal(new[] { 101, 100 }.Concat(labels.Reverse()), log);
        Assert.Equal(40.0, x.Grad!.Item());
    }

    /// <summary>An identity op that logs its label when its backward runs.</summary>
    private sealed class Logged : Graph.Node
    {
        private readonly int _label;
        private readonly List<int> _log;
        private Logged(int label, List<int> log) => (_label, _log) = (label, log);
        public override string Name => "LoggedBackward";

        public static Tensor Apply(Tensor x, int label, List<int> log)
            => Tensor.Record(x.Detach().Clone(), new Logged(label, log), x);

        protected internal override Tensor?[] Backward(Tensor g)
        {
            _log.Add(_label);
            return [g];
        }
    }

    /// <summary>An identity op whose backward runs a second, independent backward pass on another leaf.</summary>
    private sealed class Reentrant : Graph.Node
    {
        private readonly Tensor _other;
        private Reentrant(Tensor other) => _other = other;
        public override string Name => "ReentrantBackward";

        public static Tensor Apply(Tensor x, Tensor other)
            => Tensor.Record(x.Detach().Clone(), new Reentrant(other), x);

        protected internal override Tensor?[] Backward(Tensor g)
        {
            using (Tensor.EnableGrad())
            {
                (_other * 2.5).Backward();
                (_other * 2.5).Backward();
            }
            return [g];
        }
    }
}
