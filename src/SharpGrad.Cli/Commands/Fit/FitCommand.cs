using System.CommandLine;
using SharpGrad.Cli.Infrastructure;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Plotting;
using SharpGrad.Training;

namespace SharpGrad.Cli.Commands.Fit;

/// <summary>
/// <c>sharpgrad fit</c>: course 002, 关系拟合. A 1-10-1 ReLU <see cref="Net"/> fitted to y = x^2 + 0.2 * U(0, 1) on 100
/// points of [-1, 1] with <c>torch.optim.SGD(lr=0.2)</c> and MSE on the whole set at each step. Prints the net, its
/// parameters and the optimizer as the course does, saves the scatter with the fitted line every few steps (frames/)
/// and plays them as an animated SVG and an HTML page.
/// </summary>
internal static class FitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var steps = CliOptions.Int("--steps", "Training steps, each on all points (as in the course)", 100);
        var lr = CliOptions.Positive("--lr", "Learning rate of torch.optim.SGD", 0.2);
        var hidden = CliOptions.Int("--hidden", "Hidden ReLU units (10: the 1-10-1 net)", 10);
        var points = CliOptions.Int("--points", "Points in [-1, 1]", 100, min: 2);
        var every = CliOptions.Int("--every", "Save a frame every this many steps, at steps 0, every, 2*every, ... (5, as the course plots)", 5);
        var frameSeconds = CliOptions.Positive("--frame-seconds", "Seconds each frame is shown in the animations", 0.2);
        return new Command("fit",
            "Fit y = x^2 + 0.2 * noise with a 1-10-1 ReLU net and SGD lr 0.2 (course 002, 关系拟合); prints the net, its parameters " +
            "and the optimizer, writes a frame every 5 steps (frames/step-0005.svg ...) and an animated view (fit-animated.svg, fit.html)")
        {
            steps, lr, hidden, points, every, frameSeconds,
        }.SetRun("fit", (parse, run, live) =>
        {
            int n = parse.GetValue(steps), h = parse.GetValue(hidden), m = parse.GetValue(points), k = parse.GetValue(every);
            double rate = parse.GetValue(lr);

            var (x, y) = MakeData(m);
            var net = new Net(1, h, 1);
            run.Log(net.ToString());
            run.Log("[" + string.Join(", ", net.Parameters().Select(p => p.ToString())) + "]");
            var optimizer = new SGD(net.Parameters(), lr: rate);
            run.Log(optimizer.ToString());

            var frameWriter = new FrameWriter(run, x, y, k);
            Action<int, Tensor, double> onStep = frameWriter.Step;
            var observers = new Observers();
            if (live is not null)
            {
                observers.Add(new DashboardCallback(live.Visdom, "MSE per step"));
                var scatter = new FitScatter(live.Visdom, x, y);
                onStep += scatter.Step;
            }
            var history = run.WithProgress("fit", n, progress =>
                Train(net, optimizer, x, y, n, observers.Add(new ProgressCallback(progress, "step")), onStep));

            var final = Predict(net, x);
            double finalLoss = new MSELoss().Forward(final, y).Item();
            var yLim = frameWriter.YRange(final);
            var (frames, labels) = frameWriter.Save(yLim);
            var finalChart = Chart(x, y, final, $"after {history.Count} steps  Loss={finalLoss:F4}");
            finalChart.YLim = yLim;
            run.Output("fit.svg", finalChart.Save);
            double seconds = parse.GetValue(frameSeconds);
            run.SaveText("fit-animated.svg", FitAnimation.AnimatedSvg(frames, finalChart.Width, finalChart.Height, seconds));
            run.SaveText("fit.html", FitAnimation.Html($"sharpgrad fit: 1-{h}-1 net, SGD lr {rate}", frames, labels, seconds));
            history.SaveCsv(run.PathOf("history.csv"));
            history.SaveJson(run.PathOf("history.json"));
            run.Output("loss.svg", new LineChart { Title = "fit: MSE per step", XLabel = "step", YLabel = "loss", LogY = history["loss"].All(v => v > 0) }
                .Add(history.Epochs.Select(e => (double)e).ToArray(), [.. history["loss"]], "loss")
                .Save);
            net.Save(run.PathOf("model.safetensors"));
            run.Metric("steps", n);
            run.Metric("first_loss", history["loss"][0]);
            run.Metric("last_step_loss", history["loss"][^1]);
            run.Metric("final_loss", finalLoss);
            run.Metric("frames", frames.Count);
        }, dashboard: true);
    }

    /// <summary><c>x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)</c>, <c>y = x.pow(2) + 0.2 * torch.rand(x.size())</c>.</summary>
    internal static (Tensor X, Tensor Y) MakeData(int points)
    {
        var x = Tensor.Linspace(-1, 1, points).Unsqueeze(1);
        var y = x.Pow(2) + 0.2 * Tensor.Rand(x.Shape);
        return (x, y);
    }

    /// <summary>
    /// The course's loop: <c>prediction = net(x); loss = loss_func(prediction, y); optimizer.zero_grad(); loss.backward();
    /// optimizer.step()</c>. Step t (0-based, as the course counts) is reported as batch and epoch t + 1 with its loss and
    /// <paramref name="onStep"/> gets t, the prediction the step was computed from and its loss (before the observers).
    /// Metric "loss"; an observer may stop the run.
    /// </summary>
    internal static History Train(Net net, Optimizer optimizer, Tensor x, Tensor y, int steps, IFitCallback observer,
        Action<int, Tensor, double>? onStep = null)
    {
        var lossFunc = new MSELoss();
        var history = new History();
        for (int t = 0; t < steps; t++)
        {
            observer.OnEpochStart(t + 1);
            var prediction = net.Forward(x);
            var loss = lossFunc.Forward(prediction, y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            double value = loss.Item();
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = value };
            history.Add(t + 1, metrics);
            onStep?.Invoke(t, prediction, value);
            observer.OnBatchEnd(t + 1, value);
            if (observer.OnEpochEnd(t + 1, metrics)) break;
        }
        observer.OnTrainEnd(history);
        return history;
    }

    private static Tensor Predict(Net net, Tensor x)
    {
        using (Tensor.NoGrad()) return net.Forward(x);
    }

    /// <summary>The course's picture: the points, the net's prediction as a line, the loss in the title.</summary>
    internal static ScatterChart Chart(Tensor x, Tensor y, Tensor prediction, string title)
        => new ScatterChart { Title = title, XLabel = "x", YLabel = "y" }
            .Add(x.Flatten(), y.Flatten(), "data")
            .AddLine(x.Flatten(), prediction.Detach().Flatten(), "prediction");

    /// <summary>
    /// Every <c>every</c> steps (t % every == 0, t counted from 0) keeps the prediction of that step and prints the
    /// course's <c>Loss=%.4f</c>; <see cref="Save"/> then draws them all as frames/step-tttt.svg on the same axes.
    /// </summary>
    private sealed class FrameWriter(RunContext run, Tensor x, Tensor y, int every)
    {
        private readonly List<(int Step, Tensor Prediction, double Loss)> _kept = [];

        /// <summary>Called after step <paramref name="t"/> with the prediction it used and its loss.</summary>
        public void Step(int t, Tensor prediction, double loss)
        {
            if (t % every != 0) return;
            _kept.Add((t, prediction.Detach().Clone(), loss));
            run.Log($"step {t}, Loss={loss:F4}");
        }

        /// <summary>
        /// The y range that holds the data and every kept prediction (and <paramref name="extra"/>), with 5% margins:
        /// all frames share it, so the animation shows the line move rather than the axes.
        /// </summary>
        public (double Lo, double Hi) YRange(Tensor extra)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var t in _kept.Select(k => k.Prediction).Append(y).Append(extra))
            {
                foreach (double v in t.Flatten().ToArray<double>())
                {
                    if (!double.IsFinite(v)) continue;
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
            }
            if (!(lo < hi)) (lo, hi) = (lo - 1, lo + 1);
            double margin = 0.05 * (hi - lo);
            return (lo - margin, hi + margin);
        }

        /// <summary>Writes the frames with y limits <paramref name="yLim"/>; returns their SVG texts and labels.</summary>
        public (List<string> Frames, List<string> Labels) Save((double Lo, double Hi) yLim)
        {
            Directory.CreateDirectory(run.PathOf("frames"));
            var frames = new List<string>();
            var labels = new List<string>();
            foreach (var (t, prediction, loss) in _kept)
            {
                var chart = Chart(x, y, prediction, $"step {t}  Loss={loss:F4}");
                chart.YLim = yLim;
                string svg = chart.ToSvg();
                run.SaveText(Path.Combine("frames", $"step-{t:D4}.svg"), svg);
                frames.Add(svg);
                labels.Add($"step {t}");
            }
            return (frames, labels);
        }
    }
}
