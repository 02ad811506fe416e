using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>The one-pass relu gradient equals the composite g * (y &gt; 0) bit for bit, NaN and infinite gradients included.</summary>
public class ReluBackwardTests
{
    [Theory]
    [InlineData(DType.Float32, 1003)]
    [InlineData(DType.Float64, 37)]
    public void ReluGradient_MatchesTheComposite(DType dtype, int n)
    {
        var x = Tensor.Randn([n], new Generator(5), dtype);
        x[0] = Tensor.From(0.0).To(dtype); // relu'(0) = 0, as in PyTorch
        var g = Tensor.Randn([n], new Generator(6), dtype);
        g[1] = Tensor.From(double.NaN).To(dtype);
        g[2] = Tensor.From(double.PositiveInfinity).To(dtype);
        g[n - 1] = Tensor.From(double.NegativeInfinity).To(dtype);
        var leaf = x.Clone().RequiresGrad_();
        leaf.Relu().Backward(g);
        var expected = (g * x.Relu().Gt(0.0)).ToArray<double>();
        var actual = leaf.Grad!.ToArray<double>();
        for (int i = 0; i < n; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void ReluGradient_OfStridedAndBroadcastGradients()
    {
        var x = Tensor.From(new double[,] { { 1, -2 }, { -3, 4 } }).RequiresGrad_();
        x.T.Relu().Sum().Backward(); // the gradient reaching relu is an expanded view
        Check.Close(x.Grad!, [1, 0, 0, 1]);
    }

    [Fact]
    public void ReluGradient_StaysDifferentiable_UnderCreateGraph()
    {
        var x = Tensor.From(new double[] { 1.5, -2 }).RequiresGrad_();
        var y = x.Relu() * x;
        var gx = Autograd.Grad(y.Sum(), [x], createGraph: true)[0]!;
        Check.Close(gx, [3, 0]);
        Check.Close(Autograd.Grad(gx.Sum(), [x])[0]!, [2, 0]);
    }
}
