using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class AdamTests
{
    /// <summary>The Adam/AdamW rule of the XML docs, element by element.</summary>
    private static double[][] Reference(double[][] grads, double lr, double beta1, double beta2, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled)
    {
        var p = (double[])OptimTesting.Start.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        var vMax = new double[p.Length];
        var result = new double[grads.Length][];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = maximize ? -grads[t - 1][i] : grads[t - 1][i];
                if (decoupled) p[i] *= 1 - lr * weightDecay;
                else if (weightDecay != 0) g += weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                vMax[i] = Math.Max(vMax[i], v[i]);
                double second = amsgrad ? vMax[i] : v[i];
                double denom = Math.Sqrt(second) / Math.Sqrt(1 - Math.Pow(beta2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(beta1, t)) * m[i] / denom;
            }
            result[t - 1] = (double[])p.Clone();
        }
        return result;
    }

    // Gradients that shrink after the first step, with a fast second-moment average, so AMSGrad's maximum matters.
    private static readonly double[][] ShrinkingGrads = [[2.0, -1.0], [0.1, 0.2], [0.3, -3.0]];

    [Theory]
    [InlineData(0.0, false, false)]
    [InlineData(0.1, false, false)]
    [InlineData(0.0, true, false)]
    [InlineData(0.0, false, true)]
    [InlineData(0.05, true, true)]
    public void Adam_ThreeSteps_MatchReferenceRule(double weightDecay, bool amsgrad, bool maximize)
    {
        var steps = OptimTesting.Run(p => new Adam([p], lr: 0.1, betas: (0.8, 0.5), eps: 1e-3, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize),
            OptimTesting.Start, ShrinkingGrads);
        OptimTesting.AssertSteps(Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, weightDecay, amsgrad, maximize, decoupled: false), steps);
    }

    [Fact]
    public void Adam_DefaultHyperParameters_MatchReferenceRule()
    {
        var steps = OptimTesting.Run(p => new Adam([p]), OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(OptimTesting.Grads, 1e-3, 0.9, 0.999, 1e-8, 0, false, false, false), steps);
    }

    [Fact]
    public void Adam_FirstStep_MovesEachElementByLearningRate()
    {
        // At t = 1, m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps) ≈ lr·sign(g).
        var steps = OptimTesting.Run(p => new Adam([p], lr: 0.1), [1.0, -2.0], [[0.5, -1.0]]);
        OptimTesting.AssertSteps([[1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 1 / (1 + 1e-8)]], steps);
    }

    [Fact]
    public void Adam_Float32Parameter_MatchesReferenceWithinSinglePrecision()
    {
        var steps = OptimTesting.Run(p => new Adam([p], lr: 0.1, betas: (0.8, 0.5), eps: 1e-3, amsgrad: true), OptimTesting.Start, ShrinkingGrads, DType.Float32);
        OptimTesting.AssertSteps(Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0, true, false, false), steps, 1e-5);
    }

    [Theory]
    [InlineData(0.01, false, false)]
    [InlineData(0.2, false, false)]
    [InlineData(0.0, false, false)]
    [InlineData(0.2, true, false)]
    [InlineData(0.2, false, true)]
    public void AdamW_ThreeSteps_MatchReferenceRule(double weightDecay, bool amsgrad, bool maximize)
    {
        var steps = OptimTesting.Run(p => new AdamW([p], lr: 0.1, betas: (0.8, 0.5), eps: 1e-3, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize),
            OptimTesting.Start, ShrinkingGrads);
        OptimTesting.AssertSteps(Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, weightDecay, amsgrad, maximize, decoupled: true), steps);
    }

    [Fact]
    public void AdamW_DefaultWeightDecay_IsDecoupled()
    {
        var steps = OptimTesting.Run(p => new AdamW([p]), OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(OptimTesting.Grads, 1e-3, 0.9, 0.999, 1e-8, 1e-2, false, false, decoupled: true), steps);
    }

    [Fact]
    public void Reference_FlagsChangeTheResult()
    {
        var plain = Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0, false, false, false);
        Assert.True(OptimTesting.Differ(plain, Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0, true, false, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0, false, true, false)));
        Assert.True(OptimTesting.Differ(
            Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0.2, false, false, false),
            Reference(ShrinkingGrads, 0.1, 0.8, 0.5, 1e-3, 0.2, false, false, true)));
    }

    [Fact]
    public void Adam_State_HasPyTorchNamesAndStepCount()
    {
        var p = OptimTesting.Param(1, 2);
        var opt = new Adam([p], amsgrad: true);
        for (int i = 0; i < 3; i++)
        {
            p.Grad = Tensor.From(new[] { 0.5, -1.0 });
            opt.Step();
        }
        var state = opt.State[p];
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"], state.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(DType.Float32, state["step"].DType);
        Assert.Equal(3.0, state["step"].Item());
        // m after three equal gradients g: (1 − 0.9³)·g
        Check.Close(state["exp_avg"], [(1 - Math.Pow(0.9, 3)) * 0.5, (1 - Math.Pow(0.9, 3)) * -1.0], 1e-12);
    }

    [Theory]
    [InlineData(-1e-3, 0.9, 0.999, 1e-8, 0, "Adam: Invalid learning rate: -0.001")]
    [InlineData(1e-3, 0.9, 0.999, -1e-8, 0, "Invalid epsilon value: -1e-08")]
    [InlineData(1e-3, 1.0, 0.999, 1e-8, 0, "Invalid beta parameter at index 0: 1")]
    [InlineData(1e-3, -0.1, 0.999, 1e-8, 0, "Invalid beta parameter at index 0: -0.1")]
    [InlineData(1e-3, 0.9, 1.5, 1e-8, 0, "Invalid beta parameter at index 1: 1.5")]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, -0.01, "Invalid weightDecay value: -0.01")]
    public void Constructor_RejectsInvalidHyperParameters(double lr, double beta1, double beta2, double eps, double weightDecay, string message)
    {
        Check.Throws<ArgumentException>(() => new Adam([OptimTesting.Param(1)], lr, (beta1, beta2), eps, weightDecay), message);
        Check.Throws<ArgumentException>(() => new AdamW([OptimTesting.Param(1)], lr, (beta1, beta2), eps, weightDecay),
            message.Replace("Adam:", "AdamW:"));
    }

    [Fact]
    public void Constructor_RejectsNaNLearningRate()
    {
        Check.Throws<ArgumentException>(() => new Adam([OptimTesting.Param(1)], double.NaN), "Invalid learning rate: nan");
    }
}
