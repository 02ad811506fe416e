namespace SharpGrad.Tests;

public class ComparisonTests
{
    private static Tensor F(params float[] v) => Tensor.From(v);
    private static Tensor L(params long[] v) => Tensor.From(v);
    private static bool[] B(Tensor t)
    {
        Assert.Equal(DType.Bool, t.DType);
        return t.ToArray<bool>();
    }

    [Fact]
    public void TensorComparisons_GiveBools()
    {
        var a = F(1, 2, 3);
        var b = F(2, 2, 2);
        Assert.Equal([false, true, false], B(a.Eq(b)));
        Assert.Equal([true, false, true], B(a.Ne(b)));
        Assert.Equal([true, false, false], B(a.Lt(b)));
        Assert.Equal([true, true, false], B(a.Le(b)));
        Assert.Equal([false, false, true], B(a.Gt(b)));
        Assert.Equal([false, true, true], B(a.Ge(b)));
        Assert.Equal(B(a.Lt(b)), B(a < b));
        Assert.Equal(B(a.Le(b)), B(a <= b));
        Assert.Equal(B(a.Gt(b)), B(a > b));
        Assert.Equal(B(a.Ge(b)), B(a >= b));
    }

    [Fact]
    public void ScalarComparisons_GiveBools()
    {
        var a = F(1, 2, 3);
        Assert.Equal([false, true, false], B(a.Eq(2)));
        Assert.Equal([true, false, true], B(a.Ne(2)));
        Assert.Equal([true, false, false], B(a.Lt(2)));
        Assert.Equal([true, true, false], B(a.Le(2)));
        Assert.Equal([false, false, true], B(a.Gt(2)));
        Assert.Equal([false, true, true], B(a.Ge(2)));
        Assert.Equal([true, true, false], B(a < 2.5));
        Assert.Equal([false, false, true], B(a > 2.5));
        Assert.Equal([true, true, false], B(a <= 2));
        Assert.Equal([false, true, true], B(a >= 2));
    }

    [Fact]
    public void Comparisons_Broadcast()
    {
        var col = F(1, 2, 3).View(3, 1);
        var row = F(1, 2, 3, 4);
        var lt = col.Lt(row);
        Assert.Equal([3, 4], lt.Shape);
        Assert.Equal([false, true, true, true, false, false, true, true, false, false, false, true], B(lt));
        Assert.Equal([true, false, false], B(F(5, 6, 7).Eq(Tensor.From(5.0))));
    }

    [Fact]
    public void Comparisons_AcrossDTypes()
    {
        Assert.Equal([true, false], B(L(1, 2).Eq(F(1, 2.5f))));
        Assert.Equal([false, true], B(L(1, 2).Gt(1.5)));
        Assert.Equal([true, false], B(Tensor.From(new[] { true, false }).Eq(L(1, 1))));
        Assert.Equal([true, false], B(Tensor.From(new[] { true, false }).Eq(Tensor.From(new[] { true, true }))));
        Assert.Equal([true], B(Tensor.From(new[] { 0.1 }).Eq(Tensor.From(0.1, DType.Float64))));
    }

    [Fact]
    public void Comparisons_OfLargeIntegers_AreExact()
    {
        // 2^24 + 1 is no float32; comparing an int64 tensor with an integral scalar must not round it to one.
        long big = (1L << 24) + 1;
        var x = L(big, big - 1, big + 1);
        Assert.Equal([true, false, false], B(x.Eq(big)));
        Assert.Equal([false, true, false], B(x.Lt(big)));
        Assert.Equal([true, false, true], B(x.Ge(big)));
        Assert.Equal([true, false, true], B(x.Gt(big - 1.0)));
    }

    [Fact]
    public void Comparisons_WithNaN()
    {
        var n = F(float.NaN, 1);
        Assert.Equal([false, true], B(n.Eq(n)));
        Assert.Equal([true, false], B(n.Ne(n)));
        Assert.Equal([false, false], B(n.Lt(F(2, 0))));
        Assert.Equal([false, true], B(n.Ge(F(0, 0))));
    }

    [Fact]
    public void Comparisons_OnNonContiguousInputs()
    {
        var g = new Generator(1);
        var a = Tensor.Randint(0, 3, [4, 5], g);
        var b = Tensor.Randint(0, 3, [5, 4], g);
        var av = a.ToArray<long>();
        var bv = b.ToArray<long>();
        var le = B(a.Le(b.T));
        var gt = B(a.Slice(1, 0, 3, 2).Gt(b.T.Slice(1, 0, 3, 2)));
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 5; j++) Assert.Equal(av[i * 5 + j] <= bv[j * 4 + i], le[i * 5 + j]);
            for (int j = 0; j < 3; j++) Assert.Equal(av[i * 5 + 2 * j] > bv[2 * j * 4 + i], gt[i * 3 + j]);
        }
    }

    [Fact]
    public void Comparisons_RejectMismatchedShapes()
        => Check.Throws<ArgumentException>(() => F(1, 2, 3).Lt(F(1, 2)), "lt: ", "size of tensor a (3) must match the size of tensor b (2)");

    [Fact]
    public void Where_PicksByCondition()
    {
        var c = Tensor.From(new[] { true, false, true });
        Assert.Equal([1f, 20, 3], Tensor.Where(c, F(1, 2, 3), F(10, 20, 30)).ToArray());
        Assert.Equal([1f, 0, 3], Tensor.Where(c, F(1, 2, 3), 0).ToArray());
        Assert.Equal([-1f, 20, -1], Tensor.Where(c, -1, F(10, 20, 30)).ToArray());
        Assert.Equal([1L, 20, 3], Tensor.Where(c, L(1, 2, 3), L(10, 20, 30)).ToArray<long>());
        Assert.Equal(DType.Float32, Tensor.Where(c, L(1, 2, 3), F(10, 20, 30)).DType);
    }

    [Fact]
    public void Where_BroadcastsAllThreeOperands()
    {
        var c = Tensor.From(new[] { true, false, true }).View(3, 1);   // [3, 1]
        var x = F(1, 2, 3, 4).View(1, 4);                              // [1, 4]
        var y = F(-1, -2, -3, -4).View(4).Unsqueeze(0).Unsqueeze(0);   // [1, 1, 4]
        var w = Tensor.Where(c, x, y);
        Assert.Equal([1, 3, 4], w.Shape);
        Assert.Equal([1f, 2, 3, 4, -1, -2, -3, -4, 1, 2, 3, 4], w.ToArray());
        var s = Tensor.Where(Tensor.From(false), x, Tensor.From(9.0));
        Assert.Equal([1, 4], s.Shape);
        Assert.Equal([9f, 9, 9, 9], s.ToArray());
    }

    [Fact]
    public void Where_OnNonContiguousOperands()
    {
        var m = F(1, 2, 3, 4, 5, 6).View(2, 3);
        var w = Tensor.Where(m.T.Gt(2.5), m.T, m.T.Neg());
        Assert.Equal([-1f, 4, -2, 5, 3, 6], w.ToArray());
    }

    [Fact]
    public void Where_RejectsNonBoolCondition()
        => Check.Throws<ArgumentException>(() => Tensor.Where(F(1, 0), F(1, 2), F(3, 4)),
            "where: expected condition to be a bool tensor, but got torch.float32");

    [Fact]
    public void Where_RejectsMismatchedShapes()
        => Check.Throws<ArgumentException>(() => Tensor.Where(Tensor.From(new[] { true, false }), F(1, 2, 3), 0), "where", "(2)", "(3)");

    [Fact]
    public void Clamp_MinMaxBoth()
    {
        var x = F(-2, -0.5f, 0.5f, 3);
        Assert.Equal([0f, 0, 0.5f, 3], x.Clamp(min: 0).ToArray());
        Assert.Equal([-2f, -0.5f, 0.5f, 1], x.Clamp(max: 1).ToArray());
        Assert.Equal([-1f, -0.5f, 0.5f, 1], x.Clamp(-1, 1).ToArray());
        Assert.Equal(x.Clamp(min: 0).ToArray(), x.ClampMin(0).ToArray());
        Assert.Equal(x.Clamp(max: 1).ToArray(), x.ClampMax(1).ToArray());
        Assert.Equal([2f, 2, 2, 2], x.Clamp(3, 2).ToArray()); // min > max: everything becomes max, as in PyTorch
        Assert.Equal([-2f, -0.5f, 0.5f, 3], x.ToArray());
    }

    [Fact]
    public void Clamp_PropagatesNaNAndKeepsDType()
    {
        Check.Close(F(float.NaN, 5).Clamp(0, 1), [double.NaN, 1]);
        var d = Tensor.From(new[] { -1.0, 2.0 }).Clamp(0, 1);
        Assert.Equal(DType.Float64, d.DType);
        var i = L(-3, 4, 10).Clamp(0, 5);
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal([0L, 4, 5], i.ToArray<long>());
        Assert.Equal(DType.Float32, L(-3, 4).Clamp(min: 0.5).DType);
    }

    [Fact]
    public void Clamp_OnNonContiguousInput()
    {
        var m = F(-3, -2, -1, 0, 1, 2, 3, 4).View(2, 4);
        Assert.Equal([-1f, 1, -1, 2, -1, 2, 0, 2], m.T.Clamp(-1, 2).ToArray());
    }

    [Fact]
    public void Clamp_WithNeitherBound_IsAnError()
        => Check.Throws<ArgumentException>(() => F(1).Clamp(), "clamp", "at least one of 'min' or 'max'");

    [Fact]
    public void LogicalOps_TreatNonzeroAsTrue()
    {
        var a = Tensor.From(new[] { true, true, false, false });
        var b = Tensor.From(new[] { true, false, true, false });
        Assert.Equal([true, false, false, false], B(a.LogicalAnd(b)));
        Assert.Equal([true, true, true, false], B(a.LogicalOr(b)));
        Assert.Equal([false, false, true, true], B(a.LogicalNot()));
        var f = F(0, 2.5f, -1, float.NaN);
        Assert.Equal([true, false, false, false], B(f.LogicalNot()));
        Assert.Equal([false, true, false, true], B(f.LogicalAnd(L(1, 1, 0, 3))));
        Assert.Equal([true, true, true, true], B(f.LogicalOr(Tensor.From(true))));
    }

    [Fact]
    public void LogicalOps_Broadcast()
    {
        var col = Tensor.From(new[] { true, false }).View(2, 1);
        var row = Tensor.From(new[] { true, false, true });
        Assert.Equal([true, false, true, false, false, false], B(col.LogicalAnd(row)));
        Assert.Equal([true, true, true, true, false, true], B(col.LogicalOr(row)));
        Assert.Equal([2, 3], col.LogicalOr(row).Shape);
    }
}
