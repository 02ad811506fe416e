using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class ConvLayerTests
{
    /// <summary>Course 003's CIFAR-shaped CNN (Mynetwork).</summary>
    private sealed class Mynetwork : Module
    {
        public Sequential model { get; } = new(
            new Conv2d(3, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 32, 5, 1, 2), new MaxPool2d(2),
            new Conv2d(32, 64, 5, 1, 2), new MaxPool2d(2),
            new Flatten(), new Linear(64 * 4 * 4, 64), new Linear(64, 10));

        public Mynetwork() => RegisterComponents();

        public override Tensor Forward(Tensor data) => model.Forward(data);
    }

    [Fact]
    public void CourseCnn_PrintsLikePyTorch()
    {
        // PyTorch 1.13: print(Mynetwork()) for the course's network.
        var expected =
            "Mynetwork(\n" +
            "  (model): Sequential(\n" +
            "    (0): Conv2d(3, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n" +
            "    (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n" +
            "    (2): Conv2d(32, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n" +
            "    (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n" +
            "    (4): Conv2d(32, 64, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n" +
            "    (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n" +
            "    (6): Flatten(start_dim=1, end_dim=-1)\n" +
            "    (7): Linear(in_features=1024, out_features=64, bias=True)\n" +
            "    (8): Linear(in_features=64, out_features=10, bias=True)\n" +
            "  )\n" +
            ")";
        Assert.Equal(expected, new Mynetwork().ToString());
    }

    [Fact]
    public void CourseCnn_RmspropStepsOnOnesInput_LossFalls()
    {
        // Course 003: input = ones(1,3,32,32), y = [[1..10]], MSELoss(mean), RMSprop(lr=1e-4).
        Tensor.ManualSeed(1);
        var mynn = new Mynetwork();
        var input = Tensor.Ones(1, 3, 32, 32);
        var y = Tensor.From(new float[,] { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } });
        var lossFn = new MSELoss("mean");
        var optimiser = new RMSprop(mynn.model.Parameters(), lr: 1e-4);
        var losses = new List<double>();
        for (int period = 0; period < 10; period++)
        {
            var yPred = mynn.Forward(input);
            var loss = lossFn.Forward(yPred, y);
            losses.Add(loss.Item());
            optimiser.ZeroGrad();
            loss.Backward();
            optimiser.Step();
        }
        // RMSprop oscillates on the way down; over ten steps the loss must still fall by an order of magnitude.
        Assert.True(losses[^1] < losses[0] * 0.1, $"loss {string.Join(", ", losses)}");
    }

    [Fact]
    public void Conv2d_PrintsOptionalFields()
    {
        Assert.Equal("Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 2), groups=2, bias=False)",
            new Conv2d(4, 8, (3, 5), (2, 1), (1, 2), (2, 2), groups: 2, bias: false).ToString());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).ToString());
    }

    [Fact]
    public void Conv2d_DefaultInitBounds()
    {
        var conv = new Conv2d(3, 32, 5);
        double bound = 1 / Math.Sqrt(3 * 25);
        Assert.True(conv.Weight.Abs().Max().Item() <= bound);
        Assert.True(conv.Bias!.Abs().Max().Item() <= bound);
        Assert.Equal([32, 3, 5, 5], conv.Weight.Shape);
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(2, 1, 1, 2)]
    public void Conv2dLayer_GradCheck(int stride, int padding, int dilation, int groups)
    {
        var conv = new Conv2d(4, 4, 3, stride, padding, dilation, groups, dtype: DType.Float64);
        var x = Check.Input(30 + stride + padding, 2, 4, 7, 6);
        Check.Gradients(t => conv.Forward(t[0]), x);
        Check.Gradients(t => F.Conv2d(x.Detach(), t[0], t[1], stride, padding, dilation, groups), conv.Weight, conv.Bias!);
    }

    [Fact]
    public void PoolingLayers_GradCheck_AndShapes()
    {
        // Distinct values so that max pooling has no ties.
        var x = (Tensor.Randperm(2 * 3 * 6 * 6, new Generator(3)).Double() / 10).View(2, 3, 6, 6).RequiresGrad_();
        Check.Gradients(t => new MaxPool2d(2).Forward(t[0]), x);
        Check.Gradients(t => new MaxPool2d(3, 2, 1).Forward(t[0]), x);
        Check.Gradients(t => new AvgPool2d(2).Forward(t[0]), x);
        Check.Gradients(t => new AvgPool2d(3, 2, 1, countIncludePad: false).Forward(t[0]), x);
        Assert.Equal([2, 3, 3, 3], new MaxPool2d(2).Forward(x).Shape);
        Assert.Equal([2, 3, 4, 4], new MaxPool2d(3, 2, 1, ceilMode: true).Forward(x).Shape);
    }

    [Fact]
    public void Conv2d_RejectsBadChannelCounts()
    {
        Check.Throws<ArgumentException>(() => new Conv2d(3, 8, 3, groups: 2), "inChannels (3) must be divisible by groups (2)");
        Check.Throws<ArgumentException>(() => new Conv2d(3, 8, 3).Forward(Tensor.Zeros(1, 4, 8, 8)), "conv2d", "[1, 4, 8, 8]");
    }
}
