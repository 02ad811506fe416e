using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class SGDTests
{
    /// <summary>The SGD rule of the XML docs, element by element.</summary>
    private static double[][] Reference(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var p = (double[])OptimTesting.Start.Clone();
        var b = new double[p.Length];
        var result = new double[OptimTesting.Grads.Length][];
        for (int t = 0; t < OptimTesting.Grads.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = maximize ? -OptimTesting.Grads[t][i] : OptimTesting.Grads[t][i];
                if (weightDecay != 0) g += weightDecay * p[i];
                if (momentum != 0)
                {
                    b[i] = t == 0 ? g : momentum * b[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * b[i] : b[i];
                }
                p[i] -= lr * g;
            }
            result[t] = (double[])p.Clone();
        }
        return result;
    }

    [Fact]
    public void Step_WithMomentum_MatchesHandWorkedValues()
    {
        // lr 0.1, momentum 0.9, p = [1, -2], gradient [0.5, -1] every step:
        // t=1: b = g = [0.5, -1];                     p = [1 - 0.05, -2 + 0.1]        = [0.95, -1.9]
        // t=2: b = 0.9·[0.5, -1] + g = [0.95, -1.9];  p = [0.95 - 0.095, -1.9 + 0.19] = [0.855, -1.71]
        // t=3: b = 0.9·[0.95, -1.9] + g = [1.355, -2.71]; p = [0.855 - 0.1355, -1.71 + 0.271] = [0.7195, -1.439]
        var steps = OptimTesting.Run(p => new SGD([p], lr: 0.1, momentum: 0.9), [1.0, -2.0], [[0.5, -1.0], [0.5, -1.0], [0.5, -1.0]]);
        OptimTesting.AssertSteps([[0.95, -1.9], [0.855, -1.71], [0.7195, -1.439]], steps);
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false, false)]
    [InlineData(0.0, 0.0, 0.1, false, false)]
    [InlineData(0.9, 0.0, 0.0, false, false)]
    [InlineData(0.9, 0.3, 0.0, false, false)]
    [InlineData(0.9, 0.3, 0.05, false, false)]
    [InlineData(0.8, 0.0, 0.0, true, false)]
    [InlineData(0.8, 0.0, 0.2, true, false)]
    [InlineData(0.0, 0.0, 0.0, false, true)]
    [InlineData(0.9, 0.5, 0.1, false, true)]
    [InlineData(0.7, 0.0, 0.1, true, true)]
    public void Step_ThreeSteps_MatchReferenceRule(double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var steps = OptimTesting.Run(p => new SGD([p], 0.1, momentum, dampening, weightDecay, nesterov, maximize),
            OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(0.1, momentum, dampening, weightDecay, nesterov, maximize), steps);
    }

    [Fact]
    public void Step_Float32Parameter_MatchesReferenceWithinSinglePrecision()
    {
        var steps = OptimTesting.Run(p => new SGD([p], 0.1, 0.9, 0.3, 0.05), OptimTesting.Start, OptimTesting.Grads, DType.Float32);
        OptimTesting.AssertSteps(Reference(0.1, 0.9, 0.3, 0.05, false, false), steps, 1e-6);
    }

    [Fact]
    public void Reference_FlagsChangeTheResult()
    {
        var plain = Reference(0.1, 0.9, 0, 0, false, false);
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0.9, 0, 0, true, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0.9, 0.3, 0, false, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0.9, 0, 0.1, false, false)));
        Assert.True(OptimTesting.Differ(Reference(0.1, 0.9, 0, 0.1, false, false), Reference(0.1, 0.9, 0, 0.1, false, true)));
    }

    [Fact]
    public void Step_DoesNotChangeTheGradient()
    {
        var p = OptimTesting.Param(1, 2);
        var opt = new SGD([p], 0.1, momentum: 0.9, weightDecay: 0.1, maximize: true);
        p.Grad = Tensor.From(new[] { 0.5, -1.0 });
        opt.Step();
        opt.Step();
        Check.Close(p.Grad, [0.5, -1.0], 0);
    }

    [Fact]
    public void Step_MomentumBufferIsState()
    {
        var p = OptimTesting.Param(1, 2);
        var opt = new SGD([p], 0.1, momentum: 0.9);
        p.Grad = Tensor.From(new[] { 0.5, -1.0 });
        opt.Step();
        opt.Step();
        Check.Close(opt.State[p]["momentum_buffer"], [0.95, -1.9], 1e-12);
    }

    [Fact]
    public void Step_WithoutMomentum_KeepsNoState()
    {
        var p = OptimTesting.Param(1, 2);
        var opt = new SGD([p], 0.1);
        p.Grad = Tensor.From(new[] { 0.5, -1.0 });
        opt.Step();
        Assert.Empty(opt.State);
    }

    [Theory]
    [InlineData(-0.1, 0, 0, 0, false, "SGD: Invalid learning rate: -0.1")]
    [InlineData(0.1, -0.5, 0, 0, false, "Invalid momentum value: -0.5")]
    [InlineData(0.1, 0, 0, -1e-5, false, "Invalid weightDecay value: -1e-05")]
    [InlineData(0.1, 0, 0, 0, true, "Nesterov momentum requires a momentum and zero dampening")]
    [InlineData(0.1, 0.9, 0.1, 0, true, "Nesterov momentum requires a momentum and zero dampening")]
    public void Constructor_RejectsInvalidHyperParameters(double lr, double momentum, double dampening, double weightDecay, bool nesterov, string message)
    {
        Check.Throws<ArgumentException>(() => new SGD([OptimTesting.Param(1)], lr, momentum, dampening, weightDecay, nesterov), message);
    }
}
