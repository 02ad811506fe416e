using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad descent</c>: the course's steepest descent with exact line search (document 004, exercise 5,
/// "最速下降法") on f(x1, x2) = 2 x1^2 + x2^2 from (1, 1) until the gradient norm is at most 0.1. The course solves
/// d f(x - t g) / dt = 0 with sympy; here the gradient g comes from autograd and, f being quadratic, the exact step is
/// t = g.g / g.Hg with the Hessian-vector product Hg from double backward (Autograd.Grad with createGraph).
/// From (1, 1) the iterates are (-1/9, 4/9), (2/27, 2/27), (-2/243, 8/243), the exact numbers sympy prints.
/// </summary>
internal static class DescentCommand
{
    /// <summary>One point of the path: k (0 is the start), the point, f there, the gradient norm there, and the step that led to it.</summary>
    internal readonly record struct Iterate(int K, double X1, double X2, double F, double GradNorm, double Step);

    /// <summary>Builds the command with --x1, --x2, --tolerance, --max-iterations and the common options.</summary>
    public static Command Create()
    {
        var x1 = CliOptions.Double("--x1", "First coordinate of the start point (default 1, as in the course)", 1);
        var x2 = CliOptions.Double("--x2", "Second coordinate of the start point (default 1, as in the course)", 1);
        var tolerance = CliOptions.Positive("--tolerance", "Stop once the gradient norm is at most this (the course's theta; default 0.1)", 0.1);
        var maxIterations = CliOptions.Int("--max-iterations", "Give up after this many steps (default 100)", 100);
        var common = new CommonOptions();
        var command = new Command("descent",
            "Steepest descent with exact line search on f = 2 x1^2 + x2^2 (course 004): iterates, step lengths and a contour plot")
        {
            x1, x2, tolerance, maxIterations,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            var run = common.Begin(parse, "descent");
            return Execute(run, parse.GetValue(x1), parse.GetValue(x2), parse.GetValue(tolerance), parse.GetValue(maxIterations));
        });
        return command;
    }

    /// <summary>The course's function, f(x1, x2) = 2 x1^2 + x2^2, on a tensor [x1, x2].</summary>
    internal static Tensor Objective(Tensor x) => 2.0 * x[0].Square() + x[1].Square();

    /// <summary>
    /// Runs steepest descent from (<paramref name="x1"/>, <paramref name="x2"/>) while the gradient norm exceeds
    /// <paramref name="tolerance"/> (the course's <c>while grad_length &gt; theta</c>), at most <paramref name="maxIterations"/> steps.
    /// Returns the start and every iterate.
    /// </summary>
    internal static List<Iterate> Run(double x1, double x2, double tolerance, int maxIterations)
    {
        var path = new List<Iterate>();
        var x = Tensor.From(new[] { x1, x2 }, DType.Float64);
        double step = double.NaN;
        for (int k = 0; ; k++)
        {
            var leaf = x.Clone().RequiresGrad_();
            var f = Objective(leaf);
            var g = Autograd.Grad(f, [leaf], createGraph: true)[0]!;
            var gd = g.Detach();
            double gg = gd.Dot(gd).Item();
            var xs = leaf.Detach().ToArray<double>();
            path.Add(new Iterate(k, xs[0], xs[1], f.Item(), Math.Sqrt(gg), step));
            if (Math.Sqrt(gg) <= tolerance || k == maxIterations) return path;
            // Hessian-vector product: the gradient of g . v with v = g held constant.
            var hg = Autograd.Grad(g, [leaf], gradOutput: gd)[0]!;
            double gHg = gd.Dot(hg).Item();
            if (!(gHg > 0))
                throw new InvalidOperationException($"descent: the curvature along the gradient at ({xs[0]}, {xs[1]}) is {gHg}; exact line search needs a positive one");
            // Minimiser of the quadratic t -> f(x - t g): t = g.g / g.Hg.
            step = gg / gHg;
            x = leaf.Detach() - step * gd;
        }
    }

    private static int Execute(RunContext run, double x1, double x2, double tolerance, int maxIterations)
    {
        var clock = Stopwatch.StartNew();
        run.Markup("[bold]Steepest descent with exact line search[/] on f(x1, x2) = 2 x1^2 + x2^2 (course 004, exercise 5)");
        run.Log($"start ({Num(x1)}, {Num(x2)}), stop when |grad f| <= {Num(tolerance)}; gradients by autograd, step t = g.g / g.Hg with Hg by double backward");
        var path = Run(x1, x2, tolerance, maxIterations);
        var history = new History();
        foreach (var it in path)
        {
            string step = it.K == 0 ? "start" : $"step {F(it.Step)}{Exact(it.Step)}";
            run.Log($"k {it.K,2}  {step,-28} x = ({F(it.X1)}, {F(it.X2)}){ExactPoint(it.X1, it.X2)}  f {F(it.F)}  grad_length {F(it.GradNorm)}");
            history.Add(it.K, new Dictionary<string, double>
            {
                ["x1"] = it.X1, ["x2"] = it.X2, ["f"] = it.F, ["grad_norm"] = it.GradNorm, ["step"] = it.K == 0 ? 0 : it.Step,
            });
        }
        var last = path[^1];
        bool converged = last.GradNorm <= tolerance;
        run.Log(converged
            ? $"{last.K} iterations (the course's program prints k = {last.K}); the minimum is (0, 0)"
            : $"not converged after {last.K} iterations: |grad f| = {F(last.GradNorm)} > {Num(tolerance)}");
        history.SaveCsv(run.PathOf("history.csv"));
        ContourPlot(path).Save(run.PathOf("descent.svg"));
        // The later steps are small: the same picture from the first iterate on.
        if (path.Count > 2) ContourPlot(path.Skip(1).ToList(), " (from k = 1)").Save(run.PathOf("descent-zoom.svg"));

        run.Metric("iterations", last.K);
        run.Metric("converged", converged);
        run.Metric("x1", last.X1);
        run.Metric("x2", last.X2);
        run.Metric("f", last.F);
        run.Metric("grad_norm", last.GradNorm);
        run.Finish(clock);
        return 0;
    }

    /// <summary>
    /// Contours of f through every iterate (ellipses x1^2 / (c/2) + x2^2 / c = 1), the path and its points. Each step
    /// ends where it touches a contour (the exact line search), so consecutive steps meet at right angles.
    /// </summary>
    internal static ScatterChart ContourPlot(IReadOnlyList<Iterate> path, string titleSuffix = "")
    {
        double top = path.Max(p => p.F);
        var levels = path.Select(p => p.F).Where(c => c > top * 1e-6).Append(top * 1.6).Append(top * 0.5).Distinct().ToList();
        var cx = new List<double>();
        var cy = new List<double>();
        foreach (double c in levels)
        {
            for (int i = 0; i <= 200; i++)
            {
                double a = 2 * Math.PI * i / 200;
                cx.Add(Math.Sqrt(c / 2) * Math.Cos(a));
                cy.Add(Math.Sqrt(c) * Math.Sin(a));
            }
            cx.Add(double.NaN); // a gap between two ellipses
            cy.Add(double.NaN);
        }
        // The plot area is sized so that one unit has about the same length on both axes, so that right angles look
        // right: the frame takes about 72 px on the left (ticks, label) and 170 on the right (legend).
        double halfX = Math.Sqrt(top * 1.6 / 2), halfY = Math.Sqrt(top * 1.6);
        const int plotHeight = 520;
        int plotWidth = (int)Math.Round(plotHeight * halfX / halfY);
        return new ScatterChart
        {
            Title = "Steepest descent on f = 2 x1^2 + x2^2" + titleSuffix,
            XLabel = "x1",
            YLabel = "x2",
            Width = Math.Max(Chart.MinWidth, plotWidth + 242),
            Height = plotHeight + 90,
        }
            .AddLine([.. cx], [.. cy], "contours of f")
            .AddLine(path.Select(p => p.X1).ToArray(), path.Select(p => p.X2).ToArray(), "path")
            .Add(path.Select(p => p.X1).ToArray(), path.Select(p => p.X2).ToArray(), "iterates");
    }

    /// <summary>The value as a fraction p/q with q at most 10^6 when it is one to 1e-12 (sympy prints the course's iterates so), else "".</summary>
    internal static string? Fraction(double v)
    {
        if (!double.IsFinite(v)) return null;
        if (v == Math.Round(v)) return ((long)v).ToString(CultureInfo.InvariantCulture);
        // Continued fraction convergents h/k of |v|.
        double r = Math.Abs(v);
        long h0 = 1, h1 = (long)Math.Floor(r), k0 = 0, k1 = 1;
        double rest = r - Math.Floor(r);
        while (k1 <= 1_000_000)
        {
            if (Math.Abs((double)h1 / k1 - Math.Abs(v)) <= 1e-12 * Math.Max(1, Math.Abs(v)))
                return (v < 0 ? "-" : "") + $"{h1}/{k1}";
            if (rest < 1e-15) break;
            r = 1 / rest;
            long a = (long)Math.Floor(r);
            rest = r - a;
            (h0, h1) = (h1, a * h1 + h0);
            (k0, k1) = (k1, a * k1 + k0);
        }
        return null;
    }

    private static string Exact(double v) => Fraction(v) is string f ? $" ({f})" : "";

    private static string ExactPoint(double x1, double x2)
        => Fraction(x1) is string a && Fraction(x2) is string b ? $" = ({a}, {b})" : "";

    private static string F(double v) => v.ToString("F10", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
