using System.CommandLine;
using System.Globalization;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Sine;

/// <summary>
/// <c>sharpgrad sine</c>: the three cubic fits of sin(x) of course 003 (高阶函数构造 sin(x)) on 2000 points of [-pi, pi]:
/// hand-derived gradients (the NumPy program), autograd (<c>loss.backward()</c>), and <c>Linear(3, 1) + Flatten(0, 1)</c>
/// trained by RMSprop on MSE. Each prints its loss as the course does and the polynomial it found; one chart draws the
/// three polynomials against sin(x).
/// </summary>
internal static class SineCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var steps = CliOptions.Int("--steps", "Gradient-descent steps of each way (the course's NumPy program runs 200000)", 2000);
        var lr = CliOptions.Positive("--lr", "Learning rate of the hand-derived and autograd ways, whose loss is a sum", 1e-6);
        var rmspropLr = CliOptions.Positive("--rmsprop-lr", "Learning rate of RMSprop in the Linear(3, 1) way, whose loss is a mean (the course's; " +
            "it moves each weight about lr per step, too little to reach sin(x) in 2000 steps: 1e-3 does)", 1e-4);
        var way = CliOptions.Choice("--way", "Which of the course's three programs to run", "all", "all", "manual", "autograd", "module");
        var manual = new Option<bool>("--manual") { Description = "Run only the hand-derived gradients (the same as --way manual)" };
        var logEvery = CliOptions.Int("--log-every",
            "Print the loss every this many steps; 0 keeps the course's intervals (20 for the first two programs, 10 for the third)", 0, min: 0);
        return new Command("sine",
            "Fit y = a + b x + c x^2 + d x^3 to sin(x) three ways (course 003): hand-derived gradients, autograd, and Linear(3, 1) + " +
            "Flatten(0, 1) with RMSprop; prints the polynomial each finds and plots them against sin(x)")
        {
            steps, lr, rmspropLr, way, manual, logEvery,
        }.SetRun("sine", (parse, run, live) =>
        {
            string chosen = Chosen(parse, way, manual);
            int n = parse.GetValue(steps), every = parse.GetValue(logEvery);
            double rate = parse.GetValue(lr), rmsRate = parse.GetValue(rmspropLr);
            bool Runs(string w) => chosen == "all" || chosen == w;

            var fits = new List<SineFit>();
            if (Runs("manual"))
            {
                run.Markup($"[bold]1. hand-derived gradients[/] (NumPy program, float64): {SineFits.Points} points, lr {Py(rate)}, {n} steps");
                int k = every > 0 ? every : 20;
                fits.Add(run.WithProgress("sine: hand-derived", n, p => SineFits.Manual(n, rate, (epoch, loss) =>
                {
                    p.Advance(1, loss, "step");
                    if (epoch % k == 0) run.Log(Py(loss));
                })));
                run.Log(Polynomial(fits[^1]));
            }
            if (Runs("autograd"))
            {
                run.Markup($"[bold]2. autograd[/] (loss.backward(), float32): {SineFits.Points} points, lr {Py(rate)}, {n} steps");
                int k = every > 0 ? every : 20;
                fits.Add(run.WithProgress("sine: autograd", n, p => SineFits.Autograd(n, rate, (epoch, loss) =>
                {
                    double value = loss.Item();
                    p.Advance(1, value, "step");
                    if (epoch % k == 0) run.Log(loss.ToString());
                })));
                run.Log(Polynomial(fits[^1]));
            }
            if (Runs("module"))
            {
                run.Markup($"[bold]3. Linear(3, 1) + Flatten(0, 1)[/] with RMSprop and MSELoss: {SineFits.Points} points, lr {Py(rmsRate)}, {n} steps");
                int k = every > 0 ? every : 10;
                Liner? model = null;
                fits.Add(run.WithProgress("sine: Linear + RMSprop", n, p =>
                {
                    var fit = SineFits.Module(n, rmsRate, (epoch, loss) =>
                    {
                        double value = loss.Item();
                        p.Advance(1, value, "step");
                        if (epoch % k == 0) run.Log(loss.ToString());
                    }, out var trained, out _);
                    model = trained;
                    return fit;
                }));
                run.Log(Polynomial(fits[^1]));
                model!.Save(run.PathOf("model.safetensors"));
            }

            SaveOutputs(run, fits);
            foreach (var fit in fits)
            {
                string name = Key(fit.Way);
                run.Metric($"{name}_first_loss", fit.FirstLoss);
                run.Metric($"{name}_final_loss", fit.LastLoss);
                run.Metric($"{name}_max_error", MaxError(fit));
                run.Metric($"{name}_polynomial", Polynomial(fit));
            }
        }, check: parse => Chosen(parse, way, manual));
    }

    /// <summary>The program <c>--way</c> picks; <c>--manual</c> is <c>--way manual</c> and cannot go with another way.</summary>
    private static string Chosen(ParseResult parse, Option<string> way, Option<bool> manual)
    {
        string chosen = parse.GetValue(way)!;
        if (!parse.GetValue(manual)) return chosen;
        if (chosen is not ("all" or "manual"))
            throw new UsageException($"--manual runs the hand-derived gradients only; it cannot be combined with --way {chosen}");
        return "manual";
    }

    /// <summary>The course's closing line, <c>f"y_pred = {a.item()} + {b.item()}*x + {c.item()}*x^2 + {d.item()}*x^3"</c>.</summary>
    internal static string Polynomial(SineFit f) => $"y_pred = {Py(f.A)} + {Py(f.B)}*x + {Py(f.C)}*x^2 + {Py(f.D)}*x^3";

    /// <summary>The largest |polynomial - sin| over the 2000 points.</summary>
    internal static double MaxError(SineFit f)
    {
        double worst = 0;
        for (int i = 0; i < SineFits.Points; i++)
        {
            double x = -Math.PI + 2 * Math.PI * i / (SineFits.Points - 1);
            worst = Math.Max(worst, Math.Abs(f.Eval(x) - Math.Sin(x)));
        }
        return worst;
    }

    private static string Key(SineWay way) => way.ToString().ToLowerInvariant();

    private static string Label(SineWay way) => way switch
    {
        SineWay.Manual => "hand-derived gradients",
        SineWay.Autograd => "autograd",
        _ => "Linear(3,1) + RMSprop",
    };

    /// <summary>history.csv/json (each way's loss per step), sine.svg (the polynomials and sin) and loss.svg.</summary>
    private static void SaveOutputs(RunContext run, List<SineFit> fits)
    {
        var history = new History();
        int steps = fits[0].Losses.Length;
        for (int s = 0; s < steps; s++)
        {
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var fit in fits) row[$"{Key(fit.Way)}_loss"] = fit.Losses[s];
            history.Add(s, row);
        }
        history.SaveCsv(run.PathOf("history.csv"));
        history.SaveJson(run.PathOf("history.json"));

        var xs = new double[SineFits.Points];
        for (int i = 0; i < xs.Length; i++) xs[i] = -Math.PI + 2 * Math.PI * i / (xs.Length - 1);
        var chart = new LineChart { Title = "sin(x) and the cubic each way found", XLabel = "x", YLabel = "y", Width = 860, Height = 460 }
;
        // sin(x) goes last: each way keeps its colour in both charts, and the target is drawn on top.
        foreach (var fit in fits) chart.Add(xs, xs.Select(fit.Eval).ToArray(), Label(fit.Way));
        chart.Add(xs, xs.Select(Math.Sin).ToArray(), "sin(x)");
        run.Output("sine.svg", chart.Save);

        // The module's MSE is a mean; times the number of points it is the same sum of squares the other two print.
        var steps1 = Enumerable.Range(0, steps).Select(s => (double)s).ToArray();
        var losses = new LineChart { Title = "loss per step (sum of squared errors)", XLabel = "step", YLabel = "loss", LogY = true, Width = 860, Height = 460 };
        foreach (var fit in fits)
        {
            double scale = fit.Way == SineWay.Module ? SineFits.Points : 1;
            losses.Add(steps1, fit.Losses.Select(v => v > 0 && double.IsFinite(v) ? v * scale : double.NaN).ToArray(),
                fit.Way == SineWay.Module ? $"{Label(fit.Way)} (MSE x {SineFits.Points})" : Label(fit.Way));
        }
        run.Output("loss.svg", losses.Save);
    }

    /// <summary>Python's <c>str(float)</c>: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on.</summary>
    internal static string Py(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        double abs = Math.Abs(v);
        if (abs != 0 && (abs < 1e-4 || abs >= 1e16))
        {
            // The shortest round-trip digits, laid out as Python does: 1.5e-05, 1e+16.
            string r = abs.ToString("R", CultureInfo.InvariantCulture);
            string digits;
            int exponent;
            int e = r.IndexOf('E');
            if (e >= 0)
            {
                digits = r[..e].Replace(".", "");
                exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }
            else
            {
                int dot = r.IndexOf('.');
                string whole = dot < 0 ? r : r[..dot], all = dot < 0 ? r : whole + r[(dot + 1)..];
                int first = 0;
                while (all[first] == '0') first++;
                exponent = whole.Length - 1 - first;
                digits = all[first..];
            }
            digits = digits.TrimEnd('0');
            string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{(v < 0 ? "-" : "")}{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):D2}";
        }
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
