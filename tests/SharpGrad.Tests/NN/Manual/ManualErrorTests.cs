using SharpGrad;
using SharpGrad.NN.Manual;

namespace SharpGrad.Tests.NN.Manual;

/// <summary>Bad shapes and misuse of the hand-written layers give messages naming the layer and the shapes.</summary>
public class ManualErrorTests
{
    private static Tensor Zeros(params int[] shape) => Tensor.Zeros(shape, DType.Float64);

    [Fact]
    public void Convolution_RejectsChannelMismatch()
        => Check.Throws<ArgumentException>(() => new Convolution(Zeros(6, 3, 3, 3), Zeros(6)).Forward(Zeros(2, 4, 8, 8)),
            "Convolution.Forward", "[2, 4, 8, 8]", "4 channels", "expects 3");

    [Fact]
    public void Convolution_RejectsBiasOfWrongSize()
        => Check.Throws<ArgumentException>(() => new Convolution(Zeros(6, 3, 3, 3), Zeros(5)), "Convolution", "[6]", "[5]");

    [Fact]
    public void Convolution_RejectsWindowLargerThanInput()
        => Check.Throws<ArgumentException>(() => new Convolution(Zeros(1, 1, 5, 5), Zeros(1)).Forward(Zeros(1, 1, 3, 3)),
            "Convolution.Forward", "height 3", "window height 5");

    [Fact]
    public void Convolution_RejectsDTypeMismatch()
        => Check.Throws<ArgumentException>(() => new Convolution(Zeros(1, 1, 3, 3), Zeros(1)).Forward(Tensor.Zeros(1, 1, 4, 4)),
            "Convolution.Forward", "float32", "float64");

    [Fact]
    public void Backward_BeforeForwardIsAnError()
        => Check.Throws<InvalidOperationException>(() => new Relu().Backward(Zeros(2, 2)), "Relu.Backward", "Forward first");

    [Fact]
    public void Backward_RejectsDoutOfWrongShape()
    {
        var pool = new MaxPool(2, 2, stride: 2);
        pool.Forward(Zeros(2, 3, 8, 8));
        Check.Throws<ArgumentException>(() => pool.Backward(Zeros(2, 3, 8, 8)), "MaxPool.Backward", "[2, 3, 8, 8]", "[2, 3, 4, 4]");
    }

    [Fact]
    public void MaxPool_RejectsPadLargerThanHalfTheWindow()
        => Check.Throws<ArgumentException>(() => new MaxPool(2, 2, stride: 2, pad: 2), "MaxPool", "pad", "2x2", "got 2");

    [Fact]
    public void FullyConnected_RejectsFeatureMismatch()
        => Check.Throws<ArgumentException>(() => new FullyConnected(Zeros(50, 10), Zeros(10)).Forward(Zeros(2, 12, 2, 2)),
            "FullyConnected.Forward", "[2, 12, 2, 2]", "48 features", "expects 50");

    [Fact]
    public void SoftmaxWithLoss_RejectsLabelOutOfRange()
        => Check.Throws<ArgumentException>(() => new SoftmaxWithLoss().Forward(Zeros(2, 10), Tensor.From(new long[] { 3, 10 })),
            "SoftmaxWithLoss.Forward", "target 10", "10 classes");

    [Fact]
    public void SoftmaxWithLoss_RejectsOneHotOfWrongShape()
        => Check.Throws<ArgumentException>(() => new SoftmaxWithLoss().Forward(Zeros(2, 10), Zeros(2, 9)),
            "SoftmaxWithLoss.Forward", "[2, 10]", "[2, 9]");

    [Fact]
    public void TinyNet_RejectsInputOfWrongSize()
    {
        var net = TinyNet.Random(DType.Float64, new Generator(1));
        Check.Throws<ArgumentException>(() => net.Forward(Zeros(2, 3, 12, 12), Tensor.From(new long[] { 0, 1 })),
            "TinyNet.Forward", "[2, 3, 12, 12]", "108 features", "expects 48", "(B, 3, 8, 8)");
    }

    [Fact]
    public void TinyNet_RejectsBadLearningRate()
    {
        var net = TinyNet.Random(DType.Float64, new Generator(1));
        Check.Throws<ArgumentException>(() => net.TrainOneIter(Zeros(1, 3, 8, 8), Tensor.From(new long[] { 0 }), -0.1),
            "TrainOneIter", "learning rate", "-0.1");
    }
}
