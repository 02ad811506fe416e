using SharpGrad;
namespace SharpGrad.Tests;
/// <summary>Float32 conv fast paths (4- and 6-row kernels, panels, groups, dilation, strides) against the float64 path, forward and all gradients.</summary>
public class ReviewConvFloat32Tests
{
    [Fact]
    public void Conv2dFloat32_MatchesFloat64_OverGeometries()
    {
        var gen = new Generator(11);
        foreach (var (n, c, h, w, o, k, s, p, d, g) in new[] {
            (3, 3, 28, 28, 32, 5, 1, 2, 1, 1), (2, 32, 14, 14, 64, 5, 1, 2, 1, 1), (2, 32, 15, 13, 32, 3, 2, 1, 1, 1),
            (4, 16, 17, 9, 32, 3, 1, 1, 2, 2), (1, 8, 33, 31, 32, 1, 1, 0, 1, 1), (2, 64, 8, 8, 32, 3, 1, 1, 1, 4),
            (3, 1, 28, 28, 6, 5, 1, 0, 1, 1), (5, 6, 12, 12, 16, 5, 1, 0, 1, 1), (2, 3, 40, 37, 32, 7, 3, 3, 1, 1) })
        {
            var x = Tensor.Randn([n, c, h, w], gen, DType.Float64).RequiresGrad_();
            var wt = Tensor.Randn([o, c / g, k, k], gen, DType.Float64).RequiresGrad_();
            var b = Tensor.Randn([o], gen, DType.Float64).RequiresGrad_();
            var y = Tensor.Conv2d(x, wt, b, stride: s, padding: p, dilation: d, groups: g);
            var dy = Tensor.Randn(y.Shape, gen, DType.Float64);
            (y * dy).Sum().Backward();
            var xf = x.Detach().Float().RequiresGrad_(); var wf = wt.Detach().Float().RequiresGrad_(); var bf = b.Detach().Float().RequiresGrad_();
            var yf = Tensor.Conv2d(xf, wf, bf, stride: s, padding: p, dilation: d, groups: g);
            (yf * dy.Float()).Sum().Backward();
            void Cmp(Tensor a, Tensor e, string what)
            {
                var av = a.Double().ToArray<double>(); var ev = e.ToArray<double>();
                for (int i = 0; i < ev.Length; i++) Assert.True(Math.Abs(av[i] - ev[i]) <= 1e-3 * (1 + Math.Abs(ev[i])), $"{what} ({n},{c},{h},{w},{o},{k},{s},{p},{d},{g}) [{i}] {av[i]} vs {ev[i]}");
            }
            Cmp(yf, y.Detach(), "y"); Cmp(xf.Grad!, x.Grad!, "dx"); Cmp(wf.Grad!, wt.Grad!, "dw"); Cmp(bf.Grad!, b.Grad!, "db");
        }
    }
}
