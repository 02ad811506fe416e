using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// Outputs allocated without a zero fill (conv, pooling, GEMM) on edge geometries: zero channels, strides larger than the
/// kernel (input pixels no window reads), dilation, ceil mode, k = 0; memory poisoned with NaN first (arrays kept
/// below the large-object threshold so that a gen-0 collection recycles them).
/// </summary>
public class ReviewEdgeTests
{
    private static void Poison(int n)
    {
        for (int i = 0; i < 64; i++) { Array.Fill(new float[n], float.NaN); Array.Fill(new double[n], double.NaN); }
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static void AllFinite(Tensor t, string what)
    {
        var v = t.Double().Contiguous().ToArray<double>();
        for (int i = 0; i < v.Length; i++) Assert.True(double.IsFinite(v[i]), $"{what}[{i}] = {v[i]}");
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(4, 0)]
    public void Conv2d_ZeroChannels(int c, int o)
    {
        var x = Tensor.Randn([3, c, 20, 20], new Generator(1)).RequiresGrad_();
        var w = Tensor.Randn([o, c, 3, 3], new Generator(2)).RequiresGrad_();
        var b = Tensor.Randn([o], new Generator(3)).RequiresGrad_();
        Poison(3 * 4 * 20 * 20);
        var y = Tensor.Conv2d(x, w, b, padding: 1);
        AllFinite(y, "y");
        if (c == 0) Check.Close(y, [3, o, 20, 20], Enumerable.Range(0, 3 * o * 400).Select(i => (double)b.ToArray<float>()[(i / 400) % o]).ToArray(), 1e-6);
        Poison(3 * 4 * 20 * 20);
        (y * 2).Sum().Backward();
        AllFinite(x.Grad!, "x.grad");
        AllFinite(w.Grad!, "w.grad");
        Assert.All(x.Grad!.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(3, 0, 1)]
    [InlineData(3, 1, 2)]
    [InlineData(1, 4, 1)]
    [InlineData(2, 3, 2)]
    [InlineData(1, 1, 2)]
    [InlineData(1, 2, 3)]
    public void Conv2d_InputGrad_EveryElementWritten(int s, int p, int d)
    {
        int n = 2, c = 4, h = 23, wd = 19, o = 6, k = 2;
        var x = Tensor.Randn([n, c, h, wd], new Generator(1), DType.Float64).RequiresGrad_();
        var w = Tensor.Randn([o, c / 2, k, k], new Generator(2), DType.Float64).RequiresGrad_();
        var y = Tensor.Conv2d(x, w, null, stride: s, padding: p, dilation: d, groups: 2);
        var dy = Tensor.Randn(y.Shape, new Generator(3), DType.Float64);
        int oh = y.Size(2), ow = y.Size(3);
        var expected = new double[n * c * h * wd];
        var forward = new double[n * o * oh * ow];
        var wv = w.Detach().ToArray<double>(); var dv = dy.ToArray<double>(); var xv = x.Detach().ToArray<double>();
        for (int b = 0; b < n; b++) for (int oc = 0; oc < o; oc++) for (int ci = 0; ci < c / 2; ci++)
            for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int a = 0; a < k; a++) for (int e = 0; e < k; e++)
            {
                int ih = i * s - p + a * d, iw = j * s - p + e * d;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                int cin = oc / (o / 2) * (c / 2) + ci;
                expected[((b * c + cin) * h + ih) * wd + iw] += dv[((b * o + oc) * oh + i) * ow + j] * wv[((oc * (c / 2) + ci) * k + a) * k + e];
                forward[((b * o + oc) * oh + i) * ow + j] += xv[((b * c + cin) * h + ih) * wd + iw] * wv[((oc * (c / 2) + ci) * k + a) * k + e];
            }
        Poison(n * o * oh * ow);
        Check.Close(Tensor.Conv2d(x.Detach(), w.Detach(), null, stride: s, padding: p, dilation: d, groups: 2), forward, 1e-10);
        Poison(n * c * h * wd);
        (y * dy).Sum().Backward();
        Check.Close(x.Grad!, expected, 1e-10);
    }

    [Theory]
    [InlineData(2, 3, 0, false)]
    [InlineData(3, 2, 1, true)]
    [InlineData(2, 2, 1, true)]
    [InlineData(2, 2, 0, true)]
    public void Pools_EveryElementWritten(int k, int s, int p, bool ceil)
    {
        var x = Tensor.Randn([2, 3, 41, 39], new Generator(4), DType.Float64).RequiresGrad_();
        Poison(2 * 3 * 41 * 39);
        var y = Tensor.MaxPool2d(x, k, s, p, ceilMode: ceil);
        AllFinite(y, "max y");
        Poison(2 * 3 * 41 * 39);
        y.Sum().Backward();
        AllFinite(x.Grad!, "max x.grad");
        Assert.Equal(y.Numel(), x.Grad!.Sum().Item<double>(), 1e-9);
        x.Grad = null;
        Poison(2 * 3 * 41 * 39);
        var z = Tensor.AvgPool2d(x, k, s, p, ceil);
        AllFinite(z, "avg y");
        Poison(2 * 3 * 41 * 39);
        z.Sum().Backward();
        AllFinite(x.Grad!, "avg x.grad");
    }

    [Fact]
    public void LinearAndBmm_ZeroInnerDim()
    {
        var x = Tensor.Zeros([200, 0]).RequiresGrad_();
        var w = Tensor.Zeros([100, 0]).RequiresGrad_();
        var b = Tensor.Arange(100).Float();
        Poison(20000);
        var y = SharpGrad.NN.Functional.Linear(x, w, b);
        Check.Close(y, [200, 100], Enumerable.Range(0, 20000).Select(i => (double)(i % 100)).ToArray(), 0);
        Poison(20000);
        var y0 = SharpGrad.NN.Functional.Linear(x, w);
        Check.Close(y0, [200, 100], new double[20000], 0);
        Poison(20000);
        var z = Tensor.Zeros([2, 100, 0]).Bmm(Tensor.Zeros([2, 0, 100]));
        Check.Close(z, [2, 100, 100], new double[20000], 0);
    }
}
