namespace SharpGrad.Tests;

public class InPlaceTests
{
    private static Tensor F(params float[] v) => Tensor.From(v);
    private static Tensor Seq(params int[] shape) => Tensor.Arange(0, SharpGrad.Core.Shape.Numel(shape), 1, DType.Float32).View(shape);

    [Fact]
    public void AddSubMulDiv_WithTensors_ModifyAndReturnThis()
    {
        var x = F(1, 2, 3);
        Assert.Same(x, x.Add_(F(1, 1, 1)));
        Assert.Equal([2f, 3, 4], x.ToArray());
        Assert.Same(x, x.Sub_(F(0.5f, 1, 1.5f)));
        Assert.Equal([1.5f, 2, 2.5f], x.ToArray());
        Assert.Same(x, x.Mul_(F(2, 3, 4)));
        Assert.Equal([3f, 6, 10], x.ToArray());
        Assert.Same(x, x.Div_(F(3, 4, 5)));
        Assert.Equal([1f, 1.5f, 2], x.ToArray());
    }

    [Fact]
    public void AddSubMulDiv_WithScalars()
    {
        var x = F(1, 2, 3);
        x.Add_(1.5).Mul_(2).Sub_(1).Div_(2);
        Assert.Equal([2f, 3, 4], x.ToArray());
        var d = Tensor.From(new[] { 1.0, 2.0 });
        d.Mul_(0.1);
        Assert.Equal([0.1, 0.2], d.ToArray<double>());
    }

    [Fact]
    public void Int64_WithIntegerScalars_StaysInt64()
    {
        var x = Tensor.From(new long[] { 1, 2, 3 });
        x.Add_(2).Mul_(3).Sub_(1);
        Assert.Equal(DType.Int64, x.DType);
        Assert.Equal([8L, 11, 14], x.ToArray<long>());
        x.Add_(Tensor.From(new long[] { 1, 1, 1 }));
        Assert.Equal([9L, 12, 15], x.ToArray<long>());
    }

    [Fact]
    public void Div_OnInt64_IsAnError()
    {
        var x = Tensor.From(new long[] { 4, 6 });
        Check.Throws<ArgumentException>(() => x.Div_(Tensor.From(new long[] { 2, 3 })),
            "result type torch.float32 can't be cast to the desired output type torch.int64");
        Check.Throws<ArgumentException>(() => x.Div_(2), "div_", "torch.float32", "torch.int64");
        Check.Throws<ArgumentException>(() => x.Add_(0.5), "add_", "result type torch.float32 can't be cast to the desired output type torch.int64");
        Check.Throws<ArgumentException>(() => x.Mul_(Tensor.From(new[] { 1f, 2 })), "mul_", "torch.int64");
        Check.Throws<ArgumentException>(() => Tensor.From(new[] { true }).Add_(Tensor.From(new long[] { 1 })), "add_", "torch.bool");
        Assert.Equal([4L, 6], x.ToArray<long>());
    }

    [Fact]
    public void FloatTarget_AcceptsOtherDTypes()
    {
        var x = F(1, 2);
        x.Add_(Tensor.From(new long[] { 10, 20 }));
        x.Mul_(Tensor.From(new[] { 0.5, 0.25 }));
        Assert.Equal(DType.Float32, x.DType);
        Assert.Equal([5.5f, 5.5f], x.ToArray());
    }

    [Fact]
    public void Operand_IsBroadcast()
    {
        var x = Seq(2, 3);
        x.Add_(F(10, 20, 30));
        Assert.Equal([10f, 21, 32, 13, 24, 35], x.ToArray());
        x.Mul_(F(1, -1).View(2, 1));
        Assert.Equal([10f, 21, 32, -13, -24, -35], x.ToArray());
        x.Sub_(Tensor.From(1.0));
        Assert.Equal([9f, 20, 31, -14, -25, -36], x.ToArray());
    }

    [Fact]
    public void Operand_CannotGrowTheTarget()
        => Check.Throws<ArgumentException>(() => F(1, 2, 3).Add_(Seq(2, 3)), "add_", "output with shape [3] doesn't match the broadcast shape [2, 3]");

    [Fact]
    public void Operand_MustBroadcast()
        => Check.Throws<ArgumentException>(() => Seq(2, 3).Mul_(F(1, 2)), "mul_", "(3)", "(2)");

    [Fact]
    public void OnATransposedView_WritesThroughToTheBase()
    {
        var x = Seq(2, 3);
        var t = x.T; // [3, 2]
        t.Add_(F(100, 200).View(1, 2));
        Assert.Equal([100f, 101, 102, 203, 204, 205], x.ToArray());
        t.Mul_(Seq(3, 2));
        // t[i, j] = x[j, i] times (2i + j)
        Assert.Equal([0f, 202, 408, 203 * 1, 204 * 3, 205 * 5], x.ToArray());
    }

    [Fact]
    public void OnANarrowedView_WritesThroughToTheBase()
    {
        var x = Seq(4, 5);
        x.Narrow(1, 1, 3).Narrow(0, 2, 2).Add_(1000);
        var expected = Seq(4, 5).ToArray();
        for (int i = 2; i < 4; i++)
            for (int j = 1; j < 4; j++) expected[i * 5 + j] += 1000;
        Assert.Equal(expected, x.ToArray());
        x.Slice(1, 0, 3, 2).Zero_();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 5; j += 2) expected[i * 5 + j] = 0;
        Assert.Equal(expected, x.ToArray());
    }

    [Fact]
    public void SelfOverlap_UsesTheOldValues()
    {
        var x = Seq(3, 3);
        x.Add_(x.T);
        Assert.Equal([0f, 4, 8, 4, 8, 12, 8, 12, 16], x.ToArray());

        var y = Seq(5);
        y.Narrow(0, 1, 4).Add_(y.Narrow(0, 0, 4)); // shifted overlap: y[i] += old y[i - 1]
        Assert.Equal([0f, 1, 3, 5, 7], y.ToArray());

        var z = F(1, 2, 3);
        z.Mul_(z);
        Assert.Equal([1f, 4, 9], z.ToArray());

        var w = Seq(2, 2);
        w.Sub_(w.Select(0, 0)); // row broadcast from the tensor itself
        Assert.Equal([0f, 0, 2, 2], w.ToArray());
    }

    [Fact]
    public void ZeroAndFill()
    {
        var x = Seq(2, 3);
        Assert.Same(x, x.Fill_(7));
        Assert.All(x.ToArray(), v => Assert.Equal(7f, v));
        x.Select(1, 1).Fill_(-1);
        Assert.Equal([7f, -1, 7, 7, -1, 7], x.ToArray());
        Assert.Same(x, x.Zero_());
        Assert.All(x.ToArray(), v => Assert.Equal(0f, v));
        var l = Tensor.Zeros([2], DType.Int64).Fill_(2.7);
        Assert.Equal([2L, 2], l.ToArray<long>());
        var b = Tensor.Zeros([2], DType.Bool).Fill_(1);
        Assert.Equal([true, true], b.ToArray<bool>());
    }

    [Fact]
    public void Copy_ConvertsAndBroadcasts()
    {
        var x = Tensor.Zeros([2, 3], DType.Int64);
        x.Copy_(F(1.9f, -1.9f, 3));
        Assert.Equal([1L, -1, 3, 1, -1, 3], x.ToArray<long>());
        var y = Tensor.Zeros(3, 2);
        Assert.Same(y, y.Copy_(Seq(2, 3).T));
        Assert.Equal([0f, 3, 1, 4, 2, 5], y.ToArray());
        var z = Seq(2, 2);
        z.Copy_(z.T);
        Assert.Equal([0f, 2, 1, 3], z.ToArray());
        var b = Tensor.Zeros([3], DType.Bool);
        b.Copy_(F(0, 0.5f, -2));
        Assert.Equal([false, true, true], b.ToArray<bool>());
    }

    [Fact]
    public void Copy_IntoAView_WritesThroughToTheBase()
    {
        var x = Tensor.Zeros(3, 3);
        x.T.Select(0, 1).Copy_(F(1, 2, 3)); // column 1
        Assert.Equal([0f, 1, 0, 0, 2, 0, 0, 3, 0], x.ToArray());
    }

    [Fact]
    public void Copy_RejectsUnbroadcastableSource()
        => Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Copy_(Tensor.Zeros(4)), "copy_", "(3)", "(4)");

    [Fact]
    public void Clamp_InPlace()
    {
        var x = F(-2, 0.5f, 3);
        Assert.Same(x, x.Clamp_(-1, 1));
        Assert.Equal([-1f, 0.5f, 1], x.ToArray());
        var m = Seq(2, 3);
        m.T.Narrow(0, 1, 2).Clamp_(max: 2); // columns 1 and 2
        Assert.Equal([0f, 1, 2, 3, 2, 2], m.ToArray());
        var l = Tensor.From(new long[] { -5, 5 });
        l.Clamp_(min: 0);
        Assert.Equal([0L, 5], l.ToArray<long>());
        Check.Throws<ArgumentException>(() => F(1).Clamp_(), "clamp", "'min' or 'max'");
    }

    [Fact]
    public void NormalAndUniform_AreSeeded()
    {
        var a = Tensor.Zeros(100).Normal_(2, 3, new Generator(4));
        var b = Tensor.Zeros(100).Normal_(2, 3, new Generator(4));
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), Tensor.Zeros(100).Normal_(2, 3, new Generator(5)).ToArray());
        var u = Tensor.Zeros([1000], DType.Float64).Uniform_(-2, 5, new Generator(6));
        Assert.All(u.ToArray<double>(), v => Assert.True(v >= -2 && v < 5));
        Assert.Equal(u.ToArray<double>(), Tensor.Zeros([1000], DType.Float64).Uniform_(-2, 5, new Generator(6)).ToArray<double>());
        var n = Tensor.Zeros([20_000], DType.Float64).Normal_(2, 3, new Generator(7));
        Assert.InRange(n.Mean().Item(), 1.9, 2.1);
        Assert.InRange(n.Std().Item(), 2.9, 3.1);
    }

    [Fact]
    public void NormalAndUniform_OnAView_TouchOnlyTheView()
    {
        var x = Tensor.Zeros(4, 5);
        x.Narrow(1, 1, 2).Uniform_(1, 2, new Generator(8));
        var v = x.ToArray();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 5; j++)
            {
                if (j is 1 or 2) Assert.InRange(v[i * 5 + j], 1f, 2f);
                else Assert.Equal(0f, v[i * 5 + j]);
            }
        var y = Tensor.Zeros(3, 4);
        y.T.Select(0, 3).Normal_(0, 1, new Generator(9));
        Assert.Equal(Tensor.Zeros(3).Normal_(0, 1, new Generator(9)).ToArray(), y.Select(1, 3).ToArray());
        Assert.All(y.Narrow(1, 0, 3).ToArray(), e => Assert.Equal(0f, e));
    }

    [Fact]
    public void NormalAndUniform_RejectBadArguments()
    {
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2).Normal_(0, -1), "normal_", "std", "-1");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2).Uniform_(2, 1), "uniform_", "from=2", "to=1");
        Check.Throws<ArgumentException>(() => Tensor.Zeros([2], DType.Int64).Normal_(), "normal_", "torch.int64");
    }

    [Fact]
    public void VersionCounter_IncrementsOnEveryInPlaceOp_AndIsSharedByViews()
    {
        var x = Seq(2, 3);
        var view = x.T;
        int v0 = x.Version;
        x.Add_(1);
        Assert.Equal(v0 + 1, x.Version);
        view.Mul_(2);
        Assert.Equal(v0 + 2, x.Version);
        Assert.Equal(x.Version, view.Version);
        x.Fill_(0); x.Zero_(); x.Copy_(F(1, 2, 3)); x.Clamp_(0, 1); x.Normal_(generator: new Generator(1)); x.Uniform_(generator: new Generator(1));
        x.Sub_(F(1, 1, 1)); x.Div_(2);
        Assert.Equal(v0 + 10, x.Version);
        var y = x + 1;
        Assert.Equal(v0 + 10, x.Version);
        Assert.Equal(0, y.Version);
    }

    [Fact]
    public void OnAnExpandedTarget_IsAnError()
    {
        // Several elements of an expanded tensor share one memory location; updating it in place would
        // apply the op once per alias (PyTorch refuses the same way).
        var x = Tensor.Zeros(1, 3);
        var e = x.Expand(4, 3);
        Check.Throws<InvalidOperationException>(() => e.Add_(1), "add_", "more than one element", "[4, 3]", "Clone()");
        Check.Throws<InvalidOperationException>(() => e.Mul_(Tensor.Ones(4, 3)), "mul_", "more than one element");
        Check.Throws<InvalidOperationException>(() => e.Copy_(Tensor.Ones(4, 3)), "copy_", "more than one element");
        Check.Throws<InvalidOperationException>(() => e.Normal_(), "normal_", "more than one element");
        Assert.Equal([0f, 0, 0], x.ToArray());
        e.Select(0, 1).Add_(1); // a single row of it is fine
        Assert.Equal([1f, 1, 1], x.ToArray());
    }

    [Fact]
    public void OnALeafThatRequiresGrad_IsAnError()
        => Check.Throws<InvalidOperationException>(() => Tensor.Zeros([2], requiresGrad: true).Add_(1), "add_", "leaf", "requires grad");
}
