using SharpGrad;

namespace SharpGrad.Tests;

/// <summary>
/// End-to-end runs of the course's small programs, ported line by line: the cubic fit of sin(x)
/// (course 003) with hand-derived gradients and with autograd, and the entropy demo (course 001).
/// Each test uses its own generator, so it does not depend on other tests touching the default one.
/// </summary>
public class CourseProgramTests
{
    private const double LearningRate = 1e-6;
    private const int Steps = 2000;

    [Fact]
    public void SineCubicFit_WithHandDerivedGradients_LossFallsTenfold()
    {
        // Course 003, first program (NumPy): float64 data, coefficients as plain numbers, gradients by hand.
        var gen = new Generator(1);
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000, DType.Float64);
        var y = x.Sin();
        double a = Tensor.Rand([], gen, DType.Float64).Item(), b = Tensor.Rand([], gen, DType.Float64).Item();
        double c = Tensor.Rand([], gen, DType.Float64).Item(), d = Tensor.Rand([], gen, DType.Float64).Item();
        double first = 0, last = 0;
        for (int epoch = 0; epoch < Steps; epoch++)
        {
            var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);
            double loss = (yPred - y).Square().Sum().Item();
            var gradYPred = 2.0 * (yPred - y);
            a -= LearningRate * gradYPred.Sum().Item();
            b -= LearningRate * (gradYPred * x).Sum().Item();
            c -= LearningRate * (gradYPred * x.Pow(2)).Sum().Item();
            d -= LearningRate * (gradYPred * x.Pow(3)).Sum().Item();
            if (epoch == 0) first = loss;
            last = loss;
        }
        Assert.True(last * 10 <= first, $"loss fell only from {first} to {last}");
        // The fit approaches sin(x) ~ x - x^3/6 on [-pi, pi]: b near 0.85, d near -0.09 (the course's result).
        Assert.InRange(b, 0.7, 1.0);
        Assert.InRange(d, -0.12, -0.06);
    }

    [Fact]
    public void SineCubicFit_WithAutograd_LossFallsTenfold()
    {
        // Course 003, second program: float32 leaves from torch.rand((), requires_grad=True), update under no_grad.
        var gen = new Generator(2);
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000);
        var y = x.Sin();
        var a = Tensor.Rand([], gen, requiresGrad: true);
        var b = Tensor.Rand([], gen, requiresGrad: true);
        var c = Tensor.Rand([], gen, requiresGrad: true);
        var d = Tensor.Rand([], gen, requiresGrad: true);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < Steps; epoch++)
        {
            var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);
            var loss = (yPred - y).Square().Sum();
            loss.Backward();
            using (Tensor.NoGrad())
            {
                a.Sub_(LearningRate * a.Grad!);
                b.Sub_(LearningRate * b.Grad!);
                c.Sub_(LearningRate * c.Grad!);
                d.Sub_(LearningRate * d.Grad!);
            }
            a.Grad = null;
            b.Grad = null;
            c.Grad = null;
            d.Grad = null;
            if (epoch == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last * 10 <= first, $"loss fell only from {first} to {last}");
        Assert.True(a.IsLeaf && a.RequiresGrad, "the update under NoGrad must leave the coefficients trainable leaves");
        Assert.InRange(b.Item(), 0.7, 1.0);
        Assert.InRange(d.Item(), -0.12, -0.06);
    }

    [Fact]
    public void SineCubicFit_HandDerivedGradients_MatchAutograd()
    {
        // The two programs of course 003 must compute the same gradients: 2 (y_pred - y) summed against 1, x, x^2, x^3.
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000, DType.Float64);
        var y = x.Sin();
        double[] start = [0.3, -0.2, 0.7, 0.1];
        var p = start.Select(v => Tensor.From(v, DType.Float64, requiresGrad: true)).ToArray();
        var loss = (p[0] + p[1] * x + p[2] * x.Pow(2) + p[3] * x.Pow(3) - y).Square().Sum();
        loss.Backward();

        var xs = x.ToArray<double>();
        var byHand = new double[4];
        foreach (double xi in xs)
        {
            double residual = start[0] + start[1] * xi + start[2] * xi * xi + start[3] * xi * xi * xi - Math.Sin(xi);
            for (int k = 0; k < 4; k++) byHand[k] += 2 * residual * Math.Pow(xi, k);
        }
        for (int k = 0; k < 4; k++) Check.Close(byHand[k], p[k].Grad!.Item(), 1e-9);
    }

    [Theory]
    [InlineData(new[] { 0.25f, 0.25f, 0.25f, 0.25f }, 2.0000)]
    [InlineData(new[] { 0.1f, 0.1f, 0.1f, 0.7f }, 1.3568)]
    [InlineData(new[] { 0.001f, 0.001f, 0.001f, 0.999f }, 0.0313)]
    public void Entropy_OfCourseDistributions_MatchesPrintedValues(float[] probabilities, double expected)
    {
        // Course 001: y = -(x * torch.log2(x)).sum(), printed as tensor(2.), tensor(1.3568), tensor(0.0313).
        var x = Tensor.From(probabilities);
        var entropy = -(x * x.Log2()).Sum();
        Assert.Equal(DType.Float32, entropy.DType);
        Assert.Empty(entropy.Shape);
        Assert.Equal(expected, Math.Round(entropy.Item(), 4));
    }

    [Fact]
    public void Entropy_UniformDistribution_BuiltWithFull_IsTwoBits()
    {
        // Course 001 builds the first distribution with torch.full([4], 1 / 4.0).
        var x1 = Tensor.Full([4], 1 / 4.0);
        var y1 = -(x1 * x1.Log2()).Sum();
        Assert.Equal(2.0, y1.Item());
    }
}
