using SharpGrad;

namespace SharpGrad.Tests;

public class SmokeTests
{
    [Fact]
    public void SineCubicFit_WithAutograd_LossFallsTenfold()
    {
        // The course's cubic fit of sin(x) (003, second program): 2000 points, lr 1e-6, 2000 autograd steps.
        Tensor.ManualSeed(0);
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000);
        var y = x.Sin();
        var p = Enumerable.Range(0, 4).Select(_ => Tensor.Rand([], requiresGrad: true)).ToArray();
        double first = 0, last = 0;
        for (int step = 0; step < 2000; step++)
        {
            var pred = p[0] + p[1] * x + p[2] * x.Pow(2) + p[3] * x.Pow(3);
            var loss = (pred - y).Square().Sum();
            if (step == 0) first = loss.Item();
            last = loss.Item();
            loss.Backward();
            using (Tensor.NoGrad())
                foreach (var t in p) t.Sub_(1e-6 * t.Grad!);
            foreach (var t in p) t.Grad = null;
        }
        Assert.True(last * 10 <= first, $"loss fell from {first} to {last}");
    }
}
