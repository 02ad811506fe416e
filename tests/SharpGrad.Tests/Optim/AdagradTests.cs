using SharpGrad;
using SharpGrad.Optim;

namespace SharpGrad.Tests;

public class AdagradTests
{
    /// <summary>The Adagrad rule of the XML docs, element by element.</summary>
    private static double[][] Reference(double lr, double lrDecay, double weightDecay, double initial, double eps, bool maximize)
    {
        var p = (double[])OptimTesting.Start.Clone();
        var s = new double[p.Length];
        Array.Fill(s, initial);
        var result = new double[OptimTesting.Grads.Length][];
        for (int t = 1; t <= OptimTesting.Grads.Length; t++)
        {
            double clr = lr / (1 + (t - 1) * lrDecay);
            for (int i = 0; i < p.Length; i++)
            {
                double g = maximize ? -OptimTesting.Grads[t - 1][i] : OptimTesting.Grads[t - 1][i];
                if (weightDecay != 0) g += weightDecay * p[i];
                s[i] += g * g;
                p[i] -= clr * g / (Math.Sqrt(s[i]) + eps);
            }
            result[t - 1] = (double[])p.Clone();
        }
        return result;
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.5, 0.0, 0.0, false)]
    [InlineData(0.0, 0.1, 0.0, false)]
    [InlineData(0.0, 0.0, 2.0, false)]
    [InlineData(0.0, 0.0, 0.0, true)]
    [InlineData(0.5, 0.1, 0.3, true)]
    public void Step_ThreeSteps_MatchReferenceRule(double lrDecay, double weightDecay, double initial, bool maximize)
    {
        var steps = OptimTesting.Run(p => new Adagrad([p], lr: 0.1, lrDecay: lrDecay, weightDecay: weightDecay,
            initialAccumulatorValue: initial, eps: 1e-10, maximize: maximize), OptimTesting.Start, OptimTesting.Grads);
        OptimTesting.AssertSteps(Reference(0.1, lrDecay, weightDecay, initial, 1e-10, maximize), steps);
    }

    [Fact]
    public void Step_FirstStep_IsLearningRateTimesSign()
    {
        // s = g², so θ ← θ − lr·g/(|g| + eps).
        var steps = OptimTesting.Run(p => new Adagrad([p], lr: 0.1), [1.0, -2.0], [[0.5, -4.0]]);
        OptimTesting.AssertSteps([[1 - 0.1 * 0.5 / (0.5 + 1e-10), -2 + 0.1 * 4 / (4 + 1e-10)]], steps);
    }

    [Fact]
    public void Step_Float32Parameter_MatchesReferenceWithinSinglePrecision()
    {
        var steps = OptimTesting.Run(p => new Adagrad([p], lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.3), OptimTesting.Start, OptimTesting.Grads, DType.Float32);
        OptimTesting.AssertSteps(Reference(0.1, 0.5, 0, 0.3, 1e-10, false), steps, 1e-5);
    }

    [Fact]
    public void Reference_FlagsChangeTheResult()
    {
        var plain = Reference(0.1, 0, 0, 0, 1e-10, false);
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0.5, 0, 0, 1e-10, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0, 0.1, 0, 1e-10, false)));
        Assert.True(OptimTesting.Differ(plain, Reference(0.1, 0, 0, 2, 1e-10, false)));
    }

    [Fact]
    public void Constructor_CreatesStateForEveryParameter()
    {
        var a = OptimTesting.Param(1, 2);
        var b = OptimTesting.Param(3);
        var opt = new Adagrad([a, b], initialAccumulatorValue: 0.25);
        Check.Close(opt.State[b]["sum"], [0.25], 0);
        Assert.Equal(0.0, opt.State[a]["step"].Item());
    }

    [Fact]
    public void AddParamGroup_LaterGroupGetsStateOnFirstStep()
    {
        var a = OptimTesting.Param(1);
        var b = OptimTesting.Param(1);
        var opt = new Adagrad([a], lr: 0.1);
        opt.AddParamGroup(new ParamGroup([b]) { ["initial_accumulator_value"] = 3.0 });
        b.Grad = Tensor.From(new[] { 1.0 });
        opt.Step();
        // s = 3 + 1 = 4, θ = 1 − 0.1·1/(2 + eps)
        Check.Close(b, [1 - 0.1 / (2 + 1e-10)], 1e-15);
    }

    [Theory]
    [InlineData(-0.1, 0, 0, 0, 1e-10, "Adagrad: Invalid learning rate: -0.1")]
    [InlineData(0.1, -0.5, 0, 0, 1e-10, "Invalid lrDecay value: -0.5")]
    [InlineData(0.1, 0, -0.5, 0, 1e-10, "Invalid weightDecay value: -0.5")]
    [InlineData(0.1, 0, 0, -0.5, 1e-10, "Invalid initialAccumulatorValue value: -0.5")]
    [InlineData(0.1, 0, 0, 0, -1e-10, "Invalid epsilon value: -1e-10")]
    public void Constructor_RejectsInvalidHyperParameters(double lr, double lrDecay, double weightDecay, double initial, double eps, string message)
    {
        Check.Throws<ArgumentException>(() => new Adagrad([OptimTesting.Param(1)], lr, lrDecay, weightDecay, initial, eps), message);
    }
}
