using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Tests;

public class TrainingTests
{
    private sealed class Net : Module
    {
        private readonly Linear hidden, predict;

        public Net(int nFeature, int nHidden, int nOutput)
        {
            hidden = new Linear(nFeature, nHidden);
            predict = new Linear(nHidden, nOutput);
            RegisterComponents();
        }

        public override Tensor Forward(Tensor x) => predict.Forward(F.Relu(hidden.Forward(x)));
    }

    private static (double First, double Last) Fit(Func<Module, Optimizer> makeOptimizer, Func<Optimizer, LRScheduler>? makeScheduler = null, double? maxNorm = null)
    {
        // The README's 1-10-1 network fitting y = x² + noise (course 301), 100 full-batch steps.
        Tensor.ManualSeed(1);
        var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);
        var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
        var net = new Net(1, 10, 1);
        var optimizer = makeOptimizer(net);
        var scheduler = makeScheduler?.Invoke(optimizer);
        var lossFunc = new MSELoss();
        double first = 0, last = 0;
        for (int t = 0; t < 100; t++)
        {
            var loss = lossFunc.Forward(net.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            if (maxNorm is double m) Assert.True(ClipGrad.ClipGradNorm_(net.Parameters(), m).Item() >= 0);
            optimizer.Step();
            scheduler?.Step();
            if (t == 0) first = loss.Item();
            last = loss.Item();
        }
        return (first, last);
    }

    [Fact]
    public void ReadmeExample_SGDOnModuleParameters_LossFalls()
    {
        var (first, last) = Fit(net => new SGD(net.Parameters(), lr: 0.2));
        Assert.True(last < first / 4, $"loss fell from {first} to {last}");
    }

    [Fact]
    public void AdamWithStepLRAndClipping_OnModuleParameters_LossFalls()
    {
        var (first, last) = Fit(net => new Adam(net.Parameters(), lr: 0.05, weightDecay: 1e-4), opt => new StepLR(opt, 30, 0.5), maxNorm: 1.0);
        Assert.True(last < first / 4, $"loss fell from {first} to {last}");
    }
}
