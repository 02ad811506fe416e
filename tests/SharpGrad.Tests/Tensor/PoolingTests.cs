using SharpGrad;

namespace SharpGrad.Tests;

public class PoolingTests
{
    /// <summary>One pooling configuration with its output size (OH, OW) worked out by hand.</summary>
    public sealed record Pool(int N, int C, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW,
        int DH, int DW, bool Ceil, int OH, int OW)
    {
        public int[] InputShape => [N, C, H, W];
        public int[] OutputShape => [N, C, OH, OW];

        public (Tensor Output, Tensor Indices) Max(Tensor x) =>
            Tensor.MaxPool2dWithIndices(x, (KH, KW), (SH, SW), (PH, PW), (DH, DW), Ceil);

        public Tensor Avg(Tensor x, bool countIncludePad) =>
            Tensor.AvgPool2d(x, (KH, KW), (SH, SW), (PH, PW), Ceil, countIncludePad);
    }

    public static TheoryData<Pool> MaxConfigs() =>
    [
        new Pool(2, 3, 6, 6, 2, 2, 2, 2, 0, 0, 1, 1, false, 3, 3),
        new Pool(1, 2, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, false, 4, 3),
        new Pool(1, 2, 6, 5, 3, 2, 2, 2, 1, 0, 1, 1, false, 3, 2),
        // ceil mode adds a last, partial window in each direction
        new Pool(1, 2, 6, 5, 3, 2, 2, 2, 1, 0, 1, 1, true, 4, 3),
        // ceil mode would start a third window at 5 > 4 + 1, past the input and its left padding: dropped
        new Pool(1, 1, 4, 4, 2, 2, 3, 3, 1, 1, 1, 1, true, 2, 2),
        new Pool(2, 2, 7, 8, 3, 2, 1, 2, 1, 1, 2, 2, false, 5, 4),
        new Pool(1, 1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, false, 3, 3),
    ];

    public static TheoryData<Pool> AvgConfigs() =>
    [
        new Pool(2, 3, 6, 6, 2, 2, 2, 2, 0, 0, 1, 1, false, 3, 3),
        new Pool(1, 2, 7, 5, 3, 3, 2, 2, 1, 1, 1, 1, false, 4, 3),
        new Pool(1, 2, 6, 5, 3, 2, 2, 2, 1, 0, 1, 1, true, 4, 3),
        new Pool(1, 1, 4, 4, 2, 2, 3, 3, 1, 1, 1, 1, true, 2, 2),
        new Pool(3, 1, 5, 6, 3, 2, 1, 3, 1, 1, 1, 1, false, 5, 3),
    ];

    /// <summary>Direct max pooling: the first largest in-input tap of each window, and its index ih * W + iw.</summary>
    private static (double[] Values, long[] Indices) NaiveMax(Pool p, double[] x)
    {
        var values = new double[p.N * p.C * p.OH * p.OW];
        var indices = new long[values.Length];
        int at = 0;
        for (int plane = 0; plane < p.N * p.C; plane++)
            for (int i = 0; i < p.OH; i++)
                for (int j = 0; j < p.OW; j++, at++)
                {
                    double best = double.NegativeInfinity;
                    long index = -1;
                    for (int a = 0; a < p.KH; a++)
                        for (int e = 0; e < p.KW; e++)
                        {
                            int ih = i * p.SH - p.PH + a * p.DH, iw = j * p.SW - p.PW + e * p.DW;
                            if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) continue;
                            double v = x[(plane * p.H + ih) * p.W + iw];
                            if (index < 0 || v > best) (best, index) = (v, ih * p.W + iw);
                        }
                    (values[at], indices[at]) = (best, index);
                }
        return (values, indices);
    }

    /// <summary>Direct average pooling: taps beyond the right/bottom padding are not part of the window; padding counts only when asked.</summary>
    private static double[] NaiveAvg(Pool p, double[] x, bool countIncludePad)
    {
        var values = new double[p.N * p.C * p.OH * p.OW];
        int at = 0;
        for (int plane = 0; plane < p.N * p.C; plane++)
            for (int i = 0; i < p.OH; i++)
                for (int j = 0; j < p.OW; j++)
                {
                    double sum = 0;
                    int padded = 0, inside = 0;
                    for (int a = 0; a < p.KH; a++)
                        for (int e = 0; e < p.KW; e++)
                        {
                            int ih = i * p.SH - p.PH + a, iw = j * p.SW - p.PW + e;
                            if (ih >= p.H + p.PH || iw >= p.W + p.PW) continue;
                            padded++;
                            if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) continue;
                            inside++;
                            sum += x[(plane * p.H + ih) * p.W + iw];
                        }
                    values[at++] = sum / (countIncludePad ? padded : inside);
                }
        return values;
    }

    /// <summary>An input whose values are distinct (a shuffled 0.1-spaced ramp), so max pooling has no ties.</summary>
    private static Tensor Distinct(int seed, params int[] shape)
    {
        int n = 1;
        foreach (int s in shape) n *= s;
        return (Tensor.Randperm(n, new Generator((ulong)seed)).Double() * 0.1).Reshape(shape).Detach().RequiresGrad_();
    }

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPool2d_MatchesDirectPooling(Pool p)
    {
        var x = Tensor.Randn(p.InputShape, new Generator(1), DType.Float64);
        var (y, idx) = p.Max(x);
        var (values, indices) = NaiveMax(p, x.ToArray<double>());
        Check.Close(y, p.OutputShape, values, 0);
        Assert.Equal(DType.Int64, idx.DType);
        Assert.Equal(p.OutputShape, idx.Shape);
        Assert.Equal(indices, idx.ToArray<long>());
        Check.Close(p.Max(x.Float()).Output, p.OutputShape, values, 1e-6);
    }

    [Theory]
    [MemberData(nameof(AvgConfigs))]
    public void AvgPool2d_MatchesDirectPooling(Pool p)
    {
        var x = Tensor.Randn(p.InputShape, new Generator(2), DType.Float64);
        foreach (bool include in new[] { true, false })
        {
            var expected = NaiveAvg(p, x.ToArray<double>(), include);
            Check.Close(p.Avg(x, include), p.OutputShape, expected, 1e-12);
            Check.Close(p.Avg(x.Float(), include), p.OutputShape, expected, 1e-5);
        }
    }

    [Fact]
    public void Pooling_HandWorkedExamples()
    {
        var x = Tensor.Arange(1.0, 17.0).Reshape(1, 1, 4, 4);
        var (y, idx) = Tensor.MaxPool2dWithIndices(x, 2);
        Check.Close(y, [1, 1, 2, 2], [6, 8, 14, 16]);
        Assert.Equal([5L, 7, 13, 15], idx.ToArray<long>());
        Check.Close(Tensor.AvgPool2d(x, 2), [1, 1, 2, 2], [3.5, 5.5, 11.5, 13.5]);

        // 2x2 input, kernel 2, stride 2, padding 1: every window holds one input value and three pads.
        var small = Tensor.FromBuffer([1.0, 2, 3, 4], 1, 1, 2, 2);
        Check.Close(Tensor.AvgPool2d(small, 2, padding: 1), [1, 1, 2, 2], [0.25, 0.5, 0.75, 1]);
        Check.Close(Tensor.AvgPool2d(small, 2, padding: 1, countIncludePad: false), [1, 1, 2, 2], [1, 2, 3, 4]);
    }

    [Fact]
    public void MaxPool2d_PaddingActsAsMinusInfinity()
    {
        var x = Tensor.FromBuffer([-5.0, -6, -7, -8], 1, 1, 2, 2);
        Check.Close(Tensor.MaxPool2d(x, 2, stride: 1, padding: 1), [1, 1, 3, 3], [-5, -5, -6, -5, -5, -6, -7, -7, -8]);
    }

    [Fact]
    public void MaxPool2d_TiesPickFirstMaximumAndGradientGoesThere()
    {
        // Plane 0: max 1 at 0, 1 and 3; plane 1: max 2 at 1 and 2.
        var x = Tensor.FromBuffer([1.0, 1, 0, 1, 1, 2, 2, 1], 1, 2, 2, 2).RequiresGrad_();
        var (y, idx) = Tensor.MaxPool2dWithIndices(x, 2);
        Assert.Equal([0L, 1], idx.ToArray<long>());
        y.Sum().Backward();
        Check.Close(x.Grad!, [1, 0, 0, 0, 0, 1, 0, 0]);
    }

    [Fact]
    public void MaxPool2d_PropagatesNaN()
    {
        var x = Tensor.FromBuffer([1.0, double.NaN, 3, 2], 1, 1, 2, 2);
        var (y, idx) = Tensor.MaxPool2dWithIndices(x, 2);
        Assert.True(double.IsNaN(y.Item<double>()));
        Assert.Equal([1L], idx.ToArray<long>());
    }

    [Fact]
    public void MaxPool2d_OverlappingWindows_AccumulateGradient()
    {
        // Kernel 2, stride 1 on a 3x3 whose maximum is in the centre: all four windows pick it, so its gradient is 4.
        var x = Tensor.FromBuffer([1.0, 2, 3, 4, 9, 5, 6, 7, 8], 1, 1, 3, 3).RequiresGrad_();
        Tensor.MaxPool2d(x, 2, stride: 1).Sum().Backward();
        Check.Close(x.Grad!, [0, 0, 0, 0, 4, 0, 0, 0, 0]);
    }

    [Fact]
    public void Pooling_UnbatchedAndNonContiguousInputs()
    {
        var x = Tensor.Randn([3, 5, 6], new Generator(3), DType.Float64);
        var batched = x.Unsqueeze(0);
        Check.Close(Tensor.MaxPool2d(x, 2), [3, 2, 3], Tensor.MaxPool2d(batched, 2).ToArray<double>(), 0);
        Check.Close(Tensor.AvgPool2d(x, 3, 2, 1), [3, 3, 3], Tensor.AvgPool2d(batched, 3, 2, 1).ToArray<double>(), 0);

        var p = new Pool(2, 3, 6, 5, 3, 2, 2, 2, 1, 0, 1, 1, true, 4, 3);
        var t = Tensor.Randn([2, 3, 5, 6], new Generator(4), DType.Float64).Transpose(2, 3);
        Assert.False(t.IsContiguous());
        var values = t.ToArray<double>();
        Check.Close(p.Max(t).Output, p.OutputShape, NaiveMax(p, values).Values, 0);
        Check.Close(p.Avg(t, true), p.OutputShape, NaiveAvg(p, values, true), 1e-12);
    }

    [Theory]
    [MemberData(nameof(MaxConfigs))]
    public void MaxPool2d_Gradcheck(Pool p)
    {
        var x = Distinct(5, p.InputShape);
        Check.Gradients(t => p.Max(t[0]).Output, x);
    }

    [Theory]
    [MemberData(nameof(AvgConfigs))]
    public void AvgPool2d_Gradcheck(Pool p)
    {
        var x = Check.Input(6, p.InputShape);
        Check.Gradients(t => p.Avg(t[0], true), x);
        Check.Gradients(t => p.Avg(t[0], false), x);
    }

    [Fact]
    public void Pooling_Gradcheck_ExpandedGradient()
    {
        // Sum hands the pooling backward an expanded (stride 0) gradient.
        Check.Gradients(t => Tensor.MaxPool2d(t[0], 2, 1, 1).Sum(), Distinct(7, 1, 2, 3, 3));
        Check.Gradients(t => Tensor.AvgPool2d(t[0], 3, 2, 1).Sum(), Check.Input(8, 1, 2, 4, 5));
    }

    [Fact]
    public void Pooling_SecondDerivatives_MatchFiniteDifferences()
    {
        var r = Tensor.Randn([1, 2, 2, 2], new Generator(9), DType.Float64);
        Tensor GradGrad(Tensor x, Func<Tensor, Tensor> pool)
        {
            using var grad = Tensor.EnableGrad(); // gradcheck evaluates the function under NoGrad for finite differences
            var y = pool(x);
            var g = Autograd.Grad((y * y * r).Sum(), [x], createGraph: true)[0]!;
            return (g * g).Sum();
        }
        Check.Gradients(t => GradGrad(t[0], x => Tensor.MaxPool2d(x, 2, 2, 1)), Distinct(10, 1, 2, 3, 3));
        Check.Gradients(t => GradGrad(t[0], x => Tensor.AvgPool2d(x, 2, 2, 1, countIncludePad: false)), Check.Input(11, 1, 2, 3, 3));
    }

    [Fact]
    public void Pooling_RecordsPyTorchNodeNames()
    {
        var x = Check.Input(12, 1, 1, 4, 4);
        Assert.Equal("MaxPool2DWithIndicesBackward0", Tensor.MaxPool2d(x, 2).GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", Tensor.AvgPool2d(x, 2).GradFn!.Name);
    }

    [Fact]
    public void MaxPool2d_IndicesModifiedInPlace_BackwardFails()
    {
        var x = Check.Input(19, 1, 1, 4, 4);
        var (y, idx) = Tensor.MaxPool2dWithIndices(x, 2);
        idx.Zero_();
        Check.Throws<InvalidOperationException>(() => y.Sum().Backward(), "indices of MaxPool2DWithIndicesBackward0");
    }

    [Fact]
    public void MaxPool2d_RejectsPaddingAboveHalfTheKernel()
        => Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 2, padding: 2),
            "max_pool2d: pad should be at most half of kernel size, but got padding (2, 2) for kernelSize (2, 2)");

    [Fact]
    public void AvgPool2d_RejectsPaddingAboveHalfTheKernel()
        => Check.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 8, 8), (3, 4), padding: (1, 3)),
            "avg_pool2d: pad should be at most half of kernel size", "padding (1, 3)", "kernelSize (3, 4)");

    [Fact]
    public void Pooling_RejectsOutputSizeBelowOne()
        => Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 2, 2), 3),
            "max_pool2d: given input of shape [1, 1, 2, 2], the calculated output size (0 x 0) is too small");

    [Fact]
    public void Pooling_RejectsBadRankDtypeAndHyperParameters()
    {
        Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(4, 4), 2),
            "max_pool2d: expected 3D (unbatched) or 4D (batched) input, but got input of shape [4, 4]");
        Check.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros([1, 1, 4, 4], DType.Int64), 2),
            "avg_pool2d: expected a floating-point input, but got torch.int64");
        Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 4, 4), 0), "max_pool2d: kernelSize must be greater than zero");
        Check.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 4, 4), 2, stride: 0), "avg_pool2d: stride must be greater than zero");
        Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 4, 4), 2, dilation: 0), "max_pool2d: dilation must be greater than zero");
        Check.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 0, 4, 4), 2), "max_pool2d:", "non-zero sizes", "[1, 0, 4, 4]");
    }
}
