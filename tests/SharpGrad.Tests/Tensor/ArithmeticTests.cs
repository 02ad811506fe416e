namespace SharpGrad.Tests;

public class ArithmeticTests
{
    private static Tensor F(params float[] v) => Tensor.From(v);
    private static Tensor D(params double[] v) => Tensor.From(v);
    private static Tensor L(params long[] v) => Tensor.From(v);

    /// <summary>Applies f element by element to equally shaped float64 arrays: the reference for binary ops.</summary>
    private static double[] Zip(double[] a, double[] b, Func<double, double, double> f)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = f(a[i], b[i]);
        return r;
    }

    [Fact]
    public void AddSubMulDiv_Float32()
    {
        var a = F(1, -2, 3.5f, 0);
        var b = F(4, 0.5f, -1, 2);
        Assert.Equal([5f, -1.5f, 2.5f, 2], (a + b).ToArray());
        Assert.Equal([-3f, -2.5f, 4.5f, -2], (a - b).ToArray());
        Assert.Equal([4f, -1, -3.5f, 0], (a * b).ToArray());
        Assert.Equal([0.25f, -4, -3.5f, 0], (a / b).ToArray());
        Assert.Equal(DType.Float32, (a + b).DType);
        Assert.Equal((a + b).ToArray(), a.Add(b).ToArray());
        Assert.Equal((a - b).ToArray(), a.Sub(b).ToArray());
        Assert.Equal((a * b).ToArray(), a.Mul(b).ToArray());
        Assert.Equal((a / b).ToArray(), a.Div(b).ToArray());
    }

    [Fact]
    public void AddSubMulDiv_Float64_MatchDoubleArithmetic()
    {
        var g = new Generator(1);
        var a = Tensor.Randn([37], g, DType.Float64);
        var b = Tensor.Randn([37], g, DType.Float64);
        var x = a.ToArray<double>();
        var y = b.ToArray<double>();
        Assert.Equal(Zip(x, y, (p, q) => p + q), (a + b).ToArray<double>());
        Assert.Equal(Zip(x, y, (p, q) => p - q), (a - b).ToArray<double>());
        Assert.Equal(Zip(x, y, (p, q) => p * q), (a * b).ToArray<double>());
        Assert.Equal(Zip(x, y, (p, q) => p / q), (a / b).ToArray<double>());
    }

    [Fact]
    public void AddSubMul_Int64_StayInt64()
    {
        var a = L(7, -3, long.MaxValue / 2);
        var b = L(2, 5, 1);
        Assert.Equal([9L, 2, long.MaxValue / 2 + 1], (a + b).ToArray<long>());
        Assert.Equal([5L, -8, long.MaxValue / 2 - 1], (a - b).ToArray<long>());
        Assert.Equal([14L, -15, long.MaxValue / 2], (a * b).ToArray<long>());
        Assert.Equal(DType.Int64, (a * b).DType);
    }

    [Fact]
    public void Div_OfIntegers_IsTrueDivisionInFloat32()
    {
        var q = L(7, -7, 1) / L(2, 2, 3);
        Assert.Equal(DType.Float32, q.DType);
        Assert.Equal([3.5f, -3.5f, 1f / 3], q.ToArray());
        var s = L(7) / 2;
        Assert.Equal(DType.Float32, s.DType);
        Assert.Equal([3.5f], s.ToArray());
    }

    [Fact]
    public void Div_ByZero_GivesInfinityAndNaN()
        => Check.Close(F(1, -1, 0) / F(0, 0, 0), [double.PositiveInfinity, double.NegativeInfinity, double.NaN]);

    [Fact]
    public void DoubleScalars_OnEitherSide()
    {
        var x = F(1, 2, 4);
        Assert.Equal([2.5f, 3.5f, 5.5f], (x + 1.5).ToArray());
        Assert.Equal([2.5f, 3.5f, 5.5f], (1.5 + x).ToArray());
        Assert.Equal([-0.5f, 0.5f, 2.5f], (x - 1.5).ToArray());
        Assert.Equal([0.5f, -0.5f, -2.5f], (1.5 - x).ToArray());
        Assert.Equal([2.5f, 5, 10], (x * 2.5).ToArray());
        Assert.Equal([2.5f, 5, 10], (2.5 * x).ToArray());
        Assert.Equal([0.5f, 1, 2], (x / 2.0).ToArray());
        Assert.Equal([2f, 1, 0.5f], (2.0 / x).ToArray());
        Assert.Equal([2.5f, 3.5f, 5.5f], x.Add(1.5).ToArray());
        Assert.Equal([-0.5f, 0.5f, 2.5f], x.Sub(1.5).ToArray());
        Assert.Equal([2.5f, 5, 10], x.Mul(2.5).ToArray());
        Assert.Equal([0.5f, 1, 2], x.Div(2.0).ToArray());
        Assert.Equal(DType.Float32, (x * 2.5).DType);
        Assert.Equal(DType.Float64, (D(1) * 2.5).DType);
    }

    [Fact]
    public void IntScalars_OnEitherSide()
    {
        var x = L(1, 2, 4);
        Assert.Equal([3L, 4, 6], (x + 2).ToArray<long>());
        Assert.Equal([3L, 4, 6], (2 + x).ToArray<long>());
        Assert.Equal([-1L, 0, 2], (x - 2).ToArray<long>());
        Assert.Equal([1L, 0, -2], (2 - x).ToArray<long>());
        Assert.Equal([3L, 6, 12], (x * 3).ToArray<long>());
        Assert.Equal([3L, 6, 12], (3 * x).ToArray<long>());
        Assert.Equal([0.5f, 1, 2], (x / 2).ToArray());
        Assert.Equal([4f, 2, 1], (4 / x).ToArray());
        var f = F(1.5f);
        Assert.Equal([3.5f], (f + 2).ToArray());
        Assert.Equal(DType.Float32, (f + 2).DType);
        Assert.Equal([0.5f], (2 - f).ToArray());
    }

    [Fact]
    public void Broadcast_ColumnPlusRow()
    {
        var col = F(0, 10, 20).View(3, 1);
        var row = F(1, 2, 3, 4).View(1, 4);
        var s = col + row;
        Assert.Equal([3, 4], s.Shape);
        Assert.Equal([1f, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24], s.ToArray());
        Assert.Equal([-1f, -2, -3, -4, 9, 8, 7, 6, 19, 18, 17, 16], (col - row).ToArray());
        Assert.Equal([1f, 2, 3, 4, -9, -8, -7, -6, -19, -18, -17, -16], (row - col).ToArray());
    }

    [Fact]
    public void Broadcast_MatrixPlusVectorAndScalarTensor()
    {
        var m = F(1, 2, 3, 4, 5, 6).View(2, 3);
        var v = F(10, 20, 30);
        Assert.Equal([11f, 22, 33, 14, 25, 36], (m + v).ToArray());
        Assert.Equal([11f, 22, 33, 14, 25, 36], (v + m).ToArray());
        Assert.Equal([10f, 10, 10, 2.5f, 4, 5], (v / m).ToArray());
        var s = Tensor.From(2.0);
        Assert.Equal([2, 3], (m * s).Shape);
        Assert.Equal([2f, 4, 6, 8, 10, 12], (m * s).ToArray());
        Assert.Equal([1f, 0, -1, -2, -3, -4], (s - m).ToArray());
        var ss = s + Tensor.From(3.0);
        Assert.Empty(ss.Shape);
        Assert.Equal(5.0, ss.Item());
        Assert.Equal([2, 0], (Tensor.Zeros(2, 0) + Tensor.Zeros(1)).Shape);
    }

    [Fact]
    public void Broadcast_ThreeDims_MatchesAnIndexLoop()
    {
        var g = new Generator(2);
        var a = Tensor.Randn([4, 1, 3], g, DType.Float64);
        var b = Tensor.Randn([5, 1], g, DType.Float64);
        var y = (a * b).ToArray<double>();
        var av = a.ToArray<double>();
        var bv = b.ToArray<double>();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 5; j++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(av[i * 3 + k] * bv[j], y[(i * 5 + j) * 3 + k]);
    }

    [Theory]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("div")]
    [InlineData("pow")]
    [InlineData("maximum")]
    [InlineData("minimum")]
    public void Broadcast_MismatchNamesOpAndSizes(string op)
    {
        var a = Tensor.Zeros(2, 3);
        var b = Tensor.Zeros(2, 4);
        Action call = op switch
        {
            "add" => () => a.Add(b),
            "sub" => () => a.Sub(b),
            "mul" => () => a.Mul(b),
            "div" => () => a.Div(b),
            "pow" => () => a.Pow(b),
            "maximum" => () => a.Maximum(b),
            _ => () => a.Minimum(b),
        };
        Check.Throws<ArgumentException>(call, $"{op}: ",
            "size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", "[2, 3]", "[2, 4]");
    }

    [Fact]
    public void Operators_ReportBroadcastErrors()
        => Check.Throws<ArgumentException>(() => _ = Tensor.Zeros(3) + Tensor.Zeros(4), "add", "(3)", "(4)", "dimension 0");

    [Fact]
    public void TypePromotion_FollowsPyTorch()
    {
        Assert.Equal(DType.Float32, (L(1) + F(1)).DType);
        Assert.Equal(DType.Float32, (F(1) + L(1)).DType);
        Assert.Equal(DType.Float64, (F(1) + D(1)).DType);
        Assert.Equal(DType.Float32, (L(1) / L(1)).DType);
        Assert.Equal(DType.Float32, (F(1, 2) + Tensor.From(0.1, DType.Float64)).DType);
        Assert.Equal(DType.Float32, (Tensor.From(0.1, DType.Float64) * F(1, 2)).DType);
        Assert.Equal(DType.Float64, (Tensor.From(0.1, DType.Float64) * Tensor.From(1.0)).DType);
        Assert.Equal(DType.Float32, (L(1, 2) * 2.5).DType);
        Assert.Equal([2.5f, 5f], (L(1, 2) * 2.5).ToArray());
        Assert.Equal(DType.Int64, (L(1, 2) + 2).DType);
        Assert.Equal(DType.Float32, (L(1, 2) + Tensor.From(1.0)).DType);
        Assert.Equal(DType.Float64, (L(1, 2) + Tensor.From(1.0, DType.Float64)).DType);
        Assert.Equal(DType.Int64, (L(1, 2) + Tensor.From(true)).DType);

        var t = Tensor.From(new[] { true, false });
        var sum = t + Tensor.From(new[] { true, true });
        Assert.Equal(DType.Int64, sum.DType);
        Assert.Equal([2L, 1], sum.ToArray<long>());
        Assert.Equal(DType.Float32, (t * 1.5).DType);
        Assert.Equal(DType.Int64, (t + 1).DType);
    }

    [Fact]
    public void NonContiguousOperands_GiveTheSameValuesAsContiguousCopies()
    {
        var g = new Generator(3);
        var a = Tensor.Randn([5, 6], g);
        var b = Tensor.Randn([6, 5], g);
        var bt = b.T;                      // transposed
        var aStep = Tensor.Randn([5, 12], g).Slice(1, 1, 6, 2); // every other column
        var aNarrow = Tensor.Randn([7, 8], g).Narrow(0, 1, 5).Narrow(1, 2, 6);
        foreach (var x in new[] { a, aStep, aNarrow })
        {
            var xc = x.Contiguous();
            var btc = bt.Contiguous();
            Assert.Equal((xc + btc).ToArray(), (x + bt).ToArray());
            Assert.Equal((xc - btc).ToArray(), (x - bt).ToArray());
            Assert.Equal((xc * btc).ToArray(), (x * bt).ToArray());
            Assert.Equal((xc / btc).ToArray(), (x / bt).ToArray());
            Assert.Equal((btc - xc).ToArray(), (bt - x).ToArray());
            Assert.Equal((xc * 3.0).ToArray(), (x * 3.0).ToArray());
            Assert.Equal((xc + btc.Select(0, 2)).ToArray(), (x + bt.Select(0, 2)).ToArray()); // broadcast strided row
        }
        // And against a slow loop.
        var av = aStep.ToArray();
        var bv = b.ToArray();
        var y = (aStep * bt).ToArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(av[i * 6 + j] * bv[j * 5 + i], y[i * 6 + j]);
    }

    [Fact]
    public void ExpandedOperands_Work()
    {
        var a = F(1, 2, 3).Expand(2, 3);
        var b = F(10, 20).View(2, 1).Expand(2, 3);
        Assert.Equal([11f, 12, 13, 21, 22, 23], (a + b).ToArray());
    }

    [Fact]
    public void Pow_ScalarExponents()
    {
        var x = F(1, 2, 3, 4);
        Assert.Equal([1f, 4, 9, 16], x.Pow(2).ToArray());
        Assert.Equal([1f, 8, 27, 64], x.Pow(3).ToArray());
        Check.Close(x.Pow(0.5), [1, Math.Sqrt(2), Math.Sqrt(3), 2], 1e-6);
        Check.Close(x.Pow(-1), [1, 0.5, 1.0 / 3, 0.25], 1e-6);
        Assert.Equal([1f, 1, 1, 1], x.Pow(0).ToArray());
        Assert.Equal([1f], F(0).Pow(0).ToArray());
        Assert.Equal([-8f, 4f], F(-2, 2).Pow(3).Mul(F(1, 0.5f)).ToArray());
        Check.Close(F(-4).Pow(0.5), [double.NaN]);
        Check.Close(F(0).Pow(-1), [double.PositiveInfinity]);
        Assert.Equal([0.25, 6.25], D(0.5, 2.5).Pow(2).ToArray<double>());
        Assert.Equal([0.125], D(0.5).Pow(3).ToArray<double>());
    }

    [Fact]
    public void Pow_OfIntegerTensor_WithIntegralExponentStaysInt64()
    {
        // PyTorch: torch.tensor([1, 2, 3]) ** 2 is int64; a fractional exponent gives float32.
        var x = L(1, 2, 3);
        Assert.Equal(DType.Int64, x.Pow(2).DType);
        Assert.Equal([1L, 4, 9], x.Pow(2).ToArray<long>());
        Assert.Equal([1L, 8, 27], x.Pow(3).ToArray<long>());
        Assert.Equal(DType.Float32, x.Pow(0.5).DType);
        Check.Close(x.Pow(0.5), [1, Math.Sqrt(2), Math.Sqrt(3)], 1e-6);
        Check.Throws<ArgumentException>(() => x.Pow(-1), "pow", "negative");
    }

    [Fact]
    public void Pow_TensorExponent_Broadcasts()
    {
        var x = F(2, 3);
        Assert.Equal([4f, 27], x.Pow(F(2, 3)).ToArray());
        var e = F(0, 1, 2).View(3, 1);
        var y = x.Pow(e);
        Assert.Equal([3, 2], y.Shape);
        Assert.Equal([1f, 1, 2, 3, 4, 9], y.ToArray());
        Assert.Equal([1L, 8, 81], L(1, 2, 3).Pow(L(0, 3, 4)).ToArray<long>());
        Assert.Equal(DType.Float32, L(2).Pow(F(0.5f)).DType);
    }

    [Fact]
    public void Pow_PolynomialFeaturesOfTheCourse()
    {
        // x.unsqueeze(-1).pow(p) with p = [1, 2, 3]: the features of the cubic fit.
        var x = Tensor.Linspace(-2, 2, 5);
        var p = F(1, 2, 3);
        var features = x.Unsqueeze(-1).Pow(p);
        Assert.Equal([5, 3], features.Shape);
        var xv = x.ToArray();
        var fv = features.ToArray();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(Math.Pow(xv[i], j + 1), fv[i * 3 + j], 5);
        Assert.Equal([-2f, 4, -8], features.Select(0, 0).ToArray());
    }

    [Fact]
    public void Pow_OnNonContiguousInput()
    {
        var x = Tensor.Randn([4, 6], new Generator(4));
        Assert.Equal(x.Contiguous().T.Contiguous().Pow(3).ToArray(), x.T.Pow(3).ToArray());
        Assert.Equal(x.Slice(1, 0, 3, 2).Contiguous().Pow(2).ToArray(), x.Slice(1, 0, 3, 2).Pow(2).ToArray());
    }

    [Fact]
    public void Square_IsPowTwo()
    {
        Assert.Equal([4f, 0.25f, 9], F(-2, 0.5f, 3).Square().ToArray());
        Assert.Equal([4L, 9], L(-2, 3).Square().ToArray<long>());
    }

    [Fact]
    public void MaximumMinimum_Values()
    {
        var a = F(1, 5, -3, 2);
        var b = F(4, 2, -7, 2);
        Assert.Equal([4f, 5, -3, 2], a.Maximum(b).ToArray());
        Assert.Equal([1f, 2, -7, 2], a.Minimum(b).ToArray());
        Assert.Equal(a.Maximum(b).ToArray(), Tensor.Max(a, b).ToArray());
        Assert.Equal(a.Minimum(b).ToArray(), Tensor.Min(a, b).ToArray());
        Assert.Equal(a.Maximum(b).ToArray(), a.Max(b).ToArray());
        Assert.Equal(a.Minimum(b).ToArray(), a.Min(b).ToArray());
        Assert.Equal([3L, 7], L(3, -1).Maximum(L(1, 7)).ToArray<long>());
        Assert.Equal(DType.Int64, L(3).Minimum(L(1)).DType);
    }

    [Fact]
    public void MaximumMinimum_PropagateNaN()
    {
        var a = F(float.NaN, 1, float.NaN);
        var b = F(0, float.NaN, float.NaN);
        Check.Close(a.Maximum(b), [double.NaN, double.NaN, double.NaN]);
        Check.Close(a.Minimum(b), [double.NaN, double.NaN, double.NaN]);
        Check.Close(F(float.NaN, 2).Maximum(Tensor.From(1.0)), [double.NaN, 2]);
        // Long rows go through the vectorised path; NaN must survive it.
        var x = Tensor.Zeros(100);
        x.Narrow(0, 57, 1).Fill_(float.NaN);
        var y = x.Maximum(Tensor.Ones(100)).ToArray();
        Assert.True(float.IsNaN(y[57]));
        Assert.Equal(99, y.Count(v => v == 1f));
        Assert.True(float.IsNaN(x.Minimum(Tensor.From(-1.0)).ToArray()[57]));
    }

    [Fact]
    public void MaximumMinimum_WithZeroDimOperandAndBroadcast()
    {
        var x = F(-2, 0.5f, 3);
        Assert.Equal([0f, 0.5f, 3], x.Maximum(Tensor.From(0.0)).ToArray());
        Assert.Equal([0f, 0.5f, 3], Tensor.From(0.0).Maximum(x).ToArray());
        Assert.Equal([-2f, 0.5f, 1], x.Minimum(Tensor.From(1.0)).ToArray());
        var m = x.View(3, 1).Maximum(F(0, 1));
        Assert.Equal([3, 2], m.Shape);
        Assert.Equal([0f, 1, 0.5f, 1, 3, 3], m.ToArray());
        Assert.Equal(x.T.ToArray(), x.T.Maximum(x).ToArray());
    }

    [Fact]
    public void Neg_Operator()
    {
        Assert.Equal([-1f, 2, -0f], (-F(1, -2, 0)).ToArray());
        Assert.Equal([-1L, 2], (-L(1, -2)).ToArray<long>());
    }
}
