using System.CommandLine;
using Spectre.Console;
using SharpGrad.Cli.Infrastructure;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad sine</c>: the course's cubic fit of sin(x) (course 003, "高阶函数构造 sin(x)"):
/// y = a + b x + c x^2 + d x^3 on 2000 points in [-pi, pi], loss = sum of squared errors,
/// plain gradient descent. By default the gradients come from autograd (the second program);
/// <c>--manual</c> derives them by hand as the first (NumPy) program does.
/// </summary>
internal static class SineCommand
{
    /// <summary>The loss is printed at every step that is a multiple of this.</summary>
    private const int ReportEvery = 100;

    /// <summary>Number of sample points in [-pi, pi], as in the course.</summary>
    private const int Points = 2000;

    /// <summary>The fitted coefficients and the loss at the first and the last step.</summary>
    internal readonly record struct Fit(double A, double B, double C, double D, double FirstLoss, double LastLoss);

    /// <summary>Builds the command with its options --steps, --lr, --seed and --manual.</summary>
    public static Command Create()
    {
        var steps = CliOptions.Int("--steps", "Number of gradient-descent steps", 2000);
        var lr = CliOptions.Positive("--lr", "Learning rate", 1e-6);
        var seed = CliOptions.Long("--seed", "Seed of the random initial coefficients (Tensor.ManualSeed)", 0);
        var manual = new Option<bool>("--manual") { Description = "Use hand-derived gradients (the course's NumPy program) instead of autograd" };

        var command = new Command("sine", "Fit y = a + b x + c x^2 + d x^3 to sin(x) by gradient descent (course 003)")
        {
            steps, lr, seed, manual,
        };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(steps);
            double rate = parse.GetValue(lr);
            bool byHand = parse.GetValue(manual);
            Tensor.ManualSeed(parse.GetValue(seed));
            AnsiConsole.MarkupLine(
                $"[bold]Cubic fit of sin(x)[/] with {(byHand ? "hand-derived gradients" : "autograd")}: " +
                $"{Points} points in [[-pi, pi]], lr {rate}, {n} steps, seed {parse.GetValue(seed)}");
            var fit = byHand ? FitManual(n, rate, Report) : FitAutograd(n, rate, Report);
            AnsiConsole.WriteLine($"final loss {fit.LastLoss:F4} (from {fit.FirstLoss:F4})");
            AnsiConsole.WriteLine($"y_pred = {fit.A:G7}{Term(fit.B, " x")}{Term(fit.C, " x^2")}{Term(fit.D, " x^3")}");
            return 0;
        });
        return command;
    }

    private static string Term(double coefficient, string power)
        => (coefficient < 0 ? $" - {-coefficient:G7}" : $" + {coefficient:G7}") + power;

    private static void Report(int step, double loss) => AnsiConsole.WriteLine($"step {step,6}  loss {loss,14:F4}");

    /// <summary>
    /// The course's second program: float32 tensors a, b, c, d from <c>torch.rand(())</c> with
    /// requires_grad, <c>loss.backward()</c>, then <c>p -= lr * p.grad</c> under no_grad and the grads reset to None.
    /// </summary>
    /// <param name="steps">Number of steps.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="report">Called with the step and its loss every <see cref="ReportEvery"/> steps.</param>
    internal static Fit FitAutograd(int steps, double lr, Action<int, double>? report = null)
    {
        var x = Tensor.Linspace(-Math.PI, Math.PI, Points);
        var y = x.Sin();
        var a = Tensor.Rand([], requiresGrad: true);
        var b = Tensor.Rand([], requiresGrad: true);
        var c = Tensor.Rand([], requiresGrad: true);
        var d = Tensor.Rand([], requiresGrad: true);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < steps; epoch++)
        {
            var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);
            var loss = (yPred - y).Square().Sum();
            loss.Backward();
            using (Tensor.NoGrad())
            {
                a.Sub_(lr * a.Grad!);
                b.Sub_(lr * b.Grad!);
                c.Sub_(lr * c.Grad!);
                d.Sub_(lr * d.Grad!);
            }
            a.Grad = null;
            b.Grad = null;
            c.Grad = null;
            d.Grad = null;
            last = loss.Item();
            if (epoch == 0) first = last;
            if (epoch % ReportEvery == 0) report?.Invoke(epoch, last);
        }
        return new Fit(a.Item<float>(), b.Item<float>(), c.Item<float>(), d.Item<float>(), first, last);
    }

    /// <summary>
    /// The course's first (NumPy) program: float64 data, the coefficients as plain numbers, and the
    /// gradients derived by hand: dloss/dy_pred = 2 (y_pred - y), then dloss/da = sum of it, dloss/db = sum of it times x, ...
    /// </summary>
    /// <param name="steps">Number of steps.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="report">Called with the step and its loss every <see cref="ReportEvery"/> steps.</param>
    internal static Fit FitManual(int steps, double lr, Action<int, double>? report = null)
    {
        var x = Tensor.Linspace(-Math.PI, Math.PI, Points, DType.Float64);
        var y = x.Sin();
        double a = Tensor.Rand([], dtype: DType.Float64).Item();
        double b = Tensor.Rand([], dtype: DType.Float64).Item();
        double c = Tensor.Rand([], dtype: DType.Float64).Item();
        double d = Tensor.Rand([], dtype: DType.Float64).Item();
        double first = 0, last = 0;
        for (int epoch = 0; epoch < steps; epoch++)
        {
            var yPred = a + b * x + c * x.Pow(2) + d * x.Pow(3);
            var loss = (yPred - y).Square().Sum().Item();
            var gradYPred = 2.0 * (yPred - y);
            double gradA = gradYPred.Sum().Item();
            double gradB = (gradYPred * x).Sum().Item();
            double gradC = (gradYPred * x.Pow(2)).Sum().Item();
            double gradD = (gradYPred * x.Pow(3)).Sum().Item();
            a -= lr * gradA;
            b -= lr * gradB;
            c -= lr * gradC;
            d -= lr * gradD;
            last = loss;
            if (epoch == 0) first = last;
            if (epoch % ReportEvery == 0) report?.Invoke(epoch, last);
        }
        return new Fit(a, b, c, d, first, last);
    }
}
