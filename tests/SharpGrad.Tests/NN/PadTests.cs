using SharpGrad.NN;
using F = SharpGrad.NN.Functional;
using R = SharpGrad.Tests.TorchReference;

namespace SharpGrad.Tests;

public class PadTests
{
    private static Tensor X => R.T(R.PadX, R.PadXShape);

    [Fact]
    public void Pad_EveryModeMatchesPyTorch()
    {
        foreach (var x in new[] { X, R.Strided(X) })
        {
            Check.Close(F.Pad(x, [1, 2, 2, 1], value: 0.5), R.PadConstantShape, R.PadConstant, 0);
            Check.Close(F.Pad(x, [2, 1, 1, 2], "reflect"), R.PadReflectShape, R.PadReflect, 0);
            Check.Close(F.Pad(x, [3, 1, 0, 2], "replicate"), R.PadReplicateShape, R.PadReplicate, 0);
            Check.Close(F.Pad(x, [1, 2, 2, 1], "circular"), R.PadCircularShape, R.PadCircular, 0);
            Check.Close(F.Pad(x, [-1, 2]), R.PadNegativeShape, R.PadNegative, 0);
        }
        Check.Close(F.Pad(R.T(R.Pad1dX, R.Pad1dXShape), [2, 3], "reflect"), R.Pad1dReflectShape, R.Pad1dReflect, 0);
    }

    [Fact]
    public void PadLayers_AreFPadWithTheirMode_AndPrintLikePyTorch()
    {
        Check.Close(new ReflectionPad2d((2, 1, 1, 2)).Forward(X), R.PadReflect, 0);
        Check.Close(new ReplicationPad2d((3, 1, 0, 2)).Forward(X), R.PadReplicate, 0);
        Check.Close(new ConstantPad2d((1, 2, 2, 1), 0.5).Forward(X), R.PadConstant, 0);
        var x1 = R.T(R.Pad1dX, R.Pad1dXShape);
        Check.Close(new ReflectionPad1d((2, 3)).Forward(x1), R.Pad1dReflect, 0);
        Check.Close(new ZeroPad2d(1).Forward(X), F.Pad(X, [1, 1, 1, 1]).ToArray<double>(), 0);
        Check.Close(new ReplicationPad1d(2).Forward(x1), F.Pad(x1, [2, 2], "replicate").ToArray<double>(), 0);
        Check.Close(new ConstantPad1d(2, -1).Forward(x1), F.Pad(x1, [2, 2], value: -1).ToArray<double>(), 0);
        Assert.Equal("ZeroPad2d((2, 2, 2, 2))", new ZeroPad2d(2).ToString());
        Assert.Equal("ZeroPad2d((1, 2, 3, 4))", new ZeroPad2d((1, 2, 3, 4)).ToString());
        Assert.Equal("ConstantPad1d(padding=(2, 2), value=3.5)", new ConstantPad1d(2, 3.5).ToString());
        Assert.Equal("ConstantPad2d(padding=(1, 0, 2, 0), value=1.0)", new ConstantPad2d((1, 0, 2, 0), 1.0).ToString());
        Assert.Equal("ReflectionPad1d((1, 2))", new ReflectionPad1d((1, 2)).ToString());
        Assert.Equal("ReplicationPad2d((1, 1, 1, 1))", new ReplicationPad2d(1).ToString());
    }

    [Fact]
    public void Pad_ConstantWorksOnAnyNumberOfDims_AndKeepsTheDtype()
    {
        var x = Tensor.From(new long[,] { { 1, 2 }, { 3, 4 } });
        var y = F.Pad(x, [0, 1, 1, 0], value: 9);
        Assert.Equal(DType.Int64, y.DType);
        Check.Close(y, [3, 3], [9, 9, 9, 1, 2, 9, 3, 4, 9]);
        Check.Close(F.Pad(Tensor.From(new[] { 1f, 2f, 3f }), [-1, -1]), [1], [2]);
    }

    [Fact]
    public void Pad_GradCheck()
    {
        var x = R.Strided(Check.Input(1, 1, 2, 3, 4));
        Check.Gradients(t => F.Pad(t[0], [1, 2, -1, 1], value: 0.5), x);
        Check.Gradients(t => F.Pad(t[0], [2, 1, 1, 2], "reflect"), x);
        Check.Gradients(t => F.Pad(t[0], [3, 1, 0, 2], "replicate"), x);
        Check.Gradients(t => F.Pad(t[0], [1, 2, 2, 1], "circular"), x);
        Assert.Equal("ReflectionPad2DBackward0", F.Pad(x, [1, 1, 1, 1], "reflect").GradFn!.Name);
        Assert.Equal("ConstantPadNdBackward0", F.Pad(x, [1, 1]).GradFn!.Name);
    }

    [Fact]
    public void Pad_RejectsWhatPyTorchRejects()
    {
        Check.Throws<ArgumentException>(() => F.Pad(X, [1, 1, 1]), "pad", "divisible by 2", "3 values");
        Check.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(3), [1, 1, 1, 1]), "pad", "too large", "[3]");
        Check.Throws<ArgumentException>(() => F.Pad(X, [4, 0, 0, 0], "reflect"), "pad", "reflect", "less than", "(4, 0)", "dim 3", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => F.Pad(X, [5, 1, 0, 0], "circular"), "pad", "circular", "more than once", "(5, 1)");
        Check.Throws<ArgumentException>(() => F.Pad(X, [1, 1], "reflect"), "pad", "reflect", "last 1 dim", "2-D or 3-D", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => F.Pad(X, [1, 1], "mirror"), "pad", "'mirror'");
        Check.Throws<ArgumentException>(() => F.Pad(X, [1, 1, 1, 1], "replicate", 2), "pad", "fill value", "'replicate'");
        Check.Throws<ArgumentException>(() => F.Pad(X, [-3, -2]), "pad", "(-3, -2)", "negative size", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => F.Pad(X, [-5, 2]), "pad", "(-5, 2)", "crops more", "[1, 2, 3, 4]");
        Check.Throws<ArgumentException>(() => new ReflectionPad2d(-1), "ReflectionPad2d", "non-negative", "(-1, -1, -1, -1)");
    }
}
