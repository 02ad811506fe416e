using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Bench;

/// <summary>
/// The course's tiny fits, dominated by per-op overhead: <c>fit</c> (1-10-1 MLP on y = x² + noise, course 002)
/// and <c>sine</c> (cubic fit of sin x with four scalar parameters, course 003). Seconds for the whole run,
/// after a short warm-up run on separate parameters.
/// </summary>
internal static class SmallFitWorkloads
{
    private const int FitSteps = 1000;
    private const int SineSteps = 2000;

    public static IEnumerable<Dictionary<string, object?>> Fit(BenchContext context)
    {
        Tensor.ManualSeed(1);
        var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);
        var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
        RunFit(x, y, 50);
        double loss = 0;
        var cost = Meter.Measure(() => loss = RunFit(x, y, FitSteps));
        var result = cost.PerUnit(1, $"{FitSteps} steps");
        result["final_loss"] = Math.Round(loss, 6);
        yield return result;
    }

    private static double RunFit(Tensor x, Tensor y, int steps)
    {
        var net = new Sequential(new Linear(1, 10), new ReLU(), new Linear(10, 1));
        var optimizer = new SGD(net.Parameters(), lr: 0.2);
        var lossFn = new MSELoss();
        Tensor loss = Tensor.Zeros(1);
        for (int t = 0; t < steps; t++)
        {
            loss = lossFn.Forward(net.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
        return loss.Item();
    }

    public static IEnumerable<Dictionary<string, object?>> Sine(BenchContext context)
    {
        Tensor.ManualSeed(1);
        var x = Tensor.Linspace(-Math.PI, Math.PI, 2000);
        var y = x.Sin();
        RunSine(x, y, 50);
        double loss = 0;
        var cost = Meter.Measure(() => loss = RunSine(x, y, SineSteps));
        var result = cost.PerUnit(1, $"{SineSteps} steps");
        result["final_loss"] = Math.Round(loss, 3);
        yield return result;
    }

    private static double RunSine(Tensor x, Tensor y, int steps)
    {
        var p = new Tensor[4];
        for (int i = 0; i < 4; i++) p[i] = Tensor.Rand([], requiresGrad: true);
        const double learningRate = 1e-6;
        Tensor loss = Tensor.Zeros(1);
        for (int t = 0; t < steps; t++)
        {
            var yPred = p[0] + p[1] * x + p[2] * x.Pow(2) + p[3] * x.Pow(3);
            loss = (yPred - y).Square().Sum();
            loss.Backward();
            using (Tensor.NoGrad())
            {
                foreach (var q in p)
                {
                    q.Sub_(learningRate * q.Grad!);
                    q.Grad = null;
                }
            }
        }
        return loss.Item();
    }
}
