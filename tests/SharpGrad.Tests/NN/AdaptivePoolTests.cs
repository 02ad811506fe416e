using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class AdaptivePoolTests
{
    [Fact]
    public void AdaptiveAvgPool2d_MatchesPyTorch_OverlappingAndDivisible()
    {
        var x = R.T(R.AdaptivePoolX, R.AdaptivePoolXShape);
        Check.Close(new AdaptiveAvgPool2d((3, 4)).Forward(x), R.AdaptivePoolYShape, R.AdaptivePoolY, 1e-13);
        Check.Close(new AdaptiveAvgPool2d((3, 4)).Forward(R.Strided(x)), R.AdaptivePoolYShape, R.AdaptivePoolY, 1e-13);
        var even = R.T(R.AdaptivePoolEvenX, R.AdaptivePoolEvenXShape);
        Check.Close(F.AdaptiveAvgPool2d(even, (2, 3)), R.AdaptivePoolEvenYShape, R.AdaptivePoolEvenY, 1e-13);
        Check.Close(F.AdaptiveAvgPool2d(R.Strided(even), (2, 3)), R.AdaptivePoolEvenYShape, R.AdaptivePoolEvenY, 1e-13);
    }

    [Fact]
    public void AdaptiveAvgPool2d_OneIsGlobalMean_NullKeepsASize_AndUnbatchedWorks()
    {
        var x = Check.Input(1, 2, 3, 5, 7).Detach();
        Check.Close(F.AdaptiveAvgPool2d(x, 1), [2, 3, 1, 1], x.Mean([2, 3]).ToArray<double>(), 1e-13);
        var rowsKept = F.AdaptiveAvgPool2d(x, (null, 1));
        Check.Close(rowsKept, [2, 3, 5, 1], x.Mean(3).ToArray<double>(), 1e-13);
        Check.Close(F.AdaptiveAvgPool2d(x[0], (2, 3)), [3, 2, 3], F.AdaptiveAvgPool2d(x, (2, 3))[0].ToArray<double>(), 1e-13);
        var pooled1d = new AdaptiveAvgPool1d(1).Forward(x[0]);
        Check.Close(pooled1d, [3, 5, 1], x[0].Mean(2, keepDim: true).ToArray<double>(), 1e-13);
        var f = F.AdaptiveAvgPool2d(x.Float(), (3, 4));
        Assert.Equal(DType.Float32, f.DType);
        Check.Close(f, F.AdaptiveAvgPool2d(x, (3, 4)).ToArray<double>(), 1e-6);
    }

    [Fact]
    public void AdaptiveAvgPool2d_GradCheck()
    {
        Check.Gradients(t => F.AdaptiveAvgPool2d(t[0], (3, 2)), Check.Input(2, 1, 2, 5, 4));
        Check.Gradients(t => F.AdaptiveAvgPool2d(t[0], (2, 2)), R.Strided(Check.Input(3, 2, 2, 4, 4)));
        Check.Gradients(t => F.AdaptiveAvgPool1d(t[0], 3), Check.Input(4, 2, 7));
        var y = F.AdaptiveAvgPool2d(Check.Input(5, 1, 1, 5, 5), 2);
        Assert.Equal("AdaptiveAvgPool2DBackward0", y.GradFn!.Name);
    }

    [Fact]
    public void AdaptiveAvgPool_PrintsLikePyTorch()
    {
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(3, 4))", new AdaptiveAvgPool2d((3, 4)).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(None, 7))", new AdaptiveAvgPool2d((null, 7)).ToString());
        Assert.Equal("AdaptiveAvgPool1d(output_size=5)", new AdaptiveAvgPool1d(5).ToString());
    }

    [Fact]
    public void AdaptiveAvgPool_RejectsBadShapes()
    {
        Check.Throws<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Zeros(4, 4), 2), "adaptive_avg_pool2d", "3D or 4D", "[4, 4]");
        Check.Throws<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Zeros(1, 4, 4), (0, 2)), "adaptive_avg_pool2d", "positive", "(0, 2)");
        Check.Throws<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Zeros(1, 0, 4), 2), "adaptive_avg_pool2d", "non-empty", "[1, 0, 4]");
        Check.Throws<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Zeros([1, 4, 4], DType.Int64), 2), "adaptive_avg_pool2d", "torch.int64");
        Check.Throws<ArgumentException>(() => new AdaptiveAvgPool2d((3, -1)), "AdaptiveAvgPool2d", "(3, -1)");
        Check.Throws<ArgumentException>(() => F.AdaptiveAvgPool1d(Tensor.Zeros(4), 2), "adaptive_avg_pool1d", "[4]");
    }
}
