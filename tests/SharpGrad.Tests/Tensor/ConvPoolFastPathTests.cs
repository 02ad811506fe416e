using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// The fast paths of conv2d and max-pooling on batches big enough to use them: several GEMM panels per image, output
/// rows that cross panels, the unit-stride input gradient (a convolution with the flipped weight), the col2im input
/// gradient, uneven partial sums of the weight gradient, and the vectorised 2 x 2 pooling.
/// </summary>
public class ConvPoolFastPathTests
{
    /// <summary>Input [N, C, H, W], weight [O, C/groups, K, K], stride, padding, groups.</summary>
    public sealed record Case(int N, int C, int H, int W, int O, int K, int S, int P, int Groups)
    {
        public int OH => (H + 2 * P - K) / S + 1;
        public int OW => (W + 2 * P - K) / S + 1;
        public Tensor Run(Tensor x, Tensor w, Tensor b) => Tensor.Conv2d(x, w, b, stride: S, padding: P, groups: Groups);
    }

    public static TheoryData<Case> Cases() =>
    [
        new Case(10, 3, 12, 11, 8, 5, 1, 2, 1),   // unit stride: transposed-conv input gradient; 132 pixels = 3 panels, rows cross panels
        new Case(9, 4, 11, 10, 6, 3, 2, 1, 1),    // stride 2: col2im input gradient
        new Case(11, 4, 9, 9, 6, 3, 1, 3, 2),     // padding 3 > K - 1 with groups: col2im input gradient
        new Case(5, 16, 9, 8, 7, 5, 1, 2, 1),     // weight gradient: 400 patch rows = 6.25 panels, 72 pixels = a full and a partial chunk
        new Case(3, 6, 13, 12, 4, 3, 2, 1, 2),    // weight gradient with stride 2 and groups (channels-last runs per group)
        new Case(2, 32, 12, 12, 8, 5, 1, 2, 1),   // forward patch panels built and multiplied one at a time (800 patch rows), partial last panel
    ];

    private static double[] NaiveConv(Case c, double[] x, double[] w, double[] b)
    {
        int cg = c.C / c.Groups, og = c.O / c.Groups;
        var y = new double[c.N * c.O * c.OH * c.OW];
        int at = 0;
        for (int n = 0; n < c.N; n++)
            for (int o = 0; o < c.O; o++)
                for (int i = 0; i < c.OH; i++)
                    for (int j = 0; j < c.OW; j++)
                    {
                        double sum = b[o];
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < c.K; a++)
                                for (int e = 0; e < c.K; e++)
                                {
                                    int ih = i * c.S - c.P + a, iw = j * c.S - c.P + e;
                                    if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                                    sum += x[((n * c.C + o / og * cg + ci) * c.H + ih) * c.W + iw] * w[((o * cg + ci) * c.K + a) * c.K + e];
                                }
                        y[at++] = sum;
                    }
        return y;
    }

    private static double[] NaiveWeightGrad(Case c, double[] x, double[] dy)
    {
        int cg = c.C / c.Groups, og = c.O / c.Groups;
        var dw = new double[c.O * cg * c.K * c.K];
        for (int o = 0; o < c.O; o++)
            for (int ci = 0; ci < cg; ci++)
                for (int a = 0; a < c.K; a++)
                    for (int e = 0; e < c.K; e++)
                    {
                        double sum = 0;
                        for (int n = 0; n < c.N; n++)
                            for (int i = 0; i < c.OH; i++)
                                for (int j = 0; j < c.OW; j++)
                                {
                                    int ih = i * c.S - c.P + a, iw = j * c.S - c.P + e;
                                    if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                                    sum += dy[((n * c.O + o) * c.OH + i) * c.OW + j] * x[((n * c.C + o / og * cg + ci) * c.H + ih) * c.W + iw];
                                }
                        dw[((o * cg + ci) * c.K + a) * c.K + e] = sum;
                    }
        return dw;
    }

    private static (Tensor X, Tensor W, Tensor B, Tensor Dy) Inputs(Case c, DType dtype)
    {
        var gen = new Generator(7);
        var x = Tensor.Randn([c.N, c.C, c.H, c.W], gen, dtype).RequiresGrad_();
        var w = Tensor.Randn([c.O, c.C / c.Groups, c.K, c.K], gen, dtype).RequiresGrad_();
        var b = Tensor.Randn([c.O], gen, dtype).RequiresGrad_();
        var dy = Tensor.Randn([c.N, c.O, c.OH, c.OW], gen, dtype);
        return (x, w, b, dy);
    }

    private static double Dot(Tensor a, Tensor b) => (a.Double() * b.Double()).Sum().Item<double>();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_ValuesMatchDirectConvolutionAndGradientsAreAdjoints(Case c)
    {
        var (x, w, b, dy) = Inputs(c, DType.Float64);
        var y = c.Run(x, w, b);
        Check.Close(y, [c.N, c.O, c.OH, c.OW], NaiveConv(c, x.ToArray<double>(), w.ToArray<double>(), b.ToArray<double>()), 1e-10);
        (y * dy).Sum().Backward();
        // y - b is linear in x and in w: <dy, y - b> = <x.grad, x> = <w.grad, w>; b.grad is dy summed over N, OH, OW.
        double expected = Dot(dy, y.Detach() - b.Detach().Reshape(1, c.O, 1, 1));
        Assert.Equal(expected, Dot(x.Grad!, x.Detach()), 1e-8 * Math.Max(1, Math.Abs(expected)));
        Assert.Equal(expected, Dot(w.Grad!, w.Detach()), 1e-8 * Math.Max(1, Math.Abs(expected)));
        Check.Close(b.Grad!, dy.Sum([0, 2, 3]).ToArray<double>(), 1e-10);
        Check.Close(w.Grad!, NaiveWeightGrad(c, x.Detach().ToArray<double>(), dy.ToArray<double>()), 1e-9);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_Float32_BitIdenticalForOneAndTwoThreads(Case c)
    {
        float[][] Run(int threads)
        {
            int saved = Kernels.Threading.NumThreads;
            Kernels.Threading.NumThreads = threads;
            try
            {
                var (x, w, b, dy) = Inputs(c, DType.Float32);
                var y = c.Run(x, w, b);
                (y * dy).Sum().Backward();
                return [y.ToArray<float>(), x.Grad!.ToArray<float>(), w.Grad!.ToArray<float>(), b.Grad!.ToArray<float>()];
            }
            finally
            {
                Kernels.Threading.NumThreads = saved;
            }
        }
        var one = Run(1);
        var two = Run(2);
        for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        // The float kernels have their own panel widths (64 columns with AVX-512): the weight gradient against a direct sum.
        var (x, _, _, dy) = Inputs(c, DType.Float32);
        Check.Close(Tensor.FromBuffer(one[2], one[2].Length), NaiveWeightGrad(c, x.ToArray<double>(), dy.ToArray<double>()), 1e-3);
    }

    [Fact]
    public void MaxPool2d_2x2_FirstMaximumNaNWinsAndOddEdgesDropped()
    {
        // 9 x 13 planes: 4 x 6 windows (4 vectorised, 2 scalar per row), last row and column unused; values in
        // {0, 1, 2} make many ties, and some NaNs.
        int planes = 6, h = 9, w = 13, oh = 4, ow = 6;
        var gen = new Generator(3);
        var data = Tensor.Randint(0, 3, [planes * h * w], gen).ToArray<long>().Select(v => (float)v).ToArray();
        for (int i = 5; i < data.Length; i += 37) data[i] = float.NaN;
        var x = Tensor.FromBuffer(data, 2, 3, h, w).RequiresGrad_();
        var (y, idx) = Tensor.MaxPool2dWithIndices(x, 2);
        var values = y.ToArray<float>();
        var indices = idx.ToArray<long>();
        for (int p = 0, o = 0; p < planes; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, o++)
                {
                    float best = 0;
                    long at = -1;
                    foreach (var (a, e) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        long k = (2 * i + a) * w + 2 * j + e;
                        float v = data[p * h * w + k];
                        if (at < 0 || v > best || float.IsNaN(v)) (best, at) = (v, k);
                    }
                    Assert.Equal(at, indices[o]);
                    Assert.Equal(best, values[o]);
                }
        var dy = Tensor.Randn(y.Shape, gen);
        (y * dy).Sum().Backward();
        var grad = new float[data.Length];
        var dyv = dy.ToArray<float>();
        for (int p = 0, o = 0; p < planes; p++)
            for (int q = 0; q < oh * ow; q++, o++) grad[p * h * w + indices[o]] += dyv[o];
        Assert.Equal(grad, x.Grad!.ToArray<float>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MaxPool2d_2x2_CodedArgmaxMatchesIndexedPath(int threads)
    {
        // MaxPool2d without indices keeps the argmax as byte codes; values, gradient (ties, NaN, odd edges, a 4-aligned
        // and a scalar tail per row) and the double-backward graph must match the int64-index path.
        int saved = Kernels.Threading.NumThreads;
        Kernels.Threading.NumThreads = threads;
        try
        {
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            {
                var gen = new Generator(5);
                var data = Tensor.Randint(0, 3, [3 * 4 * 11 * 15], gen).ToArray<long>().Select(v => (double)v).ToArray();
                for (int i = 7; i < data.Length; i += 41) data[i] = double.NaN;
                var dy = Tensor.Randn([3, 4, 5, 7], gen, dtype);
                var xa = Tensor.FromBuffer(data, 3, 4, 11, 15).To(dtype).RequiresGrad_();
                var xb = Tensor.FromBuffer(data, 3, 4, 11, 15).To(dtype).RequiresGrad_();
                var ya = Tensor.MaxPool2d(xa, 2);
                var yb = Tensor.MaxPool2dWithIndices(xb, 2).Output;
                Assert.Equal("MaxPool2DWithIndicesBackward0", ya.GradFn!.Name);
                Assert.Equal(yb.ToArray<double>(), ya.ToArray<double>());
                // First-order gradient through the codes, then a second order through the recorded (indexed) scatter.
                var ga = Autograd.Grad((ya * dy).Sum(), [xa], createGraph: false)[0]!;
                var gb = Autograd.Grad((yb * dy).Sum(), [xb], createGraph: false)[0]!;
                Assert.Equal(gb.ToArray<double>(), ga.ToArray<double>());
                var dyg = dy.Clone().RequiresGrad_();
                var gg = Autograd.Grad((Tensor.MaxPool2d(xa, 2) * dyg).Sum(), [xa], createGraph: true)[0]!;
                var r = Tensor.Randn(gg.Shape, gen, dtype);
                var d2 = Autograd.Grad((gg * r).Sum(), [dyg])[0]!;
                Assert.Equal(Tensor.MaxPool2dWithIndices(xb.Detach(), 2).Output.ToArray<double>().Length, d2.Numel());
                var expected = Tensor.MaxPool2dWithIndices(xb.Detach(), 2).Indices;
                var rv = r.ToArray<double>();
                var iv = expected.ToArray<long>();
                var d2v = d2.ToArray<double>();
                for (int o = 0; o < iv.Length; o++) Assert.Equal(rv[o / 35 * 165 + (int)iv[o]], d2v[o]);
            }
        }
        finally
        {
            Kernels.Threading.NumThreads = saved;
        }
    }

    [Fact]
    public void Kernel512Rows4_SameBitsAsSixRowKernelAndNaiveProduct()
    {
        // 12 x 75 times 75 x 300 (k crosses a 256-deep slice, n has a narrow 11-column and a 44-column edge panel).
        int m = 12, n = 75, k = 300;
        var rnd = new Random(4);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(rnd.NextDouble() - 0.5)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(rnd.NextDouble() - 0.5)).ToArray();
        float[] Run<TK>() where TK : struct, Kernels.IGemmKernel<float>
        {
            var ap = new float[Kernels.GemmPrepacked.SizeA<float, TK>(m, k)];
            var bp = new float[Kernels.GemmPrepacked.SizeB<float, TK>(n, k)];
            Kernels.GemmPrepacked.PackA<float, TK>(a, 0, k, 1, m, k, ap, 0);
            for (int j = 0; j < n; j += TK.NR)
                Kernels.GemmPacking.PackB(b, j, n, 1, Math.Min(TK.NR, n - j), k, TK.NR, bp.AsSpan(j * k, TK.NR * k));
            var c = Enumerable.Repeat(1f, m * n).ToArray();
            Kernels.GemmPrepacked.Multiply<float, TK>(ap, 0, bp, 0, c, 0, n, m, n, k, accumulate: true);
            return c;
        }
        var four = Run<Kernels.Kernel512Rows4<float>>();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 1;
                for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                Assert.Equal(sum, four[i * n + j], 1e-4);
            }
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            Assert.Equal(Run<Kernels.Kernel512<float>>(), four);
    }
}
