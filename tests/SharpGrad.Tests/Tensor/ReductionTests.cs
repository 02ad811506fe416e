namespace SharpGrad.Tests;

public class ReductionTests
{
    private static Tensor F(params float[] v) => Tensor.From(v);

    /// <summary>
    /// Reference reduction by brute force: for each output position (reduced dims pinned to 0),
    /// gather the input elements that map to it and apply <paramref name="f"/>.
    /// </summary>
    private static double[] Ref(double[] x, int[] shape, int[] dims, Func<List<double>, double> f)
    {
        var norm = dims.Select(d => d < 0 ? d + shape.Length : d).ToHashSet();
        var outShape = shape.Select((s, d) => norm.Contains(d) ? 1 : s).ToArray();
        int outN = outShape.Aggregate(1, (a, b) => a * b);
        var result = new double[outN];
        var groups = new List<double>[outN];
        for (int o = 0; o < outN; o++) groups[o] = [];
        var index = new int[shape.Length];
        for (int e = 0; e < x.Length; e++)
        {
            int rem = e;
            for (int d = shape.Length - 1; d >= 0; d--) { index[d] = rem % shape[d]; rem /= shape[d]; }
            int o = 0;
            for (int d = 0; d < shape.Length; d++) o = o * outShape[d] + (norm.Contains(d) ? 0 : index[d]);
            groups[o].Add(x[e]);
        }
        for (int o = 0; o < outN; o++) result[o] = f(groups[o]);
        return result;
    }

    private static int[] Reduced(int[] shape, int[] dims, bool keepDim)
    {
        var norm = dims.Select(d => d < 0 ? d + shape.Length : d).ToHashSet();
        return shape.Select((s, d) => (s, d)).Where(p => keepDim || !norm.Contains(p.d)).Select(p => norm.Contains(p.d) ? 1 : p.s).ToArray();
    }

    private static double Var(List<double> v, int correction)
    {
        double mean = v.Average();
        return v.Sum(x => (x - mean) * (x - mean)) / (v.Count - correction);
    }

    public static TheoryData<int[], bool> DimCases() => new()
    {
        { new[] { 0 }, false }, { new[] { 1 }, false }, { new[] { 2 }, true }, { new[] { -1 }, false }, { new[] { -3 }, true },
        { new[] { 0, 2 }, false }, { new[] { 2, 0 }, true }, { new[] { -1, 1 }, false }, { new[] { 0, 1, 2 }, false }, { new[] { 0, 1, 2 }, true },
    };

    [Theory]
    [MemberData(nameof(DimCases))]
    public void SumMeanProd_OverDims_MatchBruteForce(int[] dims, bool keepDim)
    {
        int[] shape = [3, 4, 5];
        var t = Tensor.Randn(shape, new Generator(1), DType.Float64);
        var x = t.ToArray<double>();
        var outShape = Reduced(shape, dims, keepDim);
        Check.Close(t.Sum(dims, keepDim), outShape, Ref(x, shape, dims, v => v.Sum()), 1e-12);
        Check.Close(t.Mean(dims, keepDim), outShape, Ref(x, shape, dims, v => v.Average()), 1e-12);
        if (dims.Length == 1)
        {
            Check.Close(t.Sum(dims[0], keepDim), outShape, Ref(x, shape, dims, v => v.Sum()), 1e-12);
            Check.Close(t.Mean(dims[0], keepDim), outShape, Ref(x, shape, dims, v => v.Average()), 1e-12);
            Check.Close(t.Prod(dims[0], keepDim), outShape, Ref(x, shape, dims, v => v.Aggregate(1.0, (a, b) => a * b)), 1e-12);
            Check.Close(t.Max(dims[0], keepDim).Values, outShape, Ref(x, shape, dims, v => v.Max()), 0);
            Check.Close(t.Min(dims[0], keepDim).Values, outShape, Ref(x, shape, dims, v => v.Min()), 0);
            Check.Close(t.Var(dims[0], keepDim: keepDim), outShape, Ref(x, shape, dims, v => Var(v, 1)), 1e-12);
            Check.Close(t.Std(dims[0], unbiased: false, keepDim: keepDim), outShape, Ref(x, shape, dims, v => Math.Sqrt(Var(v, 0))), 1e-12);
        }
        Check.Close(t.Var(dims, keepDim: keepDim), outShape, Ref(x, shape, dims, v => Var(v, 1)), 1e-12);
        Check.Close(t.Std(dims, 0, keepDim), outShape, Ref(x, shape, dims, v => Math.Sqrt(Var(v, 0))), 1e-12);
    }

    [Fact]
    public void FullReductions_GiveScalars()
    {
        var x = F(1, 2, 3, 4, 5, 6).View(2, 3);
        Assert.Empty(x.Sum().Shape);
        Assert.Equal(21.0, x.Sum().Item());
        Assert.Equal(3.5, x.Mean().Item());
        Assert.Equal(720.0, x.Prod().Item());
        Assert.Equal(6.0, x.Max().Item());
        Assert.Equal(1.0, x.Min().Item());
        Check.Close(3.5, x.Var().Item());
        Check.Close(35.0 / 12, x.Var(unbiased: false).Item());
        Check.Close(Math.Sqrt(3.5), x.Std().Item());
        Check.Close(Math.Sqrt(35.0 / 12), x.Std(unbiased: false).Item());
        Assert.Equal(DType.Float32, x.Sum().DType);
        Assert.Equal(DType.Float32, x.Var().DType);
    }

    [Fact]
    public void HandWorkedExamples()
    {
        var x = F(1, 2, 3, 4, 5, 6).View(2, 3);
        Assert.Equal([5f, 7, 9], x.Sum(0).ToArray());
        Assert.Equal([6f, 15], x.Sum(1).ToArray());
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).Shape);
        Assert.Equal([1, 3], x.Sum(-2, keepDim: true).Shape);
        Assert.Equal([2.5f, 3.5f, 4.5f], x.Mean(0).ToArray());
        Assert.Equal([4f, 10, 18], x.Prod(0).ToArray());
        Assert.Equal([4.5f, 4.5f, 4.5f], x.Var(0).ToArray());
        Check.Close(x.Var(1, unbiased: false), [2.0 / 3, 2.0 / 3]);
    }

    [Fact]
    public void Reductions_OfScalarTensors()
    {
        var s = Tensor.From(4.0);
        Assert.Equal(4.0, s.Sum().Item());
        Assert.Equal(4.0, s.Sum(0).Item());
        Assert.Equal(4.0, s.Mean().Item());
        Assert.Equal(4.0, s.Max().Item());
        Assert.Equal(0L, s.Argmax().Item<long>());
        var (v, i) = s.Max(0);
        Assert.Equal(4.0, v.Item());
        Assert.Equal(0L, i.Item<long>());
    }

    [Fact]
    public void Sum_OfInt64AndBool_IsInt64()
    {
        var l = Tensor.From(new long[] { 1, 2, 3, long.MaxValue / 4 });
        Assert.Equal(DType.Int64, l.Sum().DType);
        Assert.Equal(6 + long.MaxValue / 4, l.Sum().Item<long>());
        var b = Tensor.From(new[,] { { true, false, true }, { true, true, true } });
        Assert.Equal(DType.Int64, b.Sum().DType);
        Assert.Equal(5L, b.Sum().Item<long>());
        Assert.Equal([2L, 1, 2], b.Sum(0).ToArray<long>());
        Assert.Equal(DType.Int64, Tensor.From(new long[] { 2, 3 }).Prod().DType);
        Assert.Equal(6L, Tensor.From(new long[] { 2, 3 }).Prod().Item<long>());
    }

    [Fact]
    public void Mean_OfIntegers_IsAnError()
    {
        Check.Throws<ArgumentException>(() => Tensor.Arange(4).Mean(), "mean", "torch.int64", "floating point");
        Check.Throws<ArgumentException>(() => Tensor.Arange(4).Mean(0), "mean", "torch.int64");
        Check.Throws<ArgumentException>(() => Tensor.Arange(4).Var(), "var", "torch.int64");
    }

    [Fact]
    public void Reductions_RejectBadDims()
    {
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2), "sum", "dimension out of range", "got 2");
        Check.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Sum([1, -1]), "sum", "appears multiple times");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Mean(-3), "mean", "got -3");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Max(5), "max", "got 5");
        Check.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Argmax(2), "argmax", "got 2");
    }

    [Fact]
    public void EmptyTensors()
    {
        var e = Tensor.Zeros(0, 3);
        Assert.Equal(0.0, e.Sum().Item());
        Assert.Equal([0f, 0, 0], e.Sum(0).ToArray());
        Assert.Equal([0], e.Sum(1).Shape);
        Assert.Equal(1.0, e.Prod().Item());
        Assert.True(double.IsNaN(e.Mean().Item()));
        Check.Throws<ArgumentException>(() => e.Max(), "max", "numel() == 0");
        Check.Throws<ArgumentException>(() => e.Min(), "min", "numel() == 0");
        Check.Throws<ArgumentException>(() => e.Max(0), "max", "[0, 3]");
        Check.Throws<ArgumentException>(() => e.Argmax(), "argmax", "numel() == 0");
        Assert.Equal([0], e.Max(1).Values.Shape);
        Assert.Equal([0], e.Argmax(1).Shape);
    }

    [Fact]
    public void MaxMinAlongDim_ReturnValuesAndFirstIndexOnTies()
    {
        var x = F(3, 1, 3, 0, 2, 2, 2, 5, -1, 7, -1, 7).View(3, 4);
        var (v, i) = x.Max(1);
        Assert.Equal([3f, 5, 7], v.ToArray());
        Assert.Equal([0L, 3, 1], i.ToArray<long>());
        Assert.Equal(DType.Int64, i.DType);
        var (mv, mi) = x.Min(1);
        Assert.Equal([0f, 2, -1], mv.ToArray());
        Assert.Equal([3L, 0, 0], mi.ToArray<long>());
        var (cv, ci) = x.Max(0, keepDim: true);
        Assert.Equal([1, 4], cv.Shape);
        Assert.Equal([1, 4], ci.Shape);
        Assert.Equal([3f, 7, 3, 7], cv.ToArray());
        Assert.Equal([0L, 2, 0, 2], ci.ToArray<long>());
        Assert.Equal([2L, 0, 2, 0], x.Min(-2).Indices.ToArray<long>());
    }

    [Fact]
    public void MaxMin_OfIntAndBool()
    {
        var l = Tensor.From(new long[] { 4, -9, 7 });
        Assert.Equal(7L, l.Max().Item<long>());
        Assert.Equal(-9L, l.Min().Item<long>());
        Assert.Equal(DType.Int64, l.Max().DType);
        var b = Tensor.From(new[] { false, true, false });
        Assert.Equal(DType.Bool, b.Max().DType);
        Assert.True(b.Max().Item<bool>());
        Assert.False(b.Min().Item<bool>());
        Assert.Equal(1L, b.Argmax().Item<long>());
        Assert.Equal(1L, b.Max(0).Indices.Item<long>());
    }

    [Fact]
    public void Argmax_FlattensWithoutDim()
    {
        var x = F(3, 9, 1, 9, -4, 0).View(2, 3);
        Assert.Equal(1L, x.Argmax().Item<long>());
        Assert.Empty(x.Argmax().Shape);
        Assert.Equal(4L, x.Argmin().Item<long>());
        Assert.Equal([1L, 0], x.Argmax(1).ToArray<long>());
        Assert.Equal([1L, 0, 0], x.Argmax(0).ToArray<long>());
        Assert.Equal([0L, 1, 1], x.Argmin(0).ToArray<long>());
        Assert.Equal([2, 1], x.Argmax(1, keepDim: true).Shape);
        Assert.Equal([2L, 1], x.Argmin(-1).ToArray<long>());
        // Of a transposed view: argmax of the flattened view, in the view's order.
        Assert.Equal(1L, x.T.Argmax().Item<long>());
        Assert.Equal(3L, x.T.Argmin().Item<long>());
    }

    [Fact]
    public void ArgmaxArgmin_NaNWins()
    {
        var x = F(1, float.NaN, 5, float.NaN);
        Assert.Equal(1L, x.Argmax().Item<long>());
        Assert.Equal(1L, x.Argmin().Item<long>());
        var m = F(1, 2, float.NaN, 0, float.NaN, 3).View(2, 3);
        Assert.Equal([2L, 1], m.Argmax(1).ToArray<long>());
        Assert.Equal([2L, 1], m.Argmin(1).ToArray<long>());
        var (v, i) = m.Max(1);
        Assert.True(v.ToArray().All(float.IsNaN));
        Assert.Equal([2L, 1], i.ToArray<long>());
        Assert.True(float.IsNaN(m.Max().ToArray()[0]));
        Assert.True(float.IsNaN(m.Min().ToArray()[0]));
        Assert.Equal(0L, F(float.NaN, 1).Argmax().Item<long>());
    }

    [Fact]
    public void Reductions_OverTransposedInput_DimZeroAndOne()
    {
        var g = new Generator(2);
        var baseT = Tensor.Randn([5, 7], g, DType.Float64);
        var t = baseT.T; // [7, 5], not contiguous
        var tc = t.Contiguous();
        var x = tc.ToArray<double>();
        foreach (int d in new[] { 0, 1 })
        {
            var shape = Reduced([7, 5], [d], false);
            Check.Close(t.Sum(d), shape, Ref(x, [7, 5], [d], v => v.Sum()), 1e-12);
            Check.Close(t.Mean(d), shape, Ref(x, [7, 5], [d], v => v.Average()), 1e-12);
            Check.Close(t.Prod(d), shape, Ref(x, [7, 5], [d], v => v.Aggregate(1.0, (a, b) => a * b)), 1e-12);
            Check.Close(t.Max(d).Values, shape, Ref(x, [7, 5], [d], v => v.Max()), 0);
            Check.Close(t.Min(d).Values, shape, Ref(x, [7, 5], [d], v => v.Min()), 0);
            Check.Close(t.Argmax(d), shape, Ref(x, [7, 5], [d], v => v.IndexOf(v.Max())), 0);
            Check.Close(t.Argmin(d), shape, Ref(x, [7, 5], [d], v => v.IndexOf(v.Min())), 0);
            Assert.Equal(t.Max(d).Indices.ToArray<long>(), t.Argmax(d).ToArray<long>());
            Check.Close(t.Var(d), shape, Ref(x, [7, 5], [d], v => Var(v, 1)), 1e-12);
        }
        Check.Close(t.Sum(), [], [x.Sum()], 1e-12);
        Assert.Equal(x.Max(), t.Max().Item());
        Assert.Equal(Array.IndexOf(x, x.Min()), t.Argmin().Item<long>());
    }

    [Fact]
    public void Reductions_OverSteppedAndBroadcastInput()
    {
        var baseT = Tensor.Arange(0, 24, 1, DType.Float64).View(4, 6);
        var s = baseT.Slice(1, 1, 3, 2); // columns 1, 3, 5
        Assert.Equal([40.0, 48, 56], s.Sum(0).ToArray<double>());
        Assert.Equal([9.0, 27, 45, 63], s.Sum(1).ToArray<double>());
        Assert.Equal([19.0, 21, 23], s.Max(0).Values.ToArray<double>());
        var e = Tensor.From(new[] { 1.0, 2, 3 }).Expand(4, 3);
        Assert.Equal([4.0, 8, 12], e.Sum(0).ToArray<double>());
        Assert.Equal(24.0, e.Sum().Item());
        Assert.Equal(2L, e.Argmax(1).ToArray<long>()[3]);
    }

    [Fact]
    public void Sum_OfAMillionFloat32Ones_IsExact()
    {
        Assert.Equal(1_000_000f, Tensor.Ones(1_000_000).Sum().Item<float>());
        Assert.Equal(1_000_000f, Tensor.Ones(1000, 1000).Sum(0).Sum().Item<float>());
        Assert.Equal(1_000_000f, Tensor.Ones(1000, 1000).T.Sum().Item<float>());
    }

    [Fact]
    public void Var_WithOneElementAndCorrection_IsNaN()
    {
        Assert.True(double.IsNaN(Tensor.From(new[] { 2.0 }).Var().Item()));
        Assert.Equal(0.0, Tensor.From(new[] { 2.0 }).Var(unbiased: false).Item());
    }

    [Fact]
    public void Reductions_DoNotModifyTheInput()
    {
        var x = F(3, 1, 2);
        x.Sum(); x.Max(0); x.Argmin(); x.Var();
        Assert.Equal([3f, 1, 2], x.ToArray());
    }
}
