using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class RMSpropTests
{
    /// <summary>The RMSprop rule of the XML docs, element by element.</summary>
    private static double[][] Reference(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        var p = (double[])OptimTesting.Start.Clone();
        var v = new double[p.Length];
        var a = new double[p.Length];
        var b = new double[p.Length];
        var result = new double[OptimTesting.Grads.Length][];
        for (int t = 0; t < OptimTesting.Grads.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = maximize ? -OptimTesting.Grads[t][i] : OptimTesting.Grads[t][i];
                if (weightDecay != 0) g += weightDecay * p[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double d;
                if (centered)
                {
                    a[i] = alpha * a[i] + (1 - alpha) * g;
                    d = Math.Sqrt(v[i] - a[i] * a[i]) + eps;
                }
                else d = Math.Sqrt(v[i]) + eps;
                if (momentum > 0)
                {
                    b[i] = momentum * b[i] + g / d;
                    p[i] -= lr * b[i];
                }
                else p[i] -= lr * g / d;
            }
            result[t] = (double[])p.Clone();
        }
        return result;
    }

    [Theory]
    [InlineData(0.0, 0.0, false, false)]
    [InlineData(0.1, 0.0, false, false)]
    [InlineData(0.0, 0.9, false, false)]
    [InlineData(0.0, 0.0, true, false)]
    [InlineData(0.0, 0.0, false, true)]
    [InlineData(0.05, 0.5, true, true)]
    public void Step_ThreeSteps_MatchReferenceRule(double weightDecay, double momentum, bool centered, bool maximize)
    {
        var steps = OptimTesting.Run(p => new RMSprop([p], lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: weightDecay, momentum: momentum,
            centered: centered, maximize: maximize), OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(0.01, 0.9, 1e-6, weightDecay, momentum, centered, maximize), steps);
    }

    [Fact]
    public void Step_Defaults_MatchReferenceRule()
    {
        var steps = OptimTesting.Run(p => new RMSprop([p]), OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(1e-2, 0.99, 1e-8, 0, 0, false, false), steps);
    }

    [Fact]
    public void Step_Float32Parameter_MatchesReferenceWithinSinglePrecision()
    {
        var steps = OptimTesting.Run(p => new RMSprop([p], lr: 0.01, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true),
            OptimTesting.Start, OptimTesting.Grads, DType.Float32);
        OptimTesting.AssertSteps(Reference(0.01, 0.9, 1e-6, 0, 0.5, true, false), steps, 1e-5);
    }

    [Fact]
    public void Reference_FlagsChangeTheResult()
    {
        var plain = Reference(0.01, 0.9, 1e-6, 0, 0, false, false);
        Assert.True(OptimTesting.Differ(plain, Reference(0.01, 0.9, 1e-6, 0, 0, true, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.01, 0.9, 1e-6, 0, 0.9, false, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.01, 0.9, 1e-6, 0.1, 0, false, false)));
    }

    [Fact]
    public void State_HoldsTheBuffersTheOptionsNeed()
    {
        var p = OptimTesting.Param(1, 2);
        var opt = new RMSprop([p], momentum: 0.9, centered: true);
        p.Grad = Tensor.From(new[] { 0.5, -1.0 });
        opt.Step();
        Assert.Equal(["grad_avg", "momentum_buffer", "square_avg", "step"], opt.State[p].Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(-0.01, 0.99, 1e-8, 0, 0, "RMSprop: Invalid learning rate: -0.01")]
    [InlineData(0.01, 0.99, -1.0, 0, 0, "Invalid epsilon value: -1")]
    [InlineData(0.01, 0.99, 1e-8, 0, -0.9, "Invalid momentum value: -0.9")]
    [InlineData(0.01, 0.99, 1e-8, -0.1, 0, "Invalid weightDecay value: -0.1")]
    [InlineData(0.01, -0.99, 1e-8, 0, 0, "Invalid alpha value: -0.99")]
    public void Constructor_RejectsInvalidHyperParameters(double lr, double alpha, double eps, double weightDecay, double momentum, string message)
    {
        Check.Throws<ArgumentException>(() => new RMSprop([OptimTesting.Param(1)], lr, alpha, eps, weightDecay, momentum), message);
    }
}
