using SharpGrad;
using SharpGrad.NN;

namespace SharpGrad.Tests;

public class InitTests
{
    [Theory]
    [InlineData("linear", null, 1.0)]
    [InlineData("conv2d", null, 1.0)]
    [InlineData("sigmoid", null, 1.0)]
    [InlineData("tanh", null, 5.0 / 3)]
    [InlineData("relu", null, 1.4142135623730951)]
    [InlineData("leaky_relu", null, 1.4141428569978354)]
    [InlineData("leaky_relu", 0.2, 1.3867504905630728)]
    [InlineData("selu", null, 0.75)]
    public void CalculateGain_MatchesPyTorch(string nonlinearity, double? param, double expected)
        => Assert.Equal(expected, Init.CalculateGain(nonlinearity, param), 12);

    [Fact]
    public void CalculateGain_RejectsUnknownNonlinearity()
        => Check.Throws<ArgumentException>(() => Init.CalculateGain("swish"), "calculate_gain", "swish");

    [Fact]
    public void FanInAndFanOut_ForLinearAndConvWeights()
    {
        Assert.Equal((784, 200), Init.CalculateFanInAndFanOut(Tensor.Zeros(200, 784)));
        Assert.Equal((3 * 25, 32 * 25), Init.CalculateFanInAndFanOut(Tensor.Zeros(32, 3, 5, 5)));
        Check.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Zeros(5)), "fewer than 2 dimensions", "[5]");
    }

    [Fact]
    public void KaimingNormal_HasTheStdOfItsFormula()
    {
        var w = Tensor.Empty(400, 500);
        Init.KaimingNormal_(w, mode: "fan_in", nonlinearity: "relu", generator: new Generator(1));
        Check.Close(Math.Sqrt(2.0 / 500), w.Std().Item(), 0.02);
        Check.Close(0, w.Mean().Item(), 0.01);
        Init.KaimingNormal_(w, mode: "fan_out", nonlinearity: "relu", generator: new Generator(1));
        Check.Close(Math.Sqrt(2.0 / 400), w.Std().Item(), 0.02);
        Check.Throws<ArgumentException>(() => Init.KaimingNormal_(w, mode: "fan_avg"), "fan_avg");
    }

    [Fact]
    public void KaimingUniform_AndXavier_StayInTheirBounds()
    {
        var w = Tensor.Empty(300, 200);
        Init.KaimingUniform_(w, a: 0, nonlinearity: "relu");
        double bound = Math.Sqrt(2.0) * Math.Sqrt(3.0 / 200);
        Assert.True(w.Abs().Max().Item() <= bound);
        Assert.True(w.Abs().Max().Item() > 0.95 * bound);
        Init.XavierUniform_(w, gain: 2);
        double a = 2 * Math.Sqrt(6.0 / 500);
        Assert.True(w.Abs().Max().Item() <= a && w.Abs().Max().Item() > 0.95 * a);
        Init.XavierNormal_(w);
        Check.Close(Math.Sqrt(2.0 / 500), w.Std().Item(), 0.03);
    }

    [Fact]
    public void Initialisers_WorkOnParametersThatRequireGrad_AndAreSeeded()
    {
        var p = new Parameter(Tensor.Empty(3, 4));
        Init.Constant_(p, 0.5);
        Assert.All(p.ToArray(), v => Assert.Equal(0.5f, v));
        Init.Zeros_(p);
        Assert.Equal(0.0, p.Abs().Sum().Item());
        Init.Ones_(p);
        Assert.Equal(12.0, p.Sum().Item());
        Assert.True(p.IsLeaf && p.RequiresGrad && p.GradFn is null);
        var q = new Parameter(Tensor.Empty(3, 4));
        Init.Normal_(p, 1, 2, new Generator(9));
        Init.Normal_(q, 1, 2, new Generator(9));
        Assert.Equal(p.ToArray(), q.ToArray());
        Init.Uniform_(p, -1, 1);
        Assert.True(p.Abs().Max().Item() <= 1);
    }
}
