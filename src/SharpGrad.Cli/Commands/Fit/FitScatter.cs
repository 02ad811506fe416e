using SharpGrad.Dashboard;

namespace SharpGrad.Cli.Commands.Fit;

/// <summary>
/// The live version of the course's <c>plt.scatter(x, y); plt.plot(x, prediction, 'r-')</c> picture for
/// <c>sharpgrad fit --dashboard</c>: one scatter window ("fit") holding the data points and the net's current
/// prediction at every x (a dense row of points along the fitted curve), replaced after each step in one call.
/// </summary>
internal sealed class FitScatter
{
    /// <summary>The window id.</summary>
    public const string Window = "fit";

    private static readonly string[] Legend = ["data", "prediction"];

    private readonly Visdom _visdom;
    private readonly double[] _x, _y;
    private readonly Tensor _labels;

    /// <summary>Shows the data points at once (with no prediction yet).</summary>
    public FitScatter(Visdom visdom, Tensor x, Tensor y)
    {
        _visdom = visdom;
        _x = x.Flatten().ToArray<double>();
        _y = y.Flatten().ToArray<double>();
        var labels = new long[2 * _x.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = i < _x.Length ? 1 : 2;
        _labels = Tensor.FromBuffer(labels, labels.Length);
        visdom.Scatter(_x, _y, win: Window, title: "fit: data and prediction", name: "data", xLabel: "x", yLabel: "y");
    }

    /// <summary>Replaces the window's content with the data and <paramref name="prediction"/> of step <paramref name="t"/> (0-based).</summary>
    public void Step(int t, Tensor prediction, double loss)
    {
        var p = prediction.Detach().Flatten().ToArray<double>();
        int n = _x.Length;
        var points = new double[2 * n * 2];
        for (int i = 0; i < n; i++)
        {
            points[2 * i] = _x[i];
            points[2 * i + 1] = _y[i];
            points[2 * (n + i)] = _x[i];
            points[2 * (n + i) + 1] = p[i];
        }
        _visdom.Scatter(Tensor.FromBuffer(points, 2 * n, 2), _labels, win: Window, title: $"fit: step {t}  Loss={loss:F4}",
            legend: Legend, xLabel: "x", yLabel: "y");
    }
}
