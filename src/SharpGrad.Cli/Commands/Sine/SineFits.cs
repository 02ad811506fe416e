using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Commands.Sine;

/// <summary>One of the three ways of course 003 to fit y = a + b x + c x^2 + d x^3 to sin(x).</summary>
internal enum SineWay
{
    /// <summary>Program 1: NumPy, float64, the gradients derived by hand.</summary>
    Manual,

    /// <summary>Program 2: float32 scalars with requires_grad, <c>loss.backward()</c>, the update under no_grad.</summary>
    Autograd,

    /// <summary>Program 3: <c>nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))</c> on [x, x^2, x^3], MSELoss, RMSprop.</summary>
    Module,
}

/// <summary>The coefficients a fit found and the loss of every step (the loss each way prints: a sum, or for the module a mean).</summary>
internal sealed record SineFit(SineWay Way, double A, double B, double C, double D, double[] Losses)
{
    /// <summary>The loss of the first step.</summary>
    public double FirstLoss => Losses[0];

    /// <summary>The loss of the last step.</summary>
    public double LastLoss => Losses[^1];

    /// <summary>The fitted polynomial at <paramref name="x"/>.</summary>
    public double Eval(double x) => A + x * (B + x * (C + x * D));
}

/// <summary>
/// <c>class Liner(nn.Module)</c> of course 003 (the name is the course's): <c>self.model = nn.Sequential(nn.Linear(3, 1),
/// nn.Flatten(0, 1))</c>, so that its state dict reads <c>model.0.weight</c>, <c>model.0.bias</c> as in PyTorch.
/// </summary>
internal sealed class Liner : Module
{
    /// <summary>The layers.</summary>
    public Sequential model { get; } = new(new Linear(3, 1), new Flatten(0, 1));

    /// <summary>Registers <see cref="model"/>.</summary>
    public Liner() => RegisterComponents();

    /// <summary><c>output = self.model(data)</c>.</summary>
    public override Tensor Forward(Tensor input) => model.Forward(input);
}

/// <summary>
/// The three programs of course 003, 高阶函数构造 sin(x): 2000 points of [-pi, pi], y = sin(x), four coefficients fitted
/// by gradient descent. Each calls <c>onStep(step, loss)</c> after every step (step counted from 0, as the course's
/// <c>epoch</c>), which prints and draws progress.
/// </summary>
internal static class SineFits
{
    /// <summary>Number of sample points in [-pi, pi], as in the course.</summary>
    public const int Points = 2000;

    /// <summary>
    /// Program 1 (NumPy): float64 data, the coefficients as plain numbers from <c>np.random.rand()</c>, loss
    /// <c>np.square(y_pred - y).sum()</c>, and the gradients derived by hand: dloss/dy_pred = 2 (y_pred - y), then
    /// dloss/da is its sum, dloss/db the sum of it times x, and so on.
    /// </summary>
    public static SineFit Manual(int steps, double lr, Action<int, double>? onStep = null)
    {
        var x = Tensor.Linspace(-Math.PI, Math.PI, Points, DType.Float64);
        var y = x.Sin();
        var x2 = x.Pow(2);
        var x3 = x.Pow(3);
        double a = Tensor.Rand([], dtype: DType.Float64).Item();
        double b = Tensor.Rand([], dtype: DType.Float64).Item();
        double c = Tensor.Rand([], dtype: DType.Float64).Item();
        double d = Tensor.Rand([], dtype: DType.Float64).Item();
        var losses = new double[steps];
        for (int epoch = 0; epoch < steps; epoch++)
        {
            var yPred = a + b * x + c * x2 + d * x3;
            double loss = (yPred - y).Square().Sum().Item();
            var gradYPred = 2.0 * (yPred - y);
            double gradA = gradYPred.Sum().Item();
            double gradB = (gradYPred * x).Sum().Item();
            double gradC = (gradYPred * x2).Sum().Item();
            double gradD = (gradYPred * x3).Sum().Item();
            a -= lr * gradA;
            b -= lr * gradB;
            c -= lr * gradC;
            d -= lr * gradD;
            losses[epoch] = loss;
            onStep?.Invoke(epoch, loss);
        }
        return new SineFit(SineWay.Manual, a, b, c, d, losses);
    }

    /// <summary>
    /// Program 2: float32 scalars a, b, c, d from <c>torch.rand((), requires_grad=True)</c>, loss
    /// <c>torch.square(y_pred - y).sum()</c>, <c>loss.backward()</c>, then <c>p -= lr * p.grad</c> under no_grad and the
    /// gradients reset to None. <paramref name="onStep"/> also gets the loss tensor, which the course prints.
    /// </summary>
    public static SineFit Autograd(int steps, double lr, Action<int, Tensor>? onStep = null)
    {
        var x = Tensor.Linspace(-Math.PI, Math.PI, Points);
        var y = x.Sin();
        var a = Tensor.Rand([], requiresGrad: true);
        var b = Tensor.Rand([], requiresGrad: true);
        var c = Tensor.Rand([], requiresGrad: true);
        var d = Tensor.Rand([], requiresGrad: true);
        var losses = new double[steps];
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
            losses[epoch] = loss.Item();
            onStep?.Invoke(epoch, loss);
        }
        return new SineFit(SineWay.Autograd, a.Item<float>(), b.Item<float>(), c.Item<float>(), d.Item<float>(), losses);
    }

    /// <summary>
    /// Program 3: <c>input = x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))</c>, the <see cref="Liner"/> model,
    /// <c>torch.optim.RMSprop(lr=1e-4)</c> and <c>nn.MSELoss()</c> (a mean, where the other two programs sum). The
    /// polynomial is read off the layer: a is the bias, b, c, d the weights of x, x^2, x^3.
    /// </summary>
    public static SineFit Module(int steps, double lr, Action<int, Tensor>? onStep, out Liner model, out Optimizer optimizer)
    {
        var x = Tensor.Linspace(-Math.PI, Math.PI, Points);
        var y = x.Sin();
        var mynn = new Liner();
        var p = Tensor.From(new float[] { 1, 2, 3 });
        var input = x.Unsqueeze(-1).Pow(p);
        var optimiser = new RMSprop(mynn.model.Parameters(), lr: lr);
        var lossFn = new MSELoss();
        var losses = new double[steps];
        for (int epoch = 0; epoch < steps; epoch++)
        {
            var yPre = mynn.Forward(input);
            var loss = lossFn.Forward(yPre, y);
            optimiser.ZeroGrad();
            loss.Backward();
            optimiser.Step();
            losses[epoch] = loss.Item();
            onStep?.Invoke(epoch, loss);
        }
        var linear = (Linear)mynn.model[0];
        var w = linear.Weight.Detach().Flatten().ToArray<double>();
        double bias = linear.Bias!.Detach().Item();
        (model, optimizer) = (mynn, optimiser);
        return new SineFit(SineWay.Module, bias, w[0], w[1], w[2], losses);
    }
}
