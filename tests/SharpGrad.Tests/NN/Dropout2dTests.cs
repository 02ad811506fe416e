using SharpGrad.NN;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class Dropout2dTests
{
    /// <summary>Every [H, W] plane of y is either all zero or exactly x / (1 - p); returns the fraction of zeroed planes.</summary>
    private static double CheckWholeChannels(Tensor x, Tensor y, double p)
    {
        var planes = x.Reshape(x.Size(0) * x.Size(1), -1);
        var outPlanes = y.Reshape(planes.Shape);
        int zeroed = 0;
        for (int i = 0; i < planes.Size(0); i++)
        {
            var o = outPlanes[i].ToArray<double>();
            var v = planes[i].ToArray<double>();
            bool dropped = o.All(e => e == 0);
            if (dropped) zeroed++;
            else for (int k = 0; k < v.Length; k++) Assert.Equal(v[k] / (1 - p), o[k], 1e-12);
        }
        return (double)zeroed / planes.Size(0);
    }

    [Fact]
    public void Dropout2d_ZeroesWholeChannels_AtRateP_AndScalesTheRest()
    {
        var x = Tensor.Rand([40, 50, 2, 3], new Generator(1), DType.Float64) + 0.5;
        var y = F.Dropout2d(x, 0.3, generator: new Generator(2));
        double rate = CheckWholeChannels(x, y, 0.3);
        // 2000 channels: the rate's standard deviation is about 0.01.
        Assert.InRange(rate, 0.25, 0.35);
        double rate1d = CheckWholeChannels(x[.., .., 0], F.Dropout1d(x[.., .., 0], 0.6, generator: new Generator(3)), 0.6);
        Assert.InRange(rate1d, 0.55, 0.65);
    }

    [Fact]
    public void Dropout2d_OnStridedInput_AndUnbatched1d()
    {
        var x = TorchReference.Strided(Tensor.Rand([30, 20, 3, 2], new Generator(4), DType.Float64) + 0.5);
        var y = F.Dropout2d(x, 0.5, generator: new Generator(5));
        Assert.InRange(CheckWholeChannels(x, y, 0.5), 0.4, 0.6);
        var rows = Tensor.Rand([400, 3], new Generator(6), DType.Float64) + 0.5;
        var kept = F.Dropout1d(rows, 0.5, generator: new Generator(7));
        Assert.InRange(CheckWholeChannels(rows.Unsqueeze(0), kept.Unsqueeze(0), 0.5), 0.4, 0.6);
    }

    [Fact]
    public void Dropout2d_EvalAndPZeroAreIdentity_POneZeroesAll_InplaceOverwrites()
    {
        var x = Tensor.Rand(2, 3, 4, 4);
        var layer = new Dropout2d(0.5);
        layer.Eval();
        Assert.Same(x, layer.Forward(x));
        Assert.Same(x, F.Dropout2d(x, 0.0));
        Assert.Equal(0.0, F.Dropout2d(x, 1.0).Abs().Sum().Item());
        var copy = x.Clone();
        var y = F.Dropout2d(copy, 0.5, inplace: true, generator: new Generator(8));
        Assert.Same(copy, y);
        Assert.Equal("Dropout2d(p=0.5, inplace=False)", new Dropout2d().ToString());
        Assert.Equal("Dropout1d(p=0.2, inplace=True)", new Dropout1d(0.2, true).ToString());
    }

    [Fact]
    public void Dropout2d_GradCheck()
    {
        // A fresh generator with the same seed on every call gives the same mask each time.
        Check.Gradients(t => F.Dropout2d(t[0], 0.4, generator: new Generator(9)), TorchReference.Strided(Check.Input(1, 3, 4, 2, 2)));
        Check.Gradients(t => F.Dropout1d(t[0], 0.4, generator: new Generator(9)), Check.Input(2, 5, 3));
    }

    [Fact]
    public void Dropout2d_RejectsBadArguments()
    {
        Check.Throws<ArgumentException>(() => new Dropout2d(1.5), "Dropout2d", "between 0 and 1", "1.5");
        Check.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Zeros(3, 3), -0.1), "dropout2d", "-0.1");
        Check.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Zeros(3)), "dropout2d", "[3]");
        Check.Throws<ArgumentException>(() => F.Dropout1d(Tensor.Zeros(1, 2, 3, 4)), "dropout1d", "2D or 3D", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => new Dropout1d(-1), "Dropout1d", "-1");
    }
}
