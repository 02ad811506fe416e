using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Plotting;
using F = SharpGrad.NN.Functional;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad activations</c>: the activation functions of course 004 (exercises 1-3 and the M-P neuron's list):
/// sigmoid, tanh, ReLU, leaky ReLU and sgn, with their derivatives, printed for given inputs and plotted.
/// The derivatives come from autograd (<c>y.sum().backward()</c>, then <c>x.grad</c>); sgn is a step, so its
/// derivative is 0 away from 0 and undefined at 0 (printed as NaN).
/// </summary>
internal static class ActivationsCommand
{
    /// <summary>Default inputs: around 0 and out to ±10, where the course's hint evaluates e^10 and sigmoid/tanh saturate.</summary>
    internal static readonly double[] DefaultInputs = [-10, -2, -1, -0.5, 0, 0.5, 1, 2, 10];

    /// <summary>One activation: its name, its formula and the function on a float64 tensor.</summary>
    internal sealed record Activation(string Name, string Formula, Func<Tensor, Tensor> Apply, bool Differentiable);

    /// <summary>The five functions, with leaky ReLU's negative slope.</summary>
    internal static Activation[] All(double negativeSlope) =>
    [
        new("sigmoid", "1 / (1 + e^-x)", x => x.Sigmoid(), true),
        new("tanh", "(e^x - e^-x) / (e^x + e^-x)", x => x.Tanh(), true),
        new("relu", "max(0, x)", x => x.Relu(), true),
        new("leaky_relu", $"x if x > 0 else {negativeSlope.ToString(CultureInfo.InvariantCulture)} x", x => F.LeakyRelu(x, negativeSlope), true),
        // The course's sgn (M-P neuron): np.where(x >= 0, 1, 0), a step that outputs 0 or 1.
        new("sgn", "1 if x >= 0 else 0", x => (x >= 0).Double(), false),
    ];

    /// <summary>Values and derivatives of every activation at <paramref name="x"/> (float64).</summary>
    internal static (double[][] Values, double[][] Derivatives) Evaluate(Activation[] activations, double[] x)
    {
        var values = new double[activations.Length][];
        var derivatives = new double[activations.Length][];
        for (int i = 0; i < activations.Length; i++)
        {
            var input = Tensor.From(x, DType.Float64, requiresGrad: activations[i].Differentiable);
            var y = activations[i].Apply(input);
            values[i] = y.ToArray<double>();
            if (activations[i].Differentiable)
            {
                y.Sum().Backward();
                derivatives[i] = input.Grad!.ToArray<double>();
            }
            else
            {
                // A step has slope 0 everywhere except at the jump, where no derivative exists.
                derivatives[i] = x.Select(v => v == 0 ? double.NaN : 0.0).ToArray();
            }
        }
        return (values, derivatives);
    }

    /// <summary>Builds the command with --x, --negative-slope, --range and the common options.</summary>
    public static Command Create()
    {
        var xs = CliLists.Numbers("--x", "Inputs at which to print the functions and derivatives, comma-separated (e.g. 1,-2,0.5)", DefaultInputs);
        var slope = CliOptions.NonNegative("--negative-slope", "Slope of leaky ReLU for x < 0 (nn.LeakyReLU's negative_slope)", 0.01);
        var range = CliOptions.Positive("--range", "The plots cover x in [-range, range]", 5);
        var common = new CommonOptions();
        var command = new Command("activations",
            "Sigmoid, tanh, ReLU, leaky ReLU and sgn with their derivatives (autograd): printed and plotted (course 004)")
        {
            xs, slope, range,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var run = common.Begin(parse, "activations");
            double[] x = CliLists.Given(parse, xs) ?? DefaultInputs;
            var activations = All(parse.GetValue(slope));
            var (values, derivatives) = Evaluate(activations, x);

            run.Markup("[bold]Activation functions[/] (derivatives by autograd; sgn is a step, no derivative at 0)");
            if (!run.Quiet)
            {
                var table = new Table().AddColumn(new TableColumn("x").RightAligned());
                foreach (var a in activations)
                {
                    table.AddColumn(new TableColumn(a.Name).RightAligned());
                    table.AddColumn(new TableColumn($"d {a.Name}").RightAligned());
                }
                for (int j = 0; j < x.Length; j++)
                {
                    var row = new List<string> { Num(x[j]) };
                    for (int i = 0; i < activations.Length; i++)
                    {
                        row.Add(Num(values[i][j]));
                        row.Add(Num(derivatives[i][j]));
                    }
                    table.AddRow(row.ToArray());
                }
                AnsiConsole.Console.Write(table);
                foreach (var a in activations) run.Log($"  {a.Name,-10} = {a.Formula}");
            }

            run.SaveText("values.csv", Csv(activations, x, values, derivatives));
            Plot(activations, parse.GetValue(range), run);
            for (int i = 0; i < activations.Length; i++)
            {
                run.Metric($"{activations[i].Name}({Num(x[0])})", values[i][0]);
                run.Metric($"{activations[i].Name}'({Num(x[0])})", derivatives[i][0]);
            }
            run.Finish(clock);
            return 0;
        });
        return command;
    }

    /// <summary>Writes activations.svg (the functions) and derivatives.svg over [-range, range].</summary>
    private static void Plot(Activation[] activations, double range, RunContext run)
    {
        const int points = 401;
        var grid = Enumerable.Range(0, points).Select(i => -range + 2 * range * i / (points - 1)).ToArray();
        var (values, derivatives) = Evaluate(activations, grid);
        var functions = new LineChart { Title = "Activation functions", XLabel = "x", YLabel = "f(x)" };
        var slopes = new LineChart { Title = "Derivatives (autograd)", XLabel = "x", YLabel = "f'(x)" };
        for (int i = 0; i < activations.Length; i++)
        {
            functions.Add(grid, values[i], activations[i].Name);
            slopes.Add(grid, derivatives[i], activations[i].Name);
        }
        functions.Save(run.PathOf("activations.svg"));
        slopes.Save(run.PathOf("derivatives.svg"));
    }

    private static string Csv(Activation[] activations, double[] x, double[][] values, double[][] derivatives)
    {
        var csv = new StringBuilder("x");
        foreach (var a in activations) csv.Append($",{a.Name},d_{a.Name}");
        csv.Append('\n');
        for (int j = 0; j < x.Length; j++)
        {
            csv.Append(x[j].ToString("R", CultureInfo.InvariantCulture));
            for (int i = 0; i < activations.Length; i++)
                csv.Append(',').Append(values[i][j].ToString("R", CultureInfo.InvariantCulture))
                   .Append(',').Append(derivatives[i][j].ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static string Num(double v) => double.IsNaN(v) ? "undef" : (v + 0.0).ToString("0.######", CultureInfo.InvariantCulture);
}
