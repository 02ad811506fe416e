using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>In-place ops and autograd: leaf checks, the version counter against tensors saved for backward, in-place ops on graph tensors.</summary>
public class VersionCounterTests
{
    private static Tensor Leaf(params double[] values) => Tensor.From(values, DType.Float64, requiresGrad: true);

    [Fact]
    public void InPlaceOnLeafRequiringGrad_OutsideNoGrad_ThrowsNamingLeafAndNoGrad()
    {
        var a = Leaf(1, 2);
        var other = Tensor.From(new[] { 1.0, 1.0 }, DType.Float64);
        foreach (var (op, call) in new (string, Action)[]
                 {
                     ("sub_", () => a.Sub_(other)), ("add_", () => a.Add_(1.0)), ("mul_", () => a.Mul_(2.0)), ("div_", () => a.Div_(other)),
                     ("fill_", () => a.Fill_(0)), ("zero_", () => a.Zero_()), ("copy_", () => a.Copy_(other)), ("clamp_", () => a.Clamp_(0, 1)),
                     ("normal_", () => a.Normal_()), ("uniform_", () => a.Uniform_()),
                 })
        {
            var ex = Check.Throws<InvalidOperationException>(call, "leaf", "NoGrad", "[2]");
            Assert.Contains(op == "zero_" ? "fill_" : op, ex.Message);
        }
        Check.Close(a, [1, 2]);
        Assert.Equal(0, a.Version);
    }

    [Fact]
    public void InPlaceOnLeaf_InsideNoGrad_UpdatesAndKeepsItALeafThatRequiresGrad()
    {
        // The course's `a -= lr * a.grad` under torch.no_grad().
        var a = Leaf(1, 2);
        (a * a).Sum().Backward();
        using (Tensor.NoGrad()) a.Sub_(0.1 * a.Grad!);
        Check.Close(a, [0.8, 1.6]);
        Assert.True(a.IsLeaf);
        Assert.True(a.RequiresGrad);
        Assert.Equal(1, a.Version);
        a.Grad = null;
        (a * a).Sum().Backward();
        Check.Close(a.Grad!, [1.6, 3.2]);
    }

    [Fact]
    public void Version_CountsInPlaceOpsAndIsSharedByViews()
    {
        var t = Tensor.Zeros([2, 3], DType.Float64);
        var view = t.Narrow(1, 0, 2);
        var detached = t.Detach();
        Assert.Equal(0, t.Version);
        t.Add_(1.0);
        view.Mul_(2.0);
        detached.Fill_(3);
        Assert.Equal(3, t.Version);
        Assert.Equal(3, view.Version);
        Assert.Equal(3, detached.Version);
        var copy = t.Clone();
        Assert.Equal(0, copy.Version);
    }

    [Fact]
    public void ModifiedSavedResult_MakesBackwardThrowNamingOpAndVersions()
    {
        var x = Leaf(1, 2, 3);
        var y = x.Exp();
        using (Tensor.NoGrad()) y.Mul_(2.0);
        Check.Throws<InvalidOperationException>(() => y.Sum().Backward(),
            "modified by an inplace operation", "ExpBackward0", "[3]", "version 1", "expected version 0");
    }

    [Fact]
    public void ModifiedSavedInput_MakesBackwardThrowNamingOpAndVersions()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        var z = a * b;
        using (Tensor.NoGrad()) a.Add_(1.0);
        Check.Throws<InvalidOperationException>(() => z.Sum().Backward(), "MulBackward0", "self", "version 1", "expected version 0");
    }

    [Fact]
    public void ModifiedConstantSavedForAnotherInputsGradient_MakesBackwardThrow()
    {
        var a = Leaf(1, 2);
        var c = Tensor.From(new[] { 3.0, 4.0 }, DType.Float64);
        var z = a * c;
        c.Add_(1.0);
        Check.Throws<InvalidOperationException>(() => z.Sum().Backward(), "MulBackward0", "other");
    }

    [Fact]
    public void ModifiedTensorNotNeededForBackward_IsFine()
    {
        // a * c with only a requiring grad needs c, not a: changing a afterwards does not matter (as in PyTorch).
        var a = Leaf(1, 2);
        var c = Tensor.From(new[] { 3.0, 4.0 }, DType.Float64);
        var z = a * c;
        using (Tensor.NoGrad()) a.Mul_(10.0);
        z.Sum().Backward();
        Check.Close(a.Grad!, [3, 4]);
    }

    [Fact]
    public void ModifiedInputOfAddition_IsFineBecauseAddSavesNothing()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        var z = (a + b) * 2.0;
        using (Tensor.NoGrad()) a.Add_(1.0);
        z.Sum().Backward();
        Check.Close(a.Grad!, [2, 2]);
    }

    [Fact]
    public void InPlaceOnNonLeaf_InsideAutograd_GivesCorrectGradients()
    {
        var x = Leaf(1, -2, 3);
        var y = x * 2.0;
        y.Add_(1.0);
        Assert.False(y.IsLeaf);
        Assert.Equal("AddBackward0", y.GradFn!.Name);
        y.Sum().Backward();
        Check.Close(x.Grad!, [2, 2, 2]);
    }

    [Fact]
    public void InPlaceChainOnNonLeaf_GivesCorrectGradients()
    {
        // y = 2x; y *= x; y -= x; y /= 2  ->  (2x^2 - x) / 2, derivative 2x - 0.5.
        var x = Leaf(1, -2, 3);
        var y = x * 2.0;
        y.Mul_(x);
        y.Sub_(x);
        y.Div_(2.0);
        Check.Close(y, [0.5, 5, 7.5]);
        y.Sum().Backward();
        Check.Close(x.Grad!, [1.5, -4.5, 5.5]);
        Check.Gradients(t =>
        {
            var h = t[0] * 2.0;
            h.Mul_(t[0]);
            h.Sub_(t[0]);
            return h.Div_(2.0);
        }, GradInputs.Leaf(1, 2, 3));
    }

    [Fact]
    public void InPlaceOnNonLeafSavedByAnotherOp_MakesBackwardThrow()
    {
        var x = Leaf(1, 2);
        var y = x * 2.0;
        var z = y * y;
        y.Add_(1.0);
        Check.Throws<InvalidOperationException>(() => z.Sum().Backward(), "MulBackward0", "version");
    }

    [Fact]
    public void InPlaceOnNonLeafWhoseOldValueIsNotSaved_IsFine()
    {
        // exp saves its result, not its input, so changing the input afterwards is fine.
        var x = Leaf(0, 1);
        var y = x * 2.0;
        var h = y.Exp();
        y.Add_(1.0);
        (h.Sum() + y.Sum()).Backward();
        Check.Close(x.Grad!, [2 * Math.Exp(0) + 2, 2 * Math.Exp(2) + 2]);
    }

    [Fact]
    public void InPlaceWithOperandRequiringGrad_OnPlainTensor_JoinsTheGraph()
    {
        var x = Leaf(1, 2, 3);
        var acc = Tensor.Zeros([2, 3], DType.Float64);
        acc.Add_(x);
        acc.Mul_(x);
        Assert.True(acc.RequiresGrad);
        acc.Sum().Backward();
        Check.Close(x.Grad!, [4, 8, 12]);
    }

    [Fact]
    public void ClampInPlaceAndCopyInPlace_InsideAutograd_GiveCorrectGradients()
    {
        var x = Leaf(-2, 0.5, 3);
        var y = x * 1.0;
        y.Clamp_(-1, 1);
        y.Sum().Backward();
        Check.Close(x.Grad!, [0, 1, 0]);

        var src = Leaf(1, 2, 3);
        var dst = Tensor.Zeros([2, 3], DType.Float64);
        dst.Copy_(src);
        (dst * 2.0).Sum().Backward();
        Check.Close(src.Grad!, [4, 4, 4]);
    }

    [Fact]
    public void FillInPlaceOnNonLeaf_InsideAutograd_GivesTheOldValueZeroGradient()
    {
        var x = Leaf(1, 2, 3);
        var y = x * 2.0;
        y.Fill_(5);
        Check.Close(y, [5, 5, 5]);
        Assert.True(y.RequiresGrad);
        (y * x).Sum().Backward();
        Check.Close(x.Grad!, [5, 5, 5]);
        x.Grad = null;
        var z = x * 2.0;
        z.Zero_();
        (z + x).Sum().Backward();
        Check.Close(x.Grad!, [1, 1, 1]);
    }

    [Fact]
    public void RandomFillInPlaceOnNonLeaf_InsideAutograd_GivesTheOldValueZeroGradient()
    {
        var x = Leaf(1, 2, 3);
        var y = x * 2.0;
        y.Normal_(generator: new Generator(3));
        var sampled = y.Detach().Clone();
        (y * x).Sum().Backward();
        Check.Close(x.Grad!, sampled.ToArray<double>());
        x.Grad = null;
        var u = x * 2.0;
        u.Uniform_(4, 5, new Generator(4));
        u.Sum().Backward();
        Check.Close(x.Grad!, [0, 0, 0]);
    }

    [Fact]
    public void FillInPlaceOnViewInsideAutograd_ThrowsInsteadOfAWrongGradient()
    {
        var x = Leaf(1, 2, 3);
        var y = x * 2.0;
        Check.Throws<InvalidOperationException>(() => y.Select(0, 0).Fill_(0), "fill_", "view");
        Check.Throws<InvalidOperationException>(() => y.Narrow(0, 1, 2).Normal_(), "normal_", "view");
        Check.Close(y, [2, 4, 6]);
    }

    [Fact]
    public void ModifiedWhereCondition_MakesBackwardThrow()
    {
        var x = Leaf(1, -2, 3);
        var cond = x.Detach().Gt(0.0);
        var y = Tensor.Where(cond, x, 0.0);
        cond.Fill_(1);
        Check.Throws<InvalidOperationException>(() => y.Sum().Backward(), "WhereBackward0", "condition");
    }

    [Fact]
    public void ModifiedMaxIndices_MakeBackwardThrow()
    {
        var x = Tensor.From(new double[,] { { 1, 5 }, { 7, 0 } }, requiresGrad: true);
        var (values, indices) = x.Max(1);
        indices.Fill_(0);
        Check.Throws<InvalidOperationException>(() => values.Sum().Backward(), "MaxBackward0", "indices");
    }

    [Fact]
    public void ModifiedDividend_IsFineWhenOnlyItRequiresGrad()
    {
        var a = Leaf(1, 2);
        var c = Tensor.From(new[] { 4.0, 8.0 }, DType.Float64);
        var z = a / c;
        using (Tensor.NoGrad()) a.Mul_(10.0);
        z.Sum().Backward();
        Check.Close(a.Grad!, [0.25, 0.125]);
        var b = Leaf(4, 8);
        var w = a / b;
        using (Tensor.NoGrad()) a.Mul_(10.0);
        Check.Throws<InvalidOperationException>(() => w.Sum().Backward(), "DivBackward0", "self");
    }

    [Fact]
    public void InPlaceOnViewInsideAutograd_ThrowsNamingTheOp()
    {
        var x = Leaf(1, 2, 3);
        var y = x * 2.0;
        Check.Throws<InvalidOperationException>(() => y.Narrow(0, 0, 2).Add_(1.0), "add_", "view", "NoGrad");
    }

    [Fact]
    public void RequiresGrad_OnIntegerOrBool_Throws()
    {
        Check.Throws<InvalidOperationException>(() => Tensor.Arange(3).RequiresGrad_(), "requires_grad_", "floating point", "int64");
        Check.Throws<InvalidOperationException>(() => Tensor.From(new[] { true }).RequiresGrad_(), "bool");
        Check.Throws<InvalidOperationException>(() => Tensor.Arange(3).RequiresGrad = true, "int64");
        Tensor.Arange(3).RequiresGrad_(false);
    }

    [Fact]
    public void RequiresGradFalse_OnNonLeaf_Throws()
    {
        var y = Leaf(1, 2) * 2.0;
        Check.Throws<InvalidOperationException>(() => y.RequiresGrad_(false), "leaf", "Detach");
        Assert.Same(y, y.RequiresGrad_());
    }
}
