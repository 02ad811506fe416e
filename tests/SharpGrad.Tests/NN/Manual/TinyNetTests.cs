using SharpGrad;
using SharpGrad.NN.Manual;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests.NN.Manual;

/// <summary>The course's TinyNet: hand-written gradients and SGD step against autograd and optim.SGD.</summary>
public class TinyNetTests
{
    /// <summary>The same network written with autograd ops (PyTorch: F.conv2d, F.max_pool2d, F.linear, F.cross_entropy).</summary>
    private static Tensor AutogradLoss(Tensor x, Tensor t, Tensor[] p)
    {
        var h = F.MaxPool2d(F.Relu(F.Conv2d(x, p[0], p[1], stride: 1, padding: 1)), 2, 2);
        h = F.MaxPool2d(F.Relu(F.Conv2d(h, p[2], p[3], stride: 1, padding: 1)), 2, 2);
        return F.CrossEntropy(F.Linear(h.Flatten(1), p[4].T, p[5]), t);
    }

    private static (TinyNet Net, Tensor X, Tensor T) Case(int batch, ulong seed)
    {
        var g = new Generator(seed);
        var net = TinyNet.Random(DType.Float64, g);
        return (net, Tensor.Randn([batch, 3, 8, 8], g, DType.Float64), Tensor.Randint(0, 10, [batch], g));
    }

    [Fact]
    public void ShapesFollowTheCourseTable()
    {
        var (net, x, t) = Case(2, 3);
        var (output, loss) = net.Forward(x, t);
        Assert.Equal([2, 6, 8, 8], net.Conv1.OutputShape!);
        Assert.Equal([2, 6, 4, 4], net.Pool1.OutputShape!);
        Assert.Equal([2, 12, 4, 4], net.Conv2.OutputShape!);
        Assert.Equal([2, 12, 2, 2], net.Pool2.OutputShape!);
        Assert.Equal([2, 10], output.Shape);
        Assert.True(loss > 0 && double.IsFinite(loss));
    }

    [Theory]
    [InlineData(1, 4UL)]
    [InlineData(5, 5UL)]
    public void Gradients_MatchAutograd(int batch, ulong seed)
    {
        var (net, x, t) = Case(batch, seed);
        var grads = net.Gradient(x, t);
        var leaves = net.Parameters.Select(p => p.Clone().RequiresGrad_()).ToArray();
        var loss = AutogradLoss(x, t, leaves);
        Check.Close(loss.Item(), net.Loss(x, t), 1e-12);
        var expected = Autograd.Grad(loss, leaves);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(leaves[i].Shape, grads[i].Shape);
            double diff = (expected[i]! - grads[i]).Abs().Max().Item();
            Assert.True(diff < 1e-10, $"{TinyNet.ParameterNames[i]}: max difference {diff}");
        }
    }

    [Fact]
    public void TrainOneIter_IsAnSgdStepWithWeightDecay()
    {
        var (net, x, t) = Case(4, 6);
        const double lr = 0.05, weightDecay = 0.01;
        var leaves = net.Parameters.Select(p => p.Clone().RequiresGrad_()).ToArray();
        var before = net.Parameters;
        double loss = net.TrainOneIter(x, t, lr, weightDecay);

        var sgd = new SGD(leaves, lr: lr, weightDecay: weightDecay);
        var reference = AutogradLoss(x, t, leaves);
        reference.Backward();
        sgd.Step();
        Check.Close(reference.Item(), loss, 1e-12);
        var after = net.Parameters;
        for (int i = 0; i < 6; i++)
        {
            double diff = (after[i] - leaves[i].Detach()).Abs().Max().Item();
            Assert.True(diff < 1e-12, $"{TinyNet.ParameterNames[i]}: max difference {diff}");
            Assert.False(ReferenceEquals(before[i], after[i]));
        }
        Assert.True(net.Loss(x, t) < loss);
    }
}
