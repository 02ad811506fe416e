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

public class ConvTransposeTests
{
    private static ConvTranspose2d ReferenceLayer()
    {
        var ct = new ConvTranspose2d(4, 6, (3, 2), (2, 1), (1, 0), (1, 0), groups: 2, dilation: (1, 2), dtype: DType.Float64);
        ct.Weight.Data = R.T(R.ConvTWeight, R.ConvTWeightShape);
        ct.Bias!.Data = R.T(R.ConvTBias, R.ConvTBiasShape);
        return ct;
    }

    [Fact]
    public void ConvTranspose2d_MatchesPyTorch()
    {
        var ct = ReferenceLayer();
        var x = R.T(R.ConvTX, R.ConvTXShape);
        Check.Close(ct.Forward(x), R.ConvTYShape, R.ConvTY, 1e-12);
        Check.Close(ct.Forward(R.Strided(x)), R.ConvTYShape, R.ConvTY, 1e-12);
        Check.Close(ct.Forward(x[1]), ct.Forward(x)[1].ToArray<double>(), 1e-13);
        var simple = F.ConvTranspose2d(R.T(R.ConvTSimpleX, R.ConvTSimpleXShape), R.T(R.ConvTSimpleWeight, R.ConvTSimpleWeightShape),
            stride: 2, padding: 1, outputPadding: 1);
        Check.Close(simple, R.ConvTSimpleYShape, R.ConvTSimpleY, 1e-12);
        Assert.Equal("ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), output_padding=(1, 0), groups=2)", ct.ToString());
        Assert.Equal("ConvTranspose2d(3, 2, kernel_size=(3, 3), stride=(1, 1), bias=False)", new ConvTranspose2d(3, 2, 3, bias: false).ToString());
    }

    [Fact]
    public void ConvTranspose2d_IsTheAdjointOfConv2d()
    {
        // <conv(x, w), y> = <x, conv_transpose(y, w)> for every x, y: the defining property, checked for a strided, dilated, grouped case.
        var w = Check.Input(1, 6, 2, 3, 2).Detach();
        var x = Check.Input(2, 2, 4, 9, 7).Detach();
        var conv = F.Conv2d(x, w, null, (2, 3), (1, 0), (2, 1), groups: 2);
        var y = Check.Input(3, conv.Shape).Detach();
        var back = F.ConvTranspose2d(y, w, null, (2, 3), (1, 0), (0, 0), 2, (2, 1));
        // Rows and columns the strided convolution never reads have no transposed counterpart: they are zeros.
        var full = F.Pad(back, [0, x.Size(3) - back.Size(3), 0, x.Size(2) - back.Size(2)]);
        Check.Close((conv * y).Sum().Item(), (x * full).Sum().Item(), 1e-12);
    }

    [Fact]
    public void ConvTranspose2d_OutputSizeChoosesTheOutputPadding()
    {
        var ct = new ConvTranspose2d(2, 3, 3, stride: 2, padding: 1, dtype: DType.Float64, generator: new Generator(1));
        var x = Check.Input(4, 1, 2, 4, 4).Detach();
        Assert.Equal([1, 3, 7, 7], ct.Forward(x).Shape);
        var y = ct.Forward(x, (8, 7));
        Assert.Equal([1, 3, 8, 7], y.Shape);
        Check.Close(y, F.ConvTranspose2d(x, ct.Weight, ct.Bias, (2, 2), (1, 1), (1, 0)).ToArray<double>(), 0);
        Check.Throws<ArgumentException>(() => ct.Forward(x, (9, 7)), "ConvTranspose2d", "(9, 7)", "7 to 8");
    }

    [Fact]
    public void ConvTranspose2d_OutputPaddingBelowTheDilationButNotTheStride()
    {
        // outputPadding 1 with stride 1 is allowed by dilation 2: the extra row and column see only the kernel's far taps.
        var w = Check.Input(5, 2, 1, 2, 2);
        var x = Check.Input(6, 1, 2, 3, 3);
        var y = F.ConvTranspose2d(x, w, null, (1, 1), (0, 0), (1, 1), 1, (2, 2));
        Assert.Equal([1, 1, 6, 6], y.Shape);
        var plain = F.ConvTranspose2d(x, w, null, (1, 1), (0, 0), (0, 0), 1, (2, 2));
        Check.Close(y[.., .., ..5, ..5], plain.ToArray<double>(), 1e-14);
        Check.Gradients(t => F.ConvTranspose2d(t[0], t[1], null, (1, 1), (0, 0), (1, 1), 1, (2, 2)), x, w);
    }

    [Fact]
    public void ConvTranspose2d_GradCheck()
    {
        var ct = ReferenceLayer();
        Check.Gradients(t => F.ConvTranspose2d(t[0], t[1], t[2], (2, 1), (1, 0), (1, 0), 2, (1, 2)),
            R.Strided(Check.Input(7, 1, 4, 2, 3)), ct.Weight, ct.Bias!);
        Check.Gradients(t => F.ConvTranspose2d(t[0], t[1], stride: 2), Check.Input(8, 3, 2, 2), Check.Input(9, 3, 2, 2, 2));
        Assert.Equal("ConvolutionBackward0", ct.Forward(Check.Input(10, 1, 4, 2, 2)).GradFn!.Name);
    }

    [Fact]
    public void ConvTranspose2d_RejectsBadArguments()
    {
        var x = Tensor.Zeros(1, 4, 3, 3);
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros(3, 2, 3, 3)), "conv_transpose2d", "Cin = 4", "[3, 2, 3, 3]");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Zeros(4, 3), Tensor.Zeros(4, 2, 3, 3)), "conv_transpose2d", "3D", "4D", "[4, 3]");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3), stride: 2, outputPadding: 2), "conv_transpose2d", "outputPadding (2, 2)", "stride (2, 2)");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3), Tensor.Zeros(3)), "conv_transpose2d", "bias", "[2]", "[3]");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3), groups: 3), "conv_transpose2d", "in_channels (4)", "groups (3)");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros(4, 2, 1, 1), padding: 2), "conv_transpose2d", "output size", "too small");
        Check.Throws<ArgumentException>(() => F.ConvTranspose2d(x, Tensor.Zeros([4, 2, 3, 3], DType.Float64)), "conv_transpose2d", "torch.float32", "torch.float64");
        Check.Throws<ArgumentException>(() => new ConvTranspose2d(3, 4, 3, groups: 2), "ConvTranspose2d", "in_channels (3)");
    }
}

public class ConvTranspose1dTests
{
    [Fact]
    public void ConvTranspose1d_MatchesPyTorch_GradChecks_AndRejectsBadShapes()
    {
        var ct = new ConvTranspose1d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2, dtype: DType.Float64);
        ct.Weight.Data = R.T(R.ConvT1dWeight, R.ConvT1dWeightShape);
        ct.Bias!.Data = R.T(R.ConvT1dBias, R.ConvT1dBiasShape);
        var x = R.T(R.ConvT1dX, R.ConvT1dXShape);
        Check.Close(ct.Forward(x), R.ConvT1dYShape, R.ConvT1dY, 1e-12);
        Check.Close(ct.Forward(R.Strided(x)), R.ConvT1dYShape, R.ConvT1dY, 1e-12);
        Check.Close(ct.Forward(x[0]), ct.Forward(x)[0].ToArray<double>(), 1e-13);
        Assert.Equal("ConvTranspose1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), output_padding=(1,), groups=2)", ct.ToString());
        Check.Gradients(t => F.ConvTranspose1d(t[0], t[1], t[2], 2, 1, 1, 2, 2), Check.Input(1, 1, 4, 3), ct.Weight, ct.Bias!);
        Check.Throws<ArgumentException>(() => F.ConvTranspose1d(Tensor.Zeros(4), Tensor.Zeros(4, 2, 3)), "conv_transpose1d", "[4]");
        Check.Throws<ArgumentException>(() => F.ConvTranspose1d(Tensor.Zeros(1, 4, 5), Tensor.Zeros(4, 2)), "conv_transpose1d", "3D weight", "[4, 2]");
        Check.Throws<ArgumentException>(() => new ConvTranspose1d(3, 4, 3, groups: 2), "ConvTranspose1d", "in_channels (3)");
    }
}
