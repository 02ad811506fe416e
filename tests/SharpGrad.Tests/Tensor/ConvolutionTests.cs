using SharpGrad;

namespace SharpGrad.Tests;

public class ConvolutionTests
{
    /// <summary>One conv2d configuration: input [N, C, H, W], weight [O, C/G, KH, KW], stride, padding, dilation (height, width), groups.</summary>
    public sealed record Config(int N, int C, int H, int W, int O, int KH, int KW,
        int SH = 1, int SW = 1, int PH = 0, int PW = 0, int DH = 1, int DW = 1, int Groups = 1, bool Bias = true)
    {
        public int OH => (H + 2 * PH - DH * (KH - 1) - 1) / SH + 1;
        public int OW => (W + 2 * PW - DW * (KW - 1) - 1) / SW + 1;
        public int[] InputShape => [N, C, H, W];
        public int[] WeightShape => [O, C / Groups, KH, KW];
        public int[] OutputShape => [N, O, OH, OW];

        public Tensor Run(Tensor x, Tensor w, Tensor? b) =>
            Tensor.Conv2d(x, w, Bias ? b : null, stride: (SH, SW), padding: (PH, PW), dilation: (DH, DW), groups: Groups);
    }

    public static TheoryData<Config> ValueConfigs() =>
    [
        new Config(1, 1, 5, 5, 1, 3, 3),
        new Config(3, 2, 7, 6, 4, 3, 3, PH: 1, PW: 1),
        new Config(2, 3, 9, 8, 5, 3, 2, SH: 2, SW: 2, PH: 2, PW: 1),
        new Config(1, 2, 9, 9, 3, 3, 3, DH: 2, DW: 2, PH: 2, PW: 2),
        new Config(3, 4, 6, 7, 6, 2, 3, Groups: 2, PH: 1, PW: 0, SH: 1, SW: 2),
        new Config(2, 3, 5, 5, 6, 3, 3, Groups: 3, PH: 1, PW: 1, Bias: false),
        new Config(1, 3, 8, 9, 3, 1, 4, SH: 2, SW: 1, DH: 1, DW: 2, Groups: 3),
        new Config(2, 1, 3, 3, 2, 3, 3, PH: 1, PW: 1, SH: 2, SW: 2),
    ];

    public static TheoryData<Config> GradConfigs() =>
    [
        new Config(2, 2, 5, 4, 3, 3, 3, PH: 1, PW: 1),
        new Config(1, 2, 6, 5, 2, 2, 3, SH: 2, SW: 2, PH: 1, PW: 0),
        new Config(2, 2, 6, 6, 2, 2, 2, DH: 2, DW: 2, PH: 1, PW: 1),
        new Config(1, 4, 4, 5, 4, 3, 2, Groups: 2, PH: 1, PW: 1),
        new Config(2, 3, 4, 4, 3, 3, 3, Groups: 3, PH: 2, PW: 1, SH: 2, SW: 1),
    ];

    /// <summary>Direct convolution: one multiply-add per output, input channel and tap.</summary>
    private static double[] NaiveConv(Config c, double[] x, double[] w, double[]? b)
    {
        int cg = c.C / c.Groups, og = c.O / c.Groups;
        var y = new double[c.N * c.O * c.OH * c.OW];
        int at = 0;
        for (int n = 0; n < c.N; n++)
            for (int o = 0; o < c.O; o++)
                for (int i = 0; i < c.OH; i++)
                    for (int j = 0; j < c.OW; j++)
                    {
                        double sum = b is null ? 0 : b[o];
                        int grp = o / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < c.KH; a++)
                                for (int e = 0; e < c.KW; e++)
                                {
                                    int ih = i * c.SH - c.PH + a * c.DH, iw = j * c.SW - c.PW + e * c.DW;
                                    if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                                    sum += x[((n * c.C + grp * cg + ci) * c.H + ih) * c.W + iw] * w[((o * cg + ci) * c.KH + a) * c.KW + e];
                                }
                        y[at++] = sum;
                    }
        return y;
    }

    private static (Tensor X, Tensor W, Tensor B) Inputs(Config c, int seed, DType dtype = DType.Float64)
    {
        var gen = new Generator((ulong)seed);
        var x = Tensor.Randn(c.InputShape, gen, dtype).RequiresGrad_();
        var w = Tensor.Randn(c.WeightShape, gen, dtype).RequiresGrad_();
        var b = Tensor.Randn([c.O], gen, dtype).RequiresGrad_();
        return (x, w, b);
    }

    private static double[] Expected(Config c, Tensor x, Tensor w, Tensor b)
        => NaiveConv(c, x.ToArray<double>(), w.ToArray<double>(), c.Bias ? b.ToArray<double>() : null);

    [Theory]
    [MemberData(nameof(ValueConfigs))]
    public void Conv2d_MatchesDirectConvolution_Float64(Config c)
    {
        var (x, w, b) = Inputs(c, 1);
        Check.Close(c.Run(x, w, b), c.OutputShape, Expected(c, x, w, b), 1e-12);
    }

    [Theory]
    [MemberData(nameof(ValueConfigs))]
    public void Conv2d_MatchesDirectConvolution_Float32(Config c)
    {
        var (x, w, b) = Inputs(c, 2, DType.Float32);
        var y = c.Run(x, w, b);
        Assert.Equal(DType.Float32, y.DType);
        Check.Close(y, c.OutputShape, Expected(c, x, w, b), 1e-5);
    }

    [Fact]
    public void Conv2d_SeveralSampleChunks_MatchesDirectConvolution()
    {
        // 64 x 64 outputs with 100-long patches: the batch is processed in more than one chunk.
        var c = new Config(3, 4, 64, 64, 3, 5, 5, PH: 2, PW: 2);
        var (x, w, b) = Inputs(c, 3);
        Check.Close(c.Run(x, w, b), c.OutputShape, Expected(c, x, w, b), 1e-12);
    }

    [Fact]
    public void Conv2d_HandWorkedExample()
    {
        // 3x3 input 1..9, 2x2 kernel [[1, 0], [0, -1]], bias 10: y[i, j] = x[i, j] - x[i+1, j+1] + 10 = -4 + 10.
        var x = Tensor.FromBuffer([1.0, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
        var w = Tensor.FromBuffer([1.0, 0, 0, -1], 1, 1, 2, 2);
        var y = Tensor.Conv2d(x, w, Tensor.FromBuffer([10.0], 1));
        Check.Close(y, [1, 1, 2, 2], [6, 6, 6, 6]);
        // Stride 2 with padding 1: y[i, j] = p[2i, 2j] - p[2i+1, 2j+1] on the zero-padded 5x5 p.
        var y2 = Tensor.Conv2d(x, w, null, stride: 2, padding: 1);
        Check.Close(y2, [1, 1, 2, 2], [0 - 1, 0 - 3, 0 - 7, 5 - 9]);
    }

    [Fact]
    public void Conv2d_IntOverload_EqualsTupleOverload()
    {
        var c = new Config(2, 2, 7, 7, 3, 3, 3, SH: 2, SW: 2, PH: 1, PW: 1, DH: 2, DW: 2);
        var (x, w, b) = Inputs(c, 4);
        var viaInts = Tensor.Conv2d(x, w, b, 2, 1, 2);
        Check.Close(viaInts, c.OutputShape, c.Run(x, w, b).ToArray<double>(), 0);
        Check.Close(Tensor.Conv2d(x, w), Tensor.Conv2d(x, w, null, (1, 1), (0, 0), (1, 1), 1).ToArray<double>(), 0);
    }

    [Fact]
    public void Conv2d_UnbatchedInput_GivesUnbatchedOutput()
    {
        var c = new Config(1, 3, 6, 6, 2, 3, 3, PH: 1, PW: 1);
        var (x, w, b) = Inputs(c, 5);
        var y = Tensor.Conv2d(x.Detach().Reshape(3, 6, 6), w, b, padding: 1);
        Check.Close(y, [2, 6, 6], Expected(c, x, w, b), 1e-12);
    }

    [Fact]
    public void Conv2d_NonContiguousInputs_MatchDirectConvolution()
    {
        var c = new Config(2, 3, 6, 5, 4, 3, 2, PH: 1, PW: 1);
        var gen = new Generator(6);
        // x: a transposed view; w: a narrowed view; b: a strided view. The reference reads their logical values.
        var x = Tensor.Randn([2, 3, 5, 6], gen, DType.Float64).Transpose(2, 3);
        var w = Tensor.Randn([4, 5, 3, 2], gen, DType.Float64).Narrow(1, 1, 3);
        var b = Tensor.Randn([4, 2], gen, DType.Float64).Select(1, 1);
        Assert.False(x.IsContiguous());
        Assert.False(w.IsContiguous());
        Assert.False(b.IsContiguous());
        Check.Close(c.Run(x, w, b), c.OutputShape, Expected(c, x, w, b), 1e-12);
    }

    [Theory]
    [MemberData(nameof(GradConfigs))]
    public void Conv2d_Gradcheck_InputWeightBias(Config c)
    {
        var (x, w, b) = Inputs(c, 7);
        Check.Gradients(t => c.Run(t[0], t[1], t[2]), x, w, b);
    }

    [Fact]
    public void Conv2d_Gradcheck_NonContiguousInputAndBroadcastGradient()
    {
        var c = new Config(1, 2, 4, 5, 2, 2, 2, PH: 1, PW: 1);
        var x = Check.Input(8, 1, 2, 5, 4);
        var w = Check.Input(9, 2, 2, 2, 2);
        // The transposed input is a strided view; the sum gives the convolution an expanded (stride 0) gradient.
        Check.Gradients(t => Tensor.Conv2d(t[0].Transpose(2, 3), t[1], null, padding: 1).Sum(), x, w);
    }

    [Fact]
    public void Conv2d_SecondDerivatives_MatchFiniteDifferences()
    {
        var c = new Config(1, 2, 4, 4, 2, 2, 2, SH: 2, SW: 1, PH: 1, PW: 0, Groups: 2);
        var (x, w, b) = Inputs(c, 10);
        var r = Tensor.Randn(c.OutputShape, new Generator(11), DType.Float64);
        // The gradients, as functions of (x, w), are themselves checked against finite differences.
        Check.Gradients(t =>
        {
            using var grad = Tensor.EnableGrad(); // gradcheck evaluates the function under NoGrad for finite differences
            var y = (c.Run(t[0], t[1], b) * r).Sum();
            var grads = Autograd.Grad(y, [t[0], t[1]], createGraph: true);
            return (grads[0]!.Square().Sum() + (grads[1]! * grads[1]!).Sum() * 0.5) + (grads[0]! * t[0]).Sum();
        }, x, w);
    }

    [Fact]
    public void Conv2d_Backward_RecordsConvolutionBackward0AndBiasGradientIsOutputSum()
    {
        var c = new Config(2, 2, 4, 4, 3, 3, 3, PH: 1, PW: 1);
        var (x, w, b) = Inputs(c, 12);
        var y = c.Run(x, w, b);
        Assert.Equal("ConvolutionBackward0", y.GradFn!.Name);
        var r = Tensor.Randn(c.OutputShape, new Generator(13), DType.Float64);
        (y * r).Sum().Backward();
        Check.Close(b.Grad!, [3], r.Sum([0, 2, 3]).ToArray<double>(), 1e-12);
        Assert.Equal(c.InputShape, x.Grad!.Shape);
        Assert.Equal(c.WeightShape, w.Grad!.Shape);
    }

    [Fact]
    public void Conv2d_WeightModifiedInPlaceAfterForward_BackwardFails()
    {
        var c = new Config(1, 1, 4, 4, 1, 3, 3);
        var (x, w, b) = Inputs(c, 18);
        var y = c.Run(x, w, b);
        using (Tensor.NoGrad()) w.Mul_(2.0);
        Check.Throws<InvalidOperationException>(() => y.Sum().Backward(), "modified by an inplace operation", "weight of ConvolutionBackward0");
    }

    [Fact]
    public void Conv2d_Float32Gradients_MatchFloat64()
    {
        var c = new Config(3, 4, 7, 6, 6, 3, 3, PH: 1, PW: 1, SH: 2, SW: 1, Groups: 2);
        var (x, w, b) = Inputs(c, 14);
        var (xf, wf, bf) = (x.Detach().Float().RequiresGrad_(), w.Detach().Float().RequiresGrad_(), b.Detach().Float().RequiresGrad_());
        var r = Tensor.Randn(c.OutputShape, new Generator(15), DType.Float64);
        (c.Run(x, w, b) * r).Sum().Backward();
        (c.Run(xf, wf, bf) * r.Float()).Sum().Backward();
        Check.Close(xf.Grad!, x.Grad!.ToArray<double>(), 1e-4);
        Check.Close(wf.Grad!, w.Grad!.ToArray<double>(), 1e-4);
        Check.Close(bf.Grad!, b.Grad!.ToArray<double>(), 1e-4);
    }

    [Fact]
    public void Conv2d_ResultsDoNotDependOnThreadCount()
    {
        var c = new Config(6, 8, 20, 20, 16, 5, 5, PH: 2, PW: 2);
        double[][] Run(int threads)
        {
            int saved = Kernels.Threading.NumThreads;
            Kernels.Threading.NumThreads = threads;
            try
            {
                var (x, w, b) = Inputs(c, 16, DType.Float32);
                var y = c.Run(x, w, b);
                (y * y).Sum().Backward();
                return [y.ToArray<double>(), x.Grad!.ToArray<double>(), w.Grad!.ToArray<double>(), b.Grad!.ToArray<double>()];
            }
            finally
            {
                Kernels.Threading.NumThreads = saved;
            }
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
    }

    [Fact]
    public void TinyNet_ShapesFlowThroughConvAndPool()
    {
        // The course's TinyNet: conv 3->6 3x3 pad 1, max pool 2, conv 6->12 3x3 pad 1, max pool 2.
        var gen = new Generator(17);
        var x = Tensor.Randn([2, 3, 8, 8], gen);
        var w1 = Tensor.Randn([6, 3, 3, 3], gen).RequiresGrad_();
        var w2 = Tensor.Randn([12, 6, 3, 3], gen).RequiresGrad_();
        var h1 = Tensor.Conv2d(x, w1, null, padding: 1);
        Assert.Equal([2, 6, 8, 8], h1.Shape);
        var p1 = Tensor.MaxPool2d(h1, 2, 2);
        Assert.Equal([2, 6, 4, 4], p1.Shape);
        var h2 = Tensor.Conv2d(p1, w2, null, padding: 1);
        Assert.Equal([2, 12, 4, 4], h2.Shape);
        var p2 = Tensor.MaxPool2d(h2, 2);
        Assert.Equal([2, 12, 2, 2], p2.Shape);
        p2.Sum().Backward();
        Assert.Equal([6, 3, 3, 3], w1.Grad!.Shape);
        Assert.Equal([12, 6, 3, 3], w2.Grad!.Shape);
    }

    [Fact]
    public void Conv2d_RejectsWeightWithWrongChannelCount()
        => Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 32, 32), Tensor.Zeros(32, 4, 5, 5)),
            "conv2d: expected weight [O, C/groups, kH, kW] with C/groups = 3, but got weight of shape [32, 4, 5, 5] for input of shape [1, 3, 32, 32]");

    [Fact]
    public void Conv2d_RejectsWeightThatIsNot4D()
        => Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 3, 3)),
            "conv2d:", "weight of shape [4, 3, 3]");

    [Fact]
    public void Conv2d_RejectsChannelsNotDivisibleByGroups()
    {
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 1, 3, 3), groups: 2),
            "conv2d: inChannels (3) must be divisible by groups (2)");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(5, 2, 3, 3), groups: 2),
            "conv2d: outChannels (5) must be divisible by groups (2)");
    }

    [Fact]
    public void Conv2d_RejectsKernelLargerThanPaddedInput()
        => Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(1, 1, 5, 5)),
            "conv2d: kernel size (5 x 5)", "padded input size (4 x 4)", "[1, 1, 4, 4]");

    [Fact]
    public void Conv2d_RejectsDilatedKernelLargerThanPaddedInput()
        => Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(1, 1, 3, 3), dilation: 2),
            "dilated to (5 x 5)", "(4 x 4)");

    [Fact]
    public void Conv2d_RejectsBadInputRankBiasAndHyperParameters()
    {
        var w = Tensor.Zeros(2, 1, 3, 3);
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(5, 5), w), "conv2d: expected 3D (unbatched) or 4D (batched) input", "[5, 5]");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), w, Tensor.Zeros(3)),
            "conv2d: expected bias of shape [2], but got bias of shape [3]");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), w, stride: 0), "conv2d: stride must be positive", "(0, 0)");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), w, padding: (-1, 0)), "conv2d: padding must be non-negative", "(-1, 0)");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), w, dilation: (1, 0)), "conv2d: dilation must be positive", "(1, 0)");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), w, groups: 0), "conv2d: groups must be a positive integer, but got 0");
    }

    [Fact]
    public void Conv2d_RejectsMixedOrIntegerDtypes()
    {
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 5, 5), Tensor.Zeros([1, 1, 3, 3], DType.Float64)),
            "conv2d:", "input torch.float32", "weight torch.float64");
        Check.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros([1, 1, 5, 5], DType.Int64), Tensor.Zeros([1, 1, 3, 3], DType.Int64)),
            "conv2d:", "input torch.int64");
    }
}
