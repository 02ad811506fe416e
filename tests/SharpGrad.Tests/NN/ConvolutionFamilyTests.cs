using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

/// <summary>Conv1d and ConvTranspose2d against PyTorch, gradcheck, strided inputs and errors.</summary>
public class ConvolutionFamilyTests
{
    private static Conv1d ReferenceConv1d()
    {
        var conv = new Conv1d(4, 6, 3, stride: 2, padding: 1, dilation: 2, groups: 2, dtype: DType.Float64);
        conv.Weight.Data = R.T(R.Conv1dWeight, R.Conv1dWeightShape);
        conv.Bias!.Data = R.T(R.Conv1dBias, R.Conv1dBiasShape);
        return conv;
    }

    [Fact]
    public void Conv1d_MatchesPyTorch()
    {
        var conv = ReferenceConv1d();
        var x = R.T(R.Conv1dX, R.Conv1dXShape);
        Check.Close(conv.Forward(x), R.Conv1dYShape, R.Conv1dY, 1e-12);
        Check.Close(conv.Forward(R.Strided(x)), R.Conv1dYShape, R.Conv1dY, 1e-12);
        Check.Close(conv.Forward(x[1]), [6, 4], conv.Forward(x)[1].ToArray<double>(), 1e-13);
        Assert.Equal("Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2)", conv.ToString());
        Assert.Equal("Conv1d(1, 2, kernel_size=(5,), stride=(1,), bias=False)", new Conv1d(1, 2, 5, bias: false).ToString());
    }

    [Fact]
    public void Conv1d_DefaultInitBounds()
    {
        var conv = new Conv1d(4, 8, 3, generator: new Generator(2));
        double bound = 1 / Math.Sqrt(4 * 3);
        Assert.True(conv.Weight.Abs().Max().Item() <= bound);
        Assert.True(conv.Bias!.Abs().Max().Item() <= bound);
    }

    [Fact]
    public void Conv1d_GradCheck()
    {
        var conv = ReferenceConv1d();
        Check.Gradients(t => F.Conv1d(t[0], t[1], t[2], 2, 1, 2, 2), R.Strided(Check.Input(1, 2, 4, 7)), conv.Weight, conv.Bias!);
        Check.Gradients(t => F.Conv1d(t[0], t[1]), Check.Input(2, 3, 5), Check.Input(3, 2, 3, 2));
    }

    [Fact]
    public void Conv1d_RejectsBadShapes()
    {
        var w = Tensor.Zeros(6, 2, 3);
        Check.Throws<ArgumentException>(() => F.Conv1d(Tensor.Zeros(1, 2, 4, 4), w), "conv1d", "2D", "3D", "[1, 2, 4, 4]");
        Check.Throws<ArgumentException>(() => F.Conv1d(Tensor.Zeros(1, 2, 4), Tensor.Zeros(6, 2)), "conv1d", "3D weight", "[6, 2]");
        Check.Throws<ArgumentException>(() => F.Conv1d(Tensor.Zeros(1, 3, 8), w), "conv1d", "2 input channels", "[1, 3, 8]", "[6, 2, 3]");
        Check.Throws<ArgumentException>(() => F.Conv1d(Tensor.Zeros(1, 2, 2), w), "conv1d", "kernel size 3", "input length 2");
        Check.Throws<ArgumentException>(() => new Conv1d(3, 4, 3, groups: 2), "Conv1d", "in_channels (3)", "groups (2)");
        Check.Throws<ArgumentException>(() => new Conv1d(2, 4, 0), "Conv1d", "kernel_size", "0");
    }
}
